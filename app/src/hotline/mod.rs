//! The province's public-service hotline (Tổng đài giải đáp thủ tục hành chính): the telephone
//! exchanges it is connected to, the record of every call they report, the agents' console, the
//! knowledge base and its public FAQ, and the cases a call opens.
//!
//! An exchange posts its call events to `/api/v1/pbx/{exchange}/events`, signed with the key it
//! was registered with; `pbx` reads each exchange's payloads into one event shape of ours and
//! checks signatures, `service::events` keeps every event once and folds it into its call, and
//! NOTIFYs `call_event` so the console of the agent whose extension rings pops on any instance.

#[cfg(feature = "ssr")]
pub mod demo;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod pbx;
pub mod server;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sim;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The LISTEN/NOTIFY channel of call events.
pub const CALL_CHANNEL: &str = "call_event";

/// What the console stream says: a call rang, was taken or ended on an extension. Written as
/// JSON by the statement that records the event (`service::events`), with these field names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallPop {
    pub call_id: Uuid,
    pub kind: String,
    pub extension: Option<String>,
}

/// How a call went, from the caller's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Still ringing or in progress.
    Live,
    Answered,
    /// Rang on an extension, nobody took it.
    Missed,
    /// The caller hung up in the menu or the queue, before it reached anyone.
    Abandoned,
    /// Left a message (after hours, or nobody free).
    Voicemail,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Live => "live",
            Outcome::Answered => "answered",
            Outcome::Missed => "missed",
            Outcome::Abandoned => "abandoned",
            Outcome::Voicemail => "voicemail",
        }
    }

    /// From what the exchange reported.
    pub fn of(answered: bool, ended: bool, rang_extension: bool, cause: Option<&str>) -> Self {
        match (answered, ended) {
            (true, _) => Outcome::Answered,
            (false, false) => Outcome::Live,
            _ if cause.is_some_and(|c| c.contains("voicemail")) => Outcome::Voicemail,
            _ if rang_extension => Outcome::Missed,
            _ => Outcome::Abandoned,
        }
    }

    /// Whoever called is owed a callback.
    pub fn wants_callback(self) -> bool {
        matches!(self, Outcome::Missed | Outcome::Abandoned | Outcome::Voicemail)
    }
}

/// One call in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallLine {
    pub call_id: Uuid,
    pub inbound: bool,
    pub caller: String,
    pub callee: String,
    pub extension: Option<String>,
    pub agent: Option<String>,
    pub started_at: DateTime<Utc>,
    pub outcome: Outcome,
    pub wait_seconds: Option<i64>,
    pub talk_seconds: Option<i64>,
    pub procedure: Option<String>,
    pub note: Option<String>,
    pub has_recording: bool,
    pub case_code: Option<String>,
    pub called_back_at: Option<DateTime<Utc>>,
    pub survey: Option<String>,
}

/// What the system knows about a caller's number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallerView {
    pub call: CallLine,
    pub bookings: Vec<CallerBooking>,
    pub dossiers: Vec<CallerDossier>,
    pub calls: Vec<CallLine>,
    pub cases: Vec<CallerCase>,
}

impl CallerView {
    pub fn known(&self) -> bool {
        !(self.bookings.is_empty() && self.dossiers.is_empty() && self.calls.is_empty() && self.cases.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallerBooking {
    pub code: String,
    pub office: String,
    pub procedure: String,
    pub starts_at: DateTime<Utc>,
    pub status: String,
    /// The ticket of its visit, as called at the office (`A-012`), and how it stands.
    pub ticket: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallerDossier {
    pub code: String,
    pub kind: String,
    pub status: String,
    pub due_on: NaiveDate,
    pub overdue: bool,
    pub agency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallerCase {
    pub case_id: Uuid,
    pub code: String,
    pub kind: String,
    pub status: String,
    pub resolve_due: NaiveDate,
}

/// The agent's console: their extension, the calls on it now, the callback list and the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Console {
    pub extension: Option<String>,
    pub live: Vec<CallLine>,
    pub callbacks: Vec<CallLine>,
    pub recent: Vec<CallLine>,
}

/// One knowledge-base answer as agents and the FAQ see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KbEntry {
    pub kb_answer_id: Uuid,
    pub answer_key: Uuid,
    pub version: i32,
    pub procedure_code: Option<String>,
    pub procedure: Option<String>,
    pub topic: String,
    pub question: String,
    pub answer: String,
    pub agency: String,
    pub effective_from: NaiveDate,
    pub approved: bool,
    pub helpful: i64,
    pub not_helpful: i64,
}

/// The hotline's figures over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub calls: i64,
    pub answered: i64,
    pub missed: i64,
    pub abandoned: i64,
    pub voicemail: i64,
    pub callbacks_owed: i64,
    pub callbacks_done: i64,
    pub avg_wait_seconds: Option<f64>,
    pub avg_talk_seconds: Option<f64>,
    /// Calls per Vietnamese day and per hour of the day (0–23).
    pub per_day: Vec<(NaiveDate, i64, i64)>,
    pub per_hour: Vec<(i32, i64)>,
    pub cases: Vec<CaseFigure>,
    pub agents: Vec<AgentFigure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseFigure {
    pub agency: String,
    pub kind: String,
    pub cases: i64,
    pub closed: i64,
    pub on_time: i64,
    pub ratings: i64,
    pub avg_rating: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentFigure {
    pub agent: String,
    pub answered: i64,
    pub avg_talk_seconds: Option<f64>,
    pub ratings: i64,
    pub avg_rating: Option<f64>,
}

/// What the hotline's administration page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminView {
    pub exchanges: Vec<ExchangeLine>,
    pub routes: Vec<RouteLine>,
    pub offices: Vec<(Uuid, String)>,
    pub recording_days: i32,
    /// Working days to answer, per kind of case.
    pub clocks: Vec<(String, i16)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExchangeLine {
    pub exchange_id: Uuid,
    pub name: String,
    pub vendor: String,
    pub calls: i64,
    pub last_event: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteLine {
    pub procedure: Option<String>,
    pub commune: Option<String>,
    pub kind: Option<String>,
    pub office: String,
}
