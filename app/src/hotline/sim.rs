//! The local telephone exchange: what a real one posts to our webhook, in our generic format,
//! for `server pbx-sim` (over HTTP, signed, against a running server), the demo data and the
//! tests. A call is a list of steps; each step is one webhook body.

use chrono::{DateTime, Utc};
use uuid::{Uuid, uuid};

/// The demo exchange (`make run`, end-to-end tests): its id and key are public, so it exists
/// only where demo data is loaded.
pub const DEMO_EXCHANGE: Uuid = uuid!("0190f3a1-5e2c-7c3d-9a41-2b6f0c1d2e3f");
pub const DEMO_SECRET: &str = "demo-exchange-key-not-for-production";

/// One thing the exchange reports about a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The call arrives and rings on an extension (or waits in a queue when `None`).
    Ring {
        from: String,
        extension: Option<String>,
    },
    Answer {
        extension: String,
    },
    Transfer {
        extension: String,
    },
    /// `normal`, `caller_hangup`, `no_answer`, `voicemail`, `busy`.
    Hangup {
        cause: String,
    },
    Ivr {
        digits: String,
    },
    Survey {
        digits: String,
    },
}

impl Step {
    /// The webhook body of this step of call `call` at `at`.
    pub fn body(&self, call: &str, at: DateTime<Utc>) -> String {
        use serde_json::json;
        let at = at.to_rfc3339();
        let v = match self {
            Step::Ring { from, extension } => {
                json!({"call_id": call, "event": "ringing", "at": at, "direction": "in", "from": from, "to": "1022",
                       "extension": extension, "queue": "tthc"})
            }
            Step::Answer { extension } => {
                json!({"call_id": call, "event": "answered", "at": at, "extension": extension})
            }
            Step::Transfer { extension } => {
                json!({"call_id": call, "event": "transferred", "at": at, "extension": extension})
            }
            Step::Hangup { cause } => json!({"call_id": call, "event": "ended", "at": at, "cause": cause}),
            Step::Ivr { digits } => json!({"call_id": call, "event": "ivr", "at": at, "digits": digits}),
            Step::Survey { digits } => json!({"call_id": call, "event": "survey", "at": at, "digits": digits}),
        };
        v.to_string()
    }
}

/// A recording: `seconds` of 8 kHz mono 16-bit PCM WAV (a soft two-tone hum, like a line).
pub fn wav(seconds: u32) -> Vec<u8> {
    let rate = 8000u32;
    let samples = rate * seconds.clamp(1, 600);
    let mut out = Vec::with_capacity(44 + 2 * samples as usize);
    let data_len = 2 * samples;
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..samples {
        let t = i as f32 / rate as f32;
        let v = 0.15 * (2.0 * std::f32::consts::PI * 425.0 * t).sin()
            + 0.05 * (2.0 * std::f32::consts::PI * 950.0 * t).sin();
        out.extend_from_slice(&((v * i16::MAX as f32) as i16).to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hotline::pbx::{EventKind, Vendor};

    #[test]
    fn every_step_reads_back_through_the_generic_adapter() {
        let at = Utc::now() - chrono::Duration::minutes(1);
        let steps = [
            (Step::Ring { from: "0905123456".into(), extension: Some("101".into()) }, EventKind::Ringing),
            (Step::Answer { extension: "101".into() }, EventKind::Answered),
            (Step::Transfer { extension: "102".into() }, EventKind::Transferred),
            (Step::Hangup { cause: "normal".into() }, EventKind::Ended),
            (Step::Ivr { digits: "2".into() }, EventKind::Ivr),
            (Step::Survey { digits: "5".into() }, EventKind::Survey),
        ];
        for (step, kind) in steps {
            let events = Vendor::Generic.events(step.body("sim-1", at).as_bytes()).unwrap();
            assert_eq!(events.len(), 1);
            assert_eq!(events[0].kind, kind, "{step:?}");
            assert_eq!(events[0].call, "sim-1");
        }
    }

    #[test]
    fn the_recording_is_a_valid_wav() {
        let w = wav(2);
        assert_eq!(&w[..4], b"RIFF");
        assert_eq!(&w[8..12], b"WAVE");
        assert_eq!(w.len(), 44 + 2 * 8000 * 2);
        assert_eq!(u32::from_le_bytes(w[4..8].try_into().unwrap()) as usize, w.len() - 8);
    }
}
