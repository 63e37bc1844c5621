//! The province's public-service hotline (Tổng đài giải đáp thủ tục hành chính): the telephone
//! exchanges it is connected to, and the record of every call they report.
//!
//! An exchange posts its call events to `/api/v1/pbx/{exchange}/events`, signed with the key it
//! was registered with; `pbx` reads each exchange's payloads into one event shape of ours and
//! checks signatures, `service` keeps every event once and folds it into its call.

#[cfg(feature = "ssr")]
pub mod pbx;
#[cfg(feature = "ssr")]
pub mod service;
