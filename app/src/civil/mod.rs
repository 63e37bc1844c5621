//! Civil registration: birth, marriage and death dossiers from intake (counter, hospital, field)
//! through review, registration, signature and delivery; personal identity numbers, the chip ID
//! card's QR, dossier codes with a gap-free daily sequence; the population registry adapter with
//! its synthetic local implementation; the printable documents; public verification and
//! tracking. Other features use it through `api`.

pub mod domain;
#[cfg(feature = "ssr")]
pub mod registry;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod settings;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A dossier as received: what the receipt (Mẫu 01) prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceivedDossier {
    pub dossier_id: uuid::Uuid,
    pub code: String,
    pub due_on: NaiveDate,
    pub late: bool,
    /// An earlier dossier of what looks like the same birth (same mother and day).
    pub possible_duplicate_of: Option<uuid::Uuid>,
}

#[cfg(feature = "ssr")]
pub mod api;
pub mod form;
pub mod i18n;
pub mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod work;

use domain::{Channel, DossierKind, StepResult};

/// Where a dossier stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Notified,
    Submitted,
    NeedsSupplement,
    Ready,
    AwaitingSignature,
    Registered,
    Delivered,
    Refused,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Notified,
        Status::Submitted,
        Status::NeedsSupplement,
        Status::Ready,
        Status::AwaitingSignature,
        Status::Registered,
        Status::Delivered,
        Status::Refused,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Notified => "notified",
            Status::Submitted => "submitted",
            Status::NeedsSupplement => "needs_supplement",
            Status::Ready => "ready",
            Status::AwaitingSignature => "awaiting_signature",
            Status::Registered => "registered",
            Status::Delivered => "delivered",
            Status::Refused => "refused",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
    /// Still in the commune's hands with a running clock (the supplement wait does not count).
    pub fn open(self) -> bool {
        matches!(self, Status::Notified | Status::Submitted | Status::Ready | Status::AwaitingSignature)
    }
}

/// The work queue's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    Notified,
    Submitted,
    NeedsSupplement,
    Ready,
    AwaitingSignature,
    ToDeliver,
    /// Handed over to the family (at the office or by a collector).
    Delivered,
    Overdue,
}

impl Tab {
    pub const ALL: [Tab; 8] = [
        Tab::Notified,
        Tab::Submitted,
        Tab::NeedsSupplement,
        Tab::Ready,
        Tab::AwaitingSignature,
        Tab::ToDeliver,
        Tab::Delivered,
        Tab::Overdue,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Tab::Notified => "notified",
            Tab::Submitted => "submitted",
            Tab::NeedsSupplement => "needs_supplement",
            Tab::Ready => "ready",
            Tab::AwaitingSignature => "awaiting_signature",
            Tab::ToDeliver => "to_deliver",
            Tab::Delivered => "delivered",
            Tab::Overdue => "overdue",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
    /// The status a list shows (the overdue list spans the open ones).
    pub fn status(self) -> Option<Status> {
        Some(match self {
            Tab::Notified => Status::Notified,
            Tab::Submitted => Status::Submitted,
            Tab::NeedsSupplement => Status::NeedsSupplement,
            Tab::Ready => Status::Ready,
            Tab::AwaitingSignature => Status::AwaitingSignature,
            Tab::ToDeliver => Status::Registered,
            Tab::Delivered => Status::Delivered,
            Tab::Overdue => return None,
        })
    }
}

/// How long ago a dossier was received, for the queue's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Age {
    Today,
    UpTo7Days,
    Older,
}

