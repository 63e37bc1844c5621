//! Feedback cases: their states, the actions on them and their legal deadlines.

use crate::reference::calendar::WorkCalendar;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// States of a feedback case (phản ánh, kiến nghị).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseStatus {
    Received,
    NeedsInfo,
    Accepted,
    Refused,
    Resolved,
    Published,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 6] = [
        CaseStatus::Received,
        CaseStatus::NeedsInfo,
        CaseStatus::Accepted,
        CaseStatus::Refused,
        CaseStatus::Resolved,
        CaseStatus::Published,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Received => "received",
            CaseStatus::NeedsInfo => "needs_info",
            CaseStatus::Accepted => "accepted",
            CaseStatus::Refused => "refused",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Published => "published",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Refused | CaseStatus::Published)
    }
}

/// What the office head does with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseAction {
    Refuse,
    RequestInfo,
    InfoReceived,
    Accept,
    Resolve,
    Publish,
}

impl CaseAction {
    pub const ALL: [CaseAction; 6] = [
        CaseAction::Accept,
        CaseAction::RequestInfo,
        CaseAction::InfoReceived,
        CaseAction::Resolve,
        CaseAction::Publish,
        CaseAction::Refuse,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::Refuse => "refuse",
            CaseAction::RequestInfo => "request_info",
            CaseAction::InfoReceived => "info_received",
            CaseAction::Accept => "accept",
            CaseAction::Resolve => "resolve",
            CaseAction::Publish => "publish",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
    /// Refusing, asking for more and answering must say something to the citizen.
    pub fn needs_note(self) -> bool {
        matches!(self, CaseAction::Refuse | CaseAction::RequestInfo | CaseAction::Resolve)
    }
    /// The state after this action, or None when it does not apply.
    pub fn apply(self, from: CaseStatus) -> Option<CaseStatus> {
        use CaseStatus::*;
        match (self, from) {
            (CaseAction::Refuse, Received) => Some(Refused),
            (CaseAction::RequestInfo, Received | Accepted) => Some(NeedsInfo),
            (CaseAction::InfoReceived, NeedsInfo) => Some(Accepted),
            (CaseAction::Accept, Received) => Some(Accepted),
            (CaseAction::Resolve, Received | Accepted) => Some(Resolved),
            (CaseAction::Publish, Resolved) => Some(Published),
            _ => None,
        }
    }
    pub fn for_status(status: CaseStatus) -> Vec<CaseAction> {
        Self::ALL.into_iter().filter(|a| a.apply(status).is_some()).collect()
    }
}

/// The 766 clock of a case (5.2), in working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDues {
    pub refuse: NaiveDate,
    pub request_info: NaiveDate,
    pub resolve: NaiveDate,
    pub publish: Option<NaiveDate>,
}

pub const CASE_REFUSE_DAYS: u16 = 2;

pub const CASE_INFO_DAYS: u16 = 5;

pub const CASE_RESOLVE_DAYS: u16 = 15;

pub const CASE_PUBLISH_DAYS: u16 = 2;

/// Deadlines of a case received at local time `received`.
pub fn case_dues(cal: &WorkCalendar, received: chrono::NaiveDateTime) -> CaseDues {
    CaseDues {
        refuse: cal.due_date(received, CASE_REFUSE_DAYS),
        request_info: cal.due_date(received, CASE_INFO_DAYS),
        resolve: cal.due_date(received, CASE_RESOLVE_DAYS),
        publish: None,
    }
}

/// The deadline a case has missed on `today`, if any: while waiting for the citizen nothing runs.
pub fn case_late(status: CaseStatus, dues: &CaseDues, today: NaiveDate) -> Option<&'static str> {
    match status {
        CaseStatus::Received | CaseStatus::Accepted if today > dues.resolve => Some("resolve"),
        CaseStatus::Resolved if dues.publish.is_some_and(|p| today > p) => Some("publish"),
        _ => None,
    }
}

/// Whether an action taken on `day` kept its deadline (for the case's log and the 5.2 figure).
pub fn action_on_time(action: CaseAction, dues: &CaseDues, day: NaiveDate) -> bool {
    match action {
        CaseAction::Refuse => day <= dues.refuse,
        CaseAction::RequestInfo => day <= dues.request_info,
        CaseAction::Resolve => day <= dues.resolve,
        CaseAction::Publish => dues.publish.is_none_or(|p| day <= p),
        CaseAction::Accept | CaseAction::InfoReceived => true,
    }
}
