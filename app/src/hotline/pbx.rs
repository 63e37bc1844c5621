//! What a telephone exchange tells us, in one shape of our own: a call's events (ringing,
//! answered, transferred, ended, recording ready, IVR choice, survey digits). Each exchange's
//! webhook payload is read by its adapter (our generic format, Stringee's `event_url` JSON,
//! OMICall's webhooks), and every request is signed with the exchange's key.
//!
//! The signature: `X-Pbx-Timestamp: <unix seconds>` and `X-Pbx-Signature: sha256=<hex>`, the
//! HMAC-SHA-256 of `"<timestamp>.<body>"` with the exchange's key. A timestamp more than
//! [`MAX_SKEW_SECS`] away from ours is refused, so a captured request cannot be replayed later.

use crate::kernel::error::{AppError, FieldError};
use chrono::{DateTime, TimeZone, Utc};
use hmac::{Hmac, Mac};
use serde_json::Value;

/// How far an exchange's clock and the time a request took may put its timestamp from ours.
pub const MAX_SKEW_SECS: i64 = 300;

/// Which adapter reads an exchange's webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    Generic,
    Stringee,
    Omicall,
}

impl Vendor {
    pub const ALL: [Vendor; 3] = [Vendor::Generic, Vendor::Stringee, Vendor::Omicall];
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Generic => "generic",
            Vendor::Stringee => "stringee",
            Vendor::Omicall => "omicall",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The events of one webhook body.
    pub fn events(self, body: &[u8]) -> Result<Vec<CallEvent>, AppError> {
        let v: Value = serde_json::from_slice(body).map_err(|_| AppError::invalid("body"))?;
        let one = |v: &Value| match self {
            Vendor::Generic => generic(v),
            Vendor::Stringee => stringee(v),
            Vendor::Omicall => omicall(v),
        };
        // A batch: `{"events": [...]}` or a bare array.
        let batch = v.get("events").unwrap_or(&v);
        let events = match batch.as_array() {
            Some(list) if list.len() > 100 => {
                return Err(AppError::validation("events", FieldError::TooLong { max: 100 }));
            }
            Some(list) => list.iter().map(one).collect::<Result<Vec<_>, _>>()?.concat(),
            None => one(&v)?,
        };
        if events.is_empty() {
            return Err(AppError::validation("events", FieldError::Required));
        }
        Ok(events)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Ringing,
    Answered,
    Transferred,
    Ended,
    Recording,
    Ivr,
    Survey,
}

impl EventKind {
    pub const ALL: [EventKind; 7] = [
        EventKind::Ringing,
        EventKind::Answered,
        EventKind::Transferred,
        EventKind::Ended,
        EventKind::Recording,
        EventKind::Ivr,
        EventKind::Survey,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Ringing => "ringing",
            EventKind::Answered => "answered",
            EventKind::Transferred => "transferred",
            EventKind::Ended => "ended",
            EventKind::Recording => "recording",
            EventKind::Ivr => "ivr",
            EventKind::Survey => "survey",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

/// One thing that happened to a call, in our words.
#[derive(Debug, Clone, PartialEq)]
pub struct CallEvent {
    /// The exchange's id of the call.
    pub call: String,
    pub kind: EventKind,
    pub at: DateTime<Utc>,
    pub direction: Direction,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The agent's extension: where it rings, who answered, where it was transferred.
    pub extension: Option<String>,
    /// The hunt group or IVR queue (a topic: civil status, land, …).
    pub queue: Option<String>,
    /// Why it ended: `normal`, `busy`, `no_answer`, `cancel`, `failed`, or the exchange's word.
    pub cause: Option<String>,
    pub recording_url: Option<String>,
    /// The IVR menu choice or the caller's survey score.
    pub digits: Option<String>,
    /// The exchange's report as it came.
    pub raw: Value,
}

impl CallEvent {
    fn new(call: String, kind: EventKind, at: DateTime<Utc>, direction: Direction, raw: &Value) -> Self {
        CallEvent {
            call,
            kind,
            at,
            direction,
            from: None,
            to: None,
            extension: None,
            queue: None,
            cause: None,
            recording_url: None,
            digits: None,
            raw: raw.clone(),
        }
    }

    /// What makes two reports the same event: a call rings, is answered and ends once; it can be
    /// transferred, and digits pressed, more than once.
    pub fn dedupe(&self) -> String {
        match self.kind {
            EventKind::Transferred | EventKind::Ivr | EventKind::Survey => format!(
                "{}|{}|{}",
                self.at.timestamp_millis(),
                self.extension.as_deref().unwrap_or(""),
                self.digits.as_deref().unwrap_or("")
            ),
            _ => String::new(),
        }
    }
}

/// Checks a webhook's signature and timestamp against the exchange's key.
pub fn verify(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let ts: i64 = timestamp.and_then(|t| t.trim().parse().ok()).ok_or(AppError::Unauthorized)?;
    if (now.timestamp() - ts).abs() > MAX_SKEW_SECS {
        return Err(AppError::Unauthorized);
    }
    let hex = signature.and_then(|s| s.trim().strip_prefix("sha256=")).ok_or(AppError::Unauthorized)?;
    let given = decode_hex(hex).ok_or(AppError::Unauthorized)?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| AppError::Unauthorized)?;
    mac.update(ts.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    // Constant-time comparison: the time taken says nothing of how much of a forgery matched.
    mac.verify_slice(&given).map_err(|_| AppError::Unauthorized)
}

/// The signature an exchange (or our simulator) sends with `body` at unix time `ts`.
pub fn sign(secret: &str, ts: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(ts.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    format!("sha256={}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

// --- reading the payloads ---------------------------------------------------------------

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().chars().take(200).collect()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn required(v: &Value, key: &str) -> Result<String, AppError> {
    text(v, key).ok_or_else(|| AppError::validation(key, FieldError::Required))
}

/// Seconds or milliseconds since 1970, as a number or a string.
fn unix(v: &Value, key: &str, millis: bool) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(raw) = v.get(key) else { return Ok(None) };
    let n = match raw {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| AppError::invalid(key))?;
    let at = if millis { Utc.timestamp_millis_opt(n) } else { Utc.timestamp_opt(n, 0) };
    at.single().filter(plausible).map(Some).ok_or_else(|| AppError::invalid(key))
}

/// Calls happen in this century: a zero or garbled clock is refused, not stored.
fn plausible(at: &DateTime<Utc>) -> bool {
    (2000..2100).contains(&chrono::Datelike::year(at))
}

fn seconds(v: &Value, key: &str) -> Result<i64, AppError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(0),
        Some(Value::Number(n)) => n.as_i64().filter(|s| (0..86_400).contains(s)).ok_or_else(|| AppError::invalid(key)),
        Some(Value::String(s)) => {
            s.trim().parse().ok().filter(|s| (0..86_400).contains(s)).ok_or_else(|| AppError::invalid(key))
        }
        Some(_) => Err(AppError::invalid(key)),
    }
}

/// A Vietnamese number as the caller dialled it: `84905…` and `+84905…` are `0905…`.
pub fn phone(raw: &str) -> String {
    let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
    match digits.strip_prefix("84") {
        Some(rest) if digits.len() >= 11 => format!("0{rest}"),
        _ => digits,
    }
}

/// Our own format (after Zammad's generic CTI):
/// `{"call_id", "event", "at", "direction", "from", "to", "extension", "queue", "cause",
/// "recording_url", "digits"}`; `event` one of [`EventKind`], `at` RFC 3339.
fn generic(v: &Value) -> Result<Vec<CallEvent>, AppError> {
    let call = required(v, "call_id")?;
    let kind = EventKind::parse(&required(v, "event")?).ok_or_else(|| AppError::invalid("event"))?;
    let at = DateTime::parse_from_rfc3339(&required(v, "at")?)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .filter(plausible)
        .ok_or_else(|| AppError::invalid("at"))?;
    let direction = match text(v, "direction").as_deref() {
        None | Some("in") => Direction::In,
        Some("out") => Direction::Out,
        Some(_) => return Err(AppError::invalid("direction")),
    };
    let mut e = CallEvent::new(call, kind, at, direction, v);
    e.from = text(v, "from").map(|p| phone(&p));
    e.to = text(v, "to").map(|p| phone(&p));
    e.extension = text(v, "extension");
    e.queue = text(v, "queue");
    e.cause = text(v, "cause");
    e.recording_url = text(v, "recording_url");
    e.digits = text(v, "digits");
    match kind {
        EventKind::Recording if e.recording_url.is_none() => {
            Err(AppError::validation("recording_url", FieldError::Required))
        }
        EventKind::Ivr | EventKind::Survey if e.digits.is_none() => {
            Err(AppError::validation("digits", FieldError::Required))
        }
        _ => Ok(vec![e]),
    }
}

/// A number in Stringee's shape: `{"number": "84…", "type": "internal" | "external", "alias"}`
/// or a bare string.
fn stringee_party(v: &Value, key: &str) -> (Option<String>, bool) {
    match v.get(key) {
        Some(Value::Object(o)) => {
            let n = o.get("number").and_then(Value::as_str).map(str::to_owned);
            (n, o.get("type").and_then(Value::as_str) == Some("internal"))
        }
        Some(Value::String(s)) => (Some(s.clone()), false),
        _ => (None, false),
    }
}

/// Stringee's `event_url` call events: `call_id`, `call_status` (`created`, `started`, `ringing`,
/// `answered`, `ended`, `busy`), `from`/`to` parties, `timestamp_ms`; an ended call also carries
/// `endCallCause`, `duration` and `answerDuration` (seconds), and the recording's `recordUrl`
/// when the project records calls.
fn stringee(v: &Value) -> Result<Vec<CallEvent>, AppError> {
    let call = required(v, "call_id")?;
    let at =
        unix(v, "timestamp_ms", true)?.ok_or_else(|| AppError::validation("timestamp_ms", FieldError::Required))?;
    let (from, from_internal) = stringee_party(v, "from");
    let (to, to_internal) = stringee_party(v, "to");
    // A call from one of our agents' lines to the outside is an outgoing call (a callback).
    let direction = if from_internal && !to_internal { Direction::Out } else { Direction::In };
    let agent = match direction {
        Direction::In => to.clone().filter(|_| to_internal),
        Direction::Out => from.clone(),
    };
    let status = required(v, "call_status")?;
    let base = |kind, at| {
        let mut e = CallEvent::new(call.clone(), kind, at, direction, v);
        e.from = from.as_deref().map(phone).filter(|_| !from_internal);
        e.to = to.as_deref().map(phone).filter(|_| !to_internal);
        e.extension = agent.clone();
        e
    };
    let mut out = Vec::new();
    match status.as_str() {
        "created" | "started" | "ringing" => out.push(base(EventKind::Ringing, at)),
        "answered" => out.push(base(EventKind::Answered, at)),
        "ended" | "busy" => {
            let answered = seconds(v, "answerDuration")?;
            // The answer may never have been reported on its own: the end says how long was talked.
            if answered > 0 {
                out.push(base(EventKind::Answered, at - chrono::Duration::seconds(answered)));
            }
            let mut end = base(EventKind::Ended, at);
            end.cause = Some(match (status.as_str(), text(v, "endCallCause")) {
                ("busy", _) => "busy".to_owned(),
                (_, Some(c)) => stringee_cause(&c),
                (_, None) if answered > 0 => "normal".to_owned(),
                _ => "no_answer".to_owned(),
            });
            out.push(end);
            if let Some(url) = text(v, "recordUrl") {
                let mut r = base(EventKind::Recording, at);
                r.recording_url = Some(url);
                out.push(r);
            }
        }
        _ => return Err(AppError::invalid("call_status")),
    }
    Ok(out)
}

fn stringee_cause(c: &str) -> String {
    let c = c.to_ascii_uppercase();
    let word = if c.contains("BUSY") {
        "busy"
    } else if c.contains("NO_ANSWER") || c.contains("TIMEOUT") {
        "no_answer"
    } else if c.contains("CANCEL") {
        "cancel"
    } else if c.contains("NORMAL") || c.contains("HANGUP") {
        "normal"
    } else {
        return c.to_ascii_lowercase();
    };
    word.to_owned()
}

/// OMICall's webhooks. A live call state (`state`: `ringing`, `answered`, `hangup`, with
/// `time`) or the end-of-call record: `transaction_id`, `direction` (`inbound` / `outbound`),
/// `source_number`, `destination_number`, `sip_user` (the agent's extension),
/// `time_start_call` (unix seconds), `duration` and `bill_sec` (seconds talked), `disposition`,
/// `recording_file_url`.
fn omicall(v: &Value) -> Result<Vec<CallEvent>, AppError> {
    let call = required(v, "transaction_id")?;
    let direction = match text(v, "direction").as_deref() {
        None | Some("inbound") | Some("in") => Direction::In,
        Some("outbound") | Some("out") => Direction::Out,
        Some(_) => return Err(AppError::invalid("direction")),
    };
    let base = |kind, at| {
        let mut e = CallEvent::new(call.clone(), kind, at, direction, v);
        let (from, to) =
            (text(v, "source_number").map(|p| phone(&p)), text(v, "destination_number").map(|p| phone(&p)));
        // An outgoing call's source is the agent's line, not a caller.
        (e.from, e.to) = match direction {
            Direction::In => (from, to),
            Direction::Out => (None, to),
        };
        e.extension = text(v, "sip_user");
        e.queue = text(v, "queue_name");
        e
    };
    if let Some(state) = text(v, "state") {
        let at = unix(v, "time", false)?.ok_or_else(|| AppError::validation("time", FieldError::Required))?;
        let kind = match state.as_str() {
            "ringing" | "invite" => EventKind::Ringing,
            "answered" | "answer" => EventKind::Answered,
            "transfer" | "transferred" => EventKind::Transferred,
            "hangup" | "ended" => EventKind::Ended,
            _ => return Err(AppError::invalid("state")),
        };
        let mut e = base(kind, at);
        if kind == EventKind::Ended {
            e.cause = Some(omicall_cause(text(v, "disposition").as_deref(), seconds(v, "bill_sec")?));
        }
        return Ok(vec![e]);
    }
    let start = unix(v, "time_start_call", false)?
        .ok_or_else(|| AppError::validation("time_start_call", FieldError::Required))?;
    let (total, talked) = (seconds(v, "duration")?, seconds(v, "bill_sec")?);
    if talked > total {
        return Err(AppError::invalid("bill_sec"));
    }
    let end_at = start + chrono::Duration::seconds(total);
    let mut out = vec![base(EventKind::Ringing, start)];
    if talked > 0 {
        out.push(base(EventKind::Answered, end_at - chrono::Duration::seconds(talked)));
    }
    let mut end = base(EventKind::Ended, end_at);
    end.cause = Some(omicall_cause(text(v, "disposition").as_deref(), talked));
    out.push(end);
    if let Some(url) = text(v, "recording_file_url") {
        let mut r = base(EventKind::Recording, end_at);
        r.recording_url = Some(url);
        out.push(r);
    }
    Ok(out)
}

fn omicall_cause(disposition: Option<&str>, talked: i64) -> String {
    match disposition.map(str::to_ascii_lowercase).as_deref() {
        Some("busy") => "busy".to_owned(),
        Some("no answer" | "no_answer" | "noanswer") => "no_answer".to_owned(),
        Some("cancel" | "cancelled") => "cancel".to_owned(),
        Some("failed") => "failed".to_owned(),
        _ if talked > 0 => "normal".to_owned(),
        _ => "no_answer".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_signature_is_checked_with_its_timestamp() {
        let now = at("2026-12-04T02:00:00Z");
        let body = br#"{"call_id":"c1"}"#;
        let ts = now.timestamp();
        let sig = sign("k3y", ts, body);
        let check = |ts: i64, sig: &str, body: &[u8]| verify("k3y", Some(&ts.to_string()), Some(sig), body, now);
        assert_eq!(check(ts, &sig, body), Ok(()));
        assert_eq!(check(ts, &sig, br#"{"call_id":"c2"}"#), Err(AppError::Unauthorized), "another body");
        assert_eq!(check(ts + 1, &sig, body), Err(AppError::Unauthorized), "another timestamp");
        assert_eq!(verify("other", Some(&ts.to_string()), Some(&sig), body, now), Err(AppError::Unauthorized));
        let stale = ts - MAX_SKEW_SECS - 1;
        assert_eq!(check(stale, &sign("k3y", stale, body), body), Err(AppError::Unauthorized), "a replay");
        assert_eq!(verify("k3y", None, Some(&sig), body, now), Err(AppError::Unauthorized));
        assert_eq!(verify("k3y", Some(&ts.to_string()), Some("sha256=zz"), body, now), Err(AppError::Unauthorized));
    }

    #[test]
    fn our_generic_events_are_read_one_or_many() {
        let e = Vendor::Generic
            .events(
                json!({"call_id": "g1", "event": "ringing", "at": "2026-12-04T01:00:00Z", "from": "+84 905 123 456",
                       "to": "1022", "extension": "101", "queue": "civil"})
                .to_string()
                .as_bytes(),
            )
            .unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(
            (e[0].kind, e[0].from.as_deref(), e[0].extension.as_deref()),
            (EventKind::Ringing, Some("0905123456"), Some("101"))
        );
        let batch = json!({"events": [
            {"call_id": "g1", "event": "answered", "at": "2026-12-04T01:00:05Z", "extension": "101"},
            {"call_id": "g1", "event": "ended", "at": "2026-12-04T01:03:05Z", "cause": "normal"},
        ]});
        assert_eq!(Vendor::Generic.events(batch.to_string().as_bytes()).unwrap().len(), 2);
        // Each refusal names its field.
        let bad = |v: Value| Vendor::Generic.events(v.to_string().as_bytes()).unwrap_err();
        assert!(bad(json!({"event": "ringing", "at": "2026-12-04T01:00:00Z"})).field("call_id").is_some());
        assert!(
            bad(json!({"call_id": "x", "event": "exploded", "at": "2026-12-04T01:00:00Z"})).field("event").is_some()
        );
        assert!(bad(json!({"call_id": "x", "event": "ended", "at": "0001-01-01T00:00:00Z"})).field("at").is_some());
        assert!(
            bad(json!({"call_id": "x", "event": "survey", "at": "2026-12-04T01:00:00Z"})).field("digits").is_some()
        );
        assert!(bad(json!({"events": []})).field("events").is_some());
        assert!(Vendor::Generic.events(b"not json").unwrap_err().field("body").is_some());
    }

    #[test]
    fn stringee_call_events_map_to_ours() {
        // The shape of Stringee's event_url callbacks: parties as objects, times in milliseconds.
        let ringing = json!({"call_id": "call-vn-1-8JQ4W2", "call_status": "ringing", "timestamp_ms": 1764810000000_i64,
            "from": {"number": "84905123456", "type": "external", "alias": "84905123456"},
            "to": {"number": "agent101", "type": "internal", "alias": "agent101"}, "projectId": 4321});
        let e = Vendor::Stringee.events(ringing.to_string().as_bytes()).unwrap();
        assert_eq!(e[0].kind, EventKind::Ringing);
        assert_eq!(e[0].from.as_deref(), Some("0905123456"));
        assert_eq!(e[0].extension.as_deref(), Some("agent101"));
        assert_eq!(e[0].direction, Direction::In);
        let ended = json!({"call_id": "call-vn-1-8JQ4W2", "call_status": "ended", "timestamp_ms": 1764810095000_i64,
            "from": {"number": "84905123456", "type": "external"}, "to": {"number": "agent101", "type": "internal"},
            "endCallCause": "NORMAL_CLEARING", "duration": 95, "answerDuration": 80,
            "recordUrl": "https://api.stringee.com/v1/call/recording/call-vn-1-8JQ4W2"});
        let e = Vendor::Stringee.events(ended.to_string().as_bytes()).unwrap();
        let kinds: Vec<_> = e.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EventKind::Answered, EventKind::Ended, EventKind::Recording]);
        assert_eq!(e[0].at.timestamp(), 1764810015, "answered 80 s before the end");
        assert_eq!(e[1].cause.as_deref(), Some("normal"));
        let missed = json!({"call_id": "call-vn-1-X", "call_status": "ended", "timestamp_ms": 1764810095000_i64,
            "from": "84905123456", "to": {"number": "agent101", "type": "internal"}, "endCallCause": "NO_ANSWER",
            "duration": 30, "answerDuration": 0});
        let e = Vendor::Stringee.events(missed.to_string().as_bytes()).unwrap();
        assert_eq!((e.len(), e[0].cause.as_deref()), (1, Some("no_answer")));
        // A callback from an agent's line out to a citizen.
        let out = json!({"call_id": "call-vn-1-Y", "call_status": "started", "timestamp_ms": 1764810000000_i64,
            "from": {"number": "agent101", "type": "internal"}, "to": {"number": "84905123456", "type": "external"}});
        let e = Vendor::Stringee.events(out.to_string().as_bytes()).unwrap();
        assert_eq!(
            (e[0].direction, e[0].to.as_deref(), e[0].extension.as_deref()),
            (Direction::Out, Some("0905123456"), Some("agent101"))
        );
        let bad =
            json!({"call_id": "x", "call_status": "ended", "timestamp_ms": 1764810095000_i64, "answerDuration": -5});
        assert!(Vendor::Stringee.events(bad.to_string().as_bytes()).unwrap_err().field("answerDuration").is_some());
    }

    #[test]
    fn omicall_states_and_call_records_map_to_ours() {
        let live = json!({"transaction_id": "omi-7f3a", "state": "ringing", "time": 1764810000, "direction": "inbound",
            "source_number": "0905123456", "destination_number": "02563822022", "sip_user": "101"});
        let e = Vendor::Omicall.events(live.to_string().as_bytes()).unwrap();
        assert_eq!(
            (e[0].kind, e[0].extension.as_deref(), e[0].from.as_deref()),
            (EventKind::Ringing, Some("101"), Some("0905123456"))
        );
        // The end-of-call record alone still gives the whole call.
        let cdr = json!({"transaction_id": "omi-7f3a", "direction": "inbound", "source_number": "0905123456",
            "destination_number": "02563822022", "sip_user": "101", "time_start_call": 1764810000, "duration": 95,
            "bill_sec": 80, "disposition": "ANSWERED",
            "recording_file_url": "https://public-v1-stg.omicall.com/api/recording/omi-7f3a.mp3"});
        let e = Vendor::Omicall.events(cdr.to_string().as_bytes()).unwrap();
        let kinds: Vec<_> = e.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EventKind::Ringing, EventKind::Answered, EventKind::Ended, EventKind::Recording]);
        assert_eq!(e[1].at.timestamp(), 1764810015);
        assert_eq!(e[2].at.timestamp(), 1764810095);
        assert_eq!(e[2].cause.as_deref(), Some("normal"));
        let missed = json!({"transaction_id": "omi-8", "direction": "inbound", "source_number": "0905123456",
            "time_start_call": 1764810000, "duration": 25, "bill_sec": 0, "disposition": "NO ANSWER"});
        let e = Vendor::Omicall.events(missed.to_string().as_bytes()).unwrap();
        assert_eq!((e.len(), e[1].cause.as_deref()), (2, Some("no_answer")));
        let bad = json!({"transaction_id": "omi-9", "time_start_call": 1764810000, "duration": 10, "bill_sec": 20});
        assert!(Vendor::Omicall.events(bad.to_string().as_bytes()).unwrap_err().field("bill_sec").is_some());
        let bad = json!({"transaction_id": "omi-9", "time_start_call": 0});
        assert!(Vendor::Omicall.events(bad.to_string().as_bytes()).unwrap_err().field("time_start_call").is_some());
    }

    #[test]
    fn repeated_reports_are_one_event_and_transfers_are_each_their_own() {
        let v = json!({});
        let t = at("2026-12-04T01:00:00Z");
        let a = CallEvent::new("c".into(), EventKind::Answered, t, Direction::In, &v);
        let b = CallEvent::new("c".into(), EventKind::Answered, t + chrono::Duration::seconds(1), Direction::In, &v);
        assert_eq!(a.dedupe(), b.dedupe(), "a call is answered once");
        let mut x = CallEvent::new("c".into(), EventKind::Transferred, t, Direction::In, &v);
        x.extension = Some("102".into());
        let mut y = x.clone();
        y.extension = Some("103".into());
        assert_ne!(x.dedupe(), y.dedupe());
        assert_eq!(phone("+84 905-123-456"), "0905123456");
        assert_eq!(phone("1022"), "1022");
    }
}