impl Age {
    pub const ALL: [Age; 3] = [Age::Today, Age::UpTo7Days, Age::Older];
    pub fn as_str(self) -> &'static str {
        match self {
            Age::Today => "today",
            Age::UpTo7Days => "7d",
            Age::Older => "older",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueRow {
    pub code: String,
    pub kind: DossierKind,
    pub channel: Channel,
    pub status: Status,
    pub subject_name: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub due_on: NaiveDate,
    pub late: bool,
    pub overdue: bool,
    pub duplicate: bool,
    /// Registered but not handed over within the commune's days: flagged to the commune.
    #[serde(default)]
    pub undelivered: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkQueue {
    pub commune_name: String,
    pub counts: Vec<(Tab, i64)>,
    pub rows: Vec<QueueRow>,
    /// Rows of the list with the filters, for paging.
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
    /// Registered certificates not handed over after `undelivered_days` days.
    #[serde(default)]
    pub undelivered: i64,
    #[serde(default)]
    pub undelivered_days: i32,
}

/// A line of the process log: the workflow's own steps, then the partner agencies' parts of a
/// liên thông bundle (closed when their result comes back). Stored and sent as its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Received,
    Corrected,
    Reviewed,
    SupplementRequested,
    SupplementReceived,
    Refused,
    SentToChairman,
    Signed,
    Delivered,
    ResidenceRegistration,
    HealthInsuranceCard,
    ResidenceDeregistration,
    FuneralAllowance,
}

impl Step {
    pub const ALL: [Step; 13] = [
        Step::Received,
        Step::Corrected,
        Step::Reviewed,
        Step::SupplementRequested,
        Step::SupplementReceived,
        Step::Refused,
        Step::SentToChairman,
        Step::Signed,
        Step::Delivered,
        Step::ResidenceRegistration,
        Step::HealthInsuranceCard,
        Step::ResidenceDeregistration,
        Step::FuneralAllowance,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Received => "received",
            Step::Corrected => "corrected",
            Step::Reviewed => "reviewed",
            Step::SupplementRequested => "supplement_requested",
            Step::SupplementReceived => "supplement_received",
            Step::Refused => "refused",
            Step::SentToChairman => "sent_to_chairman",
            Step::Signed => "signed",
            Step::Delivered => "delivered",
            Step::ResidenceRegistration => "residence_registration",
            Step::HealthInsuranceCard => "health_insurance_card",
            Step::ResidenceDeregistration => "residence_deregistration",
            Step::FuneralAllowance => "funeral_allowance",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// One hand-over of the process log (phiếu kiểm soát).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepView {
    pub step: Step,
    pub handler: Option<String>,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub due_on: NaiveDate,
    pub done_at: Option<chrono::DateTime<chrono::Utc>>,
    pub result: Option<StepResult>,
    pub note: String,
}

/// A Mẫu 02 or Mẫu 03 notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeView {
    pub form: String,
    pub reasons: String,
    pub by: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
    pub answered_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A prefilled value a person says is wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagView {
    pub field: String,
    pub registry_value: String,
    pub claimed_value: String,
}

/// What the dossier may be compared with before it is registered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateView {
    /// Another dossier's code, or None for a person already in the registry.
    pub code: Option<String>,
    pub status: Option<Status>,
    pub data: form::Data,
}

/// What the signed-in user may do with the dossier now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allowed {
    pub edit: bool,
    pub review: bool,
    pub supplement: bool,
    pub resume: bool,
    pub refuse: bool,
    pub register: bool,
    pub sign: bool,
    pub deliver: bool,
    /// Close a liên thông partner's step when its result comes back.
    pub partner: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierView {
    pub code: String,
    pub kind: DossierKind,
    pub status: Status,
    pub channel: Channel,
    pub proactive: bool,
    pub agency_name: String,
    pub commune_name: String,
    pub province_name: String,
    pub event_date: NaiveDate,
    pub late: bool,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub due_on: NaiveDate,
    pub overdue: bool,
    pub paused: bool,
    pub version: i32,
    pub data: form::Data,
    /// The person's number once known (the deceased; the child after registration).
    pub subject_id: Option<String>,
    pub phone: Option<String>,
    pub register_year: Option<i32>,
    pub register_no: Option<i32>,
    pub registered_at: Option<chrono::DateTime<chrono::Utc>>,
    pub signer: Option<String>,
    pub delivered_at: Option<chrono::DateTime<chrono::Utc>>,
    pub delivered_to: Option<String>,
    pub verify_token: Option<String>,
    pub duplicates: Vec<DuplicateView>,
    pub duplicate_cleared: bool,
    pub steps: Vec<StepView>,
    pub notices: Vec<NoticeView>,
    pub flags: Vec<FlagView>,
    /// Photos from the collector's phone: papers, and the handover's photo or signature.
    pub photos: Vec<PhotoRef>,
    /// The handover recorded by a collector at the home or the hospital.
    pub delivery: Option<DeliveryView>,
    pub allowed: Allowed,
}

/// A photo sent from a phone: `/api/field/photos/<key>/<n>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoRef {
    pub key: uuid::Uuid,
    pub n: i16,
    pub purpose: String,
    pub bytes: i32,
}

impl PhotoRef {
    pub fn url(&self) -> String {
        format!("/api/field/photos/{}/{}", self.key, self.n)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub by: String,
    pub recipient: String,
    pub relation: String,
    pub place: String,
    pub place_note: String,
    pub delivered_at: chrono::DateTime<chrono::Utc>,
}

/// The public verification page: only what proves the document (no names, only initials).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub kind: DossierKind,
    pub valid: bool,
    pub register_no: String,
    pub registered_on: NaiveDate,
    pub commune_name: String,
    pub initials: String,
}

/// Citizen tracking by code and phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tracking {
    pub code: String,
    pub kind: DossierKind,
    pub status: Status,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub due_on: NaiveDate,
    pub agency_name: String,
    pub needs: Option<String>,
}

/// What the tracking page found by code and phone: a dossier, or a case opened by the hotline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Tracked {
    Dossier(Tracking),
    Case(crate::evaluation::CaseTracking),
}

/// A registry person shown while filling a form (before the dossier exists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonPreview {
    pub personal_id: String,
    pub fields: form::Data,
}
