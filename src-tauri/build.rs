//! Build script: embeds tauri.conf.json, the capabilities and the icons, and generates an
//! `allow-<command>` permission for each app command so `capabilities/default.json` can grant
//! the window exactly the commands it uses (an app command without a grant is refused).

fn main() {
    let commands =
        tauri_build::AppManifest::new().commands(&["wizard_view", "wizard_send", "wizard_next_view", "practice_start"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(commands)).expect("tauri build script");
}
