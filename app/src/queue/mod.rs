//! Booking, check-in and the office queue: office set-up, citizens' bookings with QR codes,
//! the kiosk, the counter console, the TV board (live through LISTEN/NOTIFY + server-sent
//! events) and the waiting-time measurements managers act on.

pub mod domain;
pub mod i18n;
pub mod pages;
pub mod scanner;
pub mod server;

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod setup;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
pub use domain::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeChoice {
    pub office_id: Uuid,
    pub name: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotView {
    pub starts_at: DateTime<Utc>,
    pub remaining: i32,
    /// False when full or inside the minimum notice.
    pub bookable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayView {
    pub day: NaiveDate,
    /// False on rest days and holidays (the calendar), or when the office has no hours that weekday.
    pub open: bool,
    pub slots: Vec<SlotView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    pub office: OfficeChoice,
    pub procedure_code: String,
    pub procedure_name: String,
    pub procedure_name_en: String,
    pub slot_minutes: i16,
    pub days: Vec<DayView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookingStatus {
    Booked,
    CheckedIn,
    Cancelled,
}

impl BookingStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "booked" => Some(Self::Booked),
            "checked_in" => Some(Self::CheckedIn),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingView {
    pub code: String,
    pub office: OfficeChoice,
    pub procedure_code: String,
    pub procedure_name: String,
    pub procedure_name_en: String,
    pub starts_at: DateTime<Utc>,
    pub slot_minutes: i16,
    pub citizen_name: String,
    /// Masked for anyone but the citizen and staff.
    pub phone: String,
    pub status: BookingStatus,
    /// The QR code as an SVG document (its content is the booking code).
    pub qr_svg: String,
    /// The ticket issued at check-in, to follow the queue.
    pub ticket_token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TicketStatus {
    Waiting,
    Called,
    Serving,
    Done,
    NoShow,
}

impl TicketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Called => "called",
            Self::Serving => "serving",
            Self::Done => "done",
            Self::NoShow => "no_show",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Waiting, Self::Called, Self::Serving, Self::Done, Self::NoShow].into_iter().find(|t| t.as_str() == s)
    }
}

/// What the citizen's phone shows while waiting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketView {
    pub token: String,
    pub label: String,
    pub office_id: Uuid,
    pub office_name: String,
    pub procedure_name: String,
    pub procedure_name_en: String,
    pub status: TicketStatus,
    pub priority: Option<Priority>,
    pub issued_at: DateTime<Utc>,
    pub counter_number: Option<i16>,
    pub ahead: i64,
    pub estimated_wait_minutes: i64,
    /// Once finished: the single-use rating link's token and its QR code (SVG), while unused.
    pub rating: Option<(String, String)>,
}

/// The result of a check-in or of issuing a walk-in ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedTicket {
    pub ticket: TicketView,
    /// Same-day check-in outside the window: served as a walk-in.
    pub as_walk_in: Option<CheckInTiming>,
    pub booked_slot: Option<DateTime<Utc>>,
    /// QR code (SVG) of the ticket's page, to follow it on a phone.
    pub ticket_qr: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardCounter {
    pub number: i16,
    pub name: String,
    pub serving: Option<String>,
}

/// The TV board of an office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardView {
    pub office_id: Uuid,
    pub office_name: String,
    pub counters: Vec<BoardCounter>,
    pub next: Vec<String>,
    pub waiting: i64,
    /// The latest call, for the announcement: (ticket, counter number, call time).
    pub last_call: Option<(String, i16, DateTime<Utc>)>,
}

/// The ticket a counter is dealing with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentTicket {
    pub ticket_id: Uuid,
    pub label: String,
    pub status: TicketStatus,
    pub procedure_code: String,
    pub procedure_name: String,
    pub priority: Option<Priority>,
    pub booked: bool,
    pub call_count: i16,
    pub dossier_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterRef {
    pub counter_id: Uuid,
    pub number: i16,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcedureRef {
    pub code: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficerFigures {
    pub served: i64,
    pub no_show: i64,
    pub average_wait_minutes: f64,
    pub average_service_minutes: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsoleView {
    pub office_id: Uuid,
    pub office_name: String,
    pub counter: CounterRef,
    pub current: Option<CurrentTicket>,
    /// Tickets this counter could call now.
    pub waiting_here: i64,
    pub my_figures: OfficerFigures,
    pub other_counters: Vec<CounterRef>,
    pub procedures: Vec<ProcedureRef>,
}

/// Counters a staff member may work at (for the console's picker).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeCounters {
    pub office: OfficeChoice,
    pub access: OfficeAccess,
    pub counters: Vec<CounterRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatRow {
    pub label: String,
    pub wait: WaitSummary,
    pub average_service_minutes: f64,
}

/// The manager's view of an office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeStats {
    pub office: OfficeChoice,
    pub today: WaitSummary,
    pub week: WaitSummary,
    pub per_counter: Vec<StatRow>,
    pub per_officer: Vec<StatRow>,
    pub queue_length: i64,
    pub projected_average_wait: f64,
    pub alert: bool,
    pub booked_today: i64,
    pub no_show_today: i64,
}

/// Office set-up as the administrator edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeSetup {
    pub office: OfficeChoice,
    pub config: QueueConfig,
    /// (ISO weekday, opens, closes)
    pub hours: Vec<(i16, NaiveTime, NaiveTime)>,
    pub groups: Vec<ServiceGroupView>,
    pub procedures: Vec<OfficeProcedureView>,
    pub counters: Vec<CounterSetup>,
    pub devices: Vec<DeviceView>,
    /// Procedures of the catalogue not yet offered here.
    pub catalogue: Vec<ProcedureRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueConfig {
    pub slot_minutes: i16,
    pub horizon_days: i16,
    pub min_notice_minutes: i32,
    pub checkin_before_minutes: i16,
    pub checkin_after_minutes: i16,
    pub priority_every: i16,
    pub booking_enabled: bool,
}

impl Default for QueueConfig {
    fn default() -> Self {
        Self {
            slot_minutes: 30,
            horizon_days: 14,
            min_notice_minutes: 60,
            checkin_before_minutes: 30,
            checkin_after_minutes: 15,
            priority_every: 2,
            booking_enabled: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceGroupView {
    pub prefix: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeProcedureView {
    pub procedure: ProcedureRef,
    pub prefix: String,
    pub capacity_per_slot: i16,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterSetup {
    pub counter: CounterRef,
    pub procedure_codes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceView {
    pub device_id: Uuid,
    pub name: String,
    pub active: bool,
    pub last_seen_at: Option<DateTime<Utc>>,
}
