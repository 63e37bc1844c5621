//! The hotline's pages: the agent's console, the knowledge base and its public FAQ, the
//! figures, and the administrator's exchanges, routing rules and retention.

mod admin;
mod base;
mod console;
mod faq;
mod figures;

pub use admin::HotlineAdminPage;
pub use console::ConsolePage;
pub use faq::{FaqPage, KnowledgePage};
pub use figures::FiguresPage;
