//! The setup wizard without a window. A newcomer's map:
//!
//! - `state`: what the wizard remembers, grouped by the step that owns it;
//! - `transitions`: how user events (`handle`) and work results (`apply`) change it, returning
//!   the work to do as effects;
//! - `render`: the view of the state, which the window draws as it is;
//! - `words`: the window's own sentences;
//! - `view` and `events`: the types that cross to the window and back (the webview can send
//!   `UserEvent`s only; `Outcome`s are built by Rust alone);
//! - `unfinished`: what is kept of a first setup between runs of the window ("Continue where
//!   you left off");
//! - `runner`: performs the effects with the core's flows and publishes each new view.
//!
//! The desktop shell only forwards events and views.

mod events;
mod render;
mod runner;
mod state;
mod transitions;
mod unfinished;
mod view;
mod words;

#[cfg(test)]
mod tests;

pub use events::{Outcome, PastedSecret, UserEvent};
pub use runner::WizardRunner;
pub use state::{PracticeCredentials, Wizard, WizardOptions};
pub use transitions::Effect;
pub use unfinished::{SetupMemory, SetupStep, UnfinishedSetup};
pub use view::*;
