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
    /// An official wrote the answer; the agency's head approves it before it goes out.
    Answered,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 7] = [
        CaseStatus::Received,
        CaseStatus::NeedsInfo,
        CaseStatus::Accepted,
        CaseStatus::Refused,
        CaseStatus::Resolved,
        CaseStatus::Published,
        CaseStatus::Answered,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Received => "received",
            CaseStatus::NeedsInfo => "needs_info",
            CaseStatus::Accepted => "accepted",
            CaseStatus::Refused => "refused",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Published => "published",
            CaseStatus::Answered => "answered",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Refused | CaseStatus::Published)
    }
}

/// What a case is: a question passed on by the hotline, a complaint (phản ánh), a petition
/// (kiến nghị). Ratings open complaints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseKind {
    Question,
    Complaint,
    Petition,
}

impl CaseKind {
    pub const ALL: [CaseKind; 3] = [CaseKind::Question, CaseKind::Complaint, CaseKind::Petition];
    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::Question => "question",
            CaseKind::Complaint => "complaint",
            CaseKind::Petition => "petition",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// What the office head does with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseAction {
    /// Passes the case to another office that must answer it, with the reason.
    Transfer,
    /// The head approves an official's answer: it goes to the citizen.
    Approve,
    Refuse,
    RequestInfo,
    InfoReceived,
    Accept,
    Resolve,
    Publish,
}

impl CaseAction {
    pub const ALL: [CaseAction; 8] = [
        CaseAction::Accept,
        CaseAction::Transfer,
        CaseAction::Approve,
        CaseAction::RequestInfo,
        CaseAction::InfoReceived,
        CaseAction::Resolve,
        CaseAction::Publish,
        CaseAction::Refuse,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::Transfer => "transfer",
            CaseAction::Approve => "approve",
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
        matches!(self, CaseAction::Transfer | CaseAction::Refuse | CaseAction::RequestInfo | CaseAction::Resolve)
    }
    /// The state after this action, or None when it does not apply.
    pub fn apply(self, from: CaseStatus) -> Option<CaseStatus> {
        use CaseStatus::*;
        match (self, from) {
            (CaseAction::Transfer, Received | Accepted) => Some(Received),
            (CaseAction::Refuse, Received) => Some(Refused),
            (CaseAction::RequestInfo, Received | Accepted) => Some(NeedsInfo),
            (CaseAction::InfoReceived, NeedsInfo) => Some(Accepted),
            (CaseAction::Accept, Received) => Some(Accepted),
            (CaseAction::Resolve, Received | Accepted | Answered) => Some(Resolved),
            (CaseAction::Approve, Answered) => Some(Resolved),
            (CaseAction::Publish, Resolved) => Some(Published),
            _ => None,
        }
    }
    pub fn for_status(status: CaseStatus) -> Vec<CaseAction> {
        Self::ALL.into_iter().filter(|a| a.apply(status).is_some()).collect()
    }

    /// What an official of the answering office (not its head) may do: take the case, ask the
    /// caller for more and write the answer, which then waits for the head's approval.
    pub fn for_official(self) -> bool {
        matches!(self, CaseAction::Accept | CaseAction::RequestInfo | CaseAction::InfoReceived | CaseAction::Resolve)
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

/// Deadlines of a case received at local time `received`, answered within `resolve_days`
/// working days (15 on the 766 clock; a question passed on by the hotline, 2). Refusing and
/// asking for more never come after the answer's own deadline.
pub fn case_dues(cal: &WorkCalendar, received: chrono::NaiveDateTime, resolve_days: u16) -> CaseDues {
    let resolve = cal.due_date(received, resolve_days);
    CaseDues {
        refuse: cal.due_date(received, CASE_REFUSE_DAYS).min(resolve),
        request_info: cal.due_date(received, CASE_INFO_DAYS).min(resolve),
        resolve,
        publish: None,
    }
}

/// The step of escalation an open case has reached on `today`: 1 (its agency's head) from the
/// day after its deadline, 2 (the province) from `PROVINCE_AFTER_DAYS` calendar days later.
pub fn escalation(status: CaseStatus, dues: &CaseDues, today: NaiveDate) -> u8 {
    match case_late(status, dues, today) {
        Some("resolve") if (today - dues.resolve).num_days() > PROVINCE_AFTER_DAYS => 2,
        Some("resolve") => 1,
        _ => 0,
    }
}

pub const PROVINCE_AFTER_DAYS: i64 = 3;

/// The deadline a case has missed on `today`, if any: while waiting for the citizen nothing runs.
pub fn case_late(status: CaseStatus, dues: &CaseDues, today: NaiveDate) -> Option<&'static str> {
    match status {
        CaseStatus::Received | CaseStatus::Accepted | CaseStatus::Answered if today > dues.resolve => Some("resolve"),
        CaseStatus::Resolved if dues.publish.is_some_and(|p| today > p) => Some("publish"),
        _ => None,
    }
}

/// Whether an action taken on `day` kept its deadline (for the case's log and the 5.2 figure).
pub fn action_on_time(action: CaseAction, dues: &CaseDues, day: NaiveDate) -> bool {
    match action {
        CaseAction::Refuse => day <= dues.refuse,
        CaseAction::RequestInfo => day <= dues.request_info,
        CaseAction::Resolve | CaseAction::Approve => day <= dues.resolve,
        CaseAction::Publish => dues.publish.is_none_or(|p| day <= p),
        CaseAction::Accept | CaseAction::InfoReceived | CaseAction::Transfer => true,
    }
}
