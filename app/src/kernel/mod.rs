//! The kernel: what every feature needs and no feature owns. The error type and its reasons,
//! text and date parsing, time in Vietnam, who acts (roles, jurisdictions, the signed-in user),
//! the organisation (offices, communes, access to them), tokens, QR codes, rate limits and audit
//! entries. Features depend on the kernel; the kernel depends on no feature.

pub mod conflict;
pub mod error;
pub mod locale;
pub mod org;
pub mod person;
pub mod principal;
pub mod text;
pub mod time;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod office;
#[cfg(feature = "ssr")]
pub mod qr;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod token;
