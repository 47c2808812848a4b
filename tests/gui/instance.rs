//! One wizard at a time: a second launch hands over to the first, and a launch that meets a
//! first wizard while it closes (it still holds its name on the session bus, then leaves
//! without answering) opens all the same (src-tauri/src/instance.rs).

use super::harness::{serial, Gui};
use xero_connect_e2e::TestEnv;

/// The name and object by which tauri-plugin-single-instance finds the first wizard on Linux:
/// tauri.conf.json's identifier, then `.SingleInstance`.
const NAME: &str = "nz.example.xeroconnect.SingleInstance";
const OBJECT: &str = "/nz/example/xeroconnect/SingleInstance";

/// A wizard that is closing: it holds the name, and when asked to come forward it says that
/// it was asked, and never answers.
struct Closing(tokio::sync::mpsc::UnboundedSender<()>);

#[zbus::interface(name = "org.SingleInstance.DBus")]
impl Closing {
    async fn execute_callback(&self, _argv: Vec<String>, _cwd: String) {
        let _ = self.0.send(());
        std::future::pending::<()>().await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_that_meets_a_closing_wizard_opens_all_the_same() {
    let _one = serial().await;
    let env = TestEnv::new();
    let bus = env.keyring.as_ref().expect("a private session bus").bus_address.clone();
    let (asked, mut was_asked) = tokio::sync::mpsc::unbounded_channel();
    let closing = zbus::connection::Builder::address(bus.as_str())
        .unwrap()
        .name(NAME)
        .unwrap()
        .serve_at(OBJECT, Closing(asked))
        .unwrap()
        .build()
        .await
        .expect("the closing wizard's name on the bus");
    // Asked to come forward, the closing wizard leaves the bus without answering.
    let left = tokio::spawn(async move {
        was_asked.recv().await;
        closing.close().await.expect("left the bus");
    });
    let gui = Gui::start(env, "closing_wizard", &[]).await;
    gui.wait_css("#btn-first-setup").await;
    assert!(left.is_finished(), "the new launch asked the closing wizard to come forward first");
    gui.shot("opened-after-a-closing-wizard").await;
    gui.close().await;
}
