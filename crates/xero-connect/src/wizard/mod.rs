//! The setup wizard without a window: a pure state machine (`machine`), what the window shows
//! (`view`), what it may send and what only Rust may report (`events`), and the runner that
//! performs the work (`runner`). The desktop shell only forwards events and views.

mod events;
mod machine;
mod runner;
mod view;

pub use events::{Outcome, UserEvent};
pub use machine::{Effect, PracticeCredentials, Wizard, WizardOptions};
pub use runner::WizardRunner;
pub use view::*;
