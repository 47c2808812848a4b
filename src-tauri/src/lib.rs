//! The desktop shell of xero-connect: a Tauri window over the core crate's setup wizard. This
//! file assembles the app — plugins, the managed wizard, the commands — and decides at start-up
//! between the real wizard and practice mode (`--practice`). Behaviour lives in the core; the
//! window renders views and sends user events.

mod commands;
mod error;
mod first_view;
mod geometry;
mod instance;
mod memory;
mod navigation;
mod opener;
mod practice;
mod state;
mod webview;

use error::IpcError;
use state::{ActiveWizard, MAIN_WINDOW};
use std::sync::Arc;
use tauri::{AppHandle, Manager, Runtime};
use xero_connect::wizard::{SetupMemory, WizardOptions};
use xero_connect::{Context, Endpoints, SettingsFile, Vault};

const USAGE: &str = "usage: xero-connect-wizard [--practice] [--profile FILE]
  --practice      rehearse against a local simulated Xero (nothing is sent to Xero)
  --profile FILE  a vendor profile (else $XERO_CONNECT_PROFILE, else a profile.toml beside the program)";

/// How the app was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Launch {
    Wizard,
    Practice,
}

/// The command line: the launch, and a vendor profile's path if one was given.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Args {
    launch: Launch,
    profile: Option<std::path::PathBuf>,
}

/// `Err` carries the text to print and the exit code (0 for `--help`, 2 for a usage error).
/// Arguments are taken as the system gives them: a profile's path need not be UTF-8, and any
/// other argument that is not is a usage error, never a panic.
fn parse_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Args, (String, i32)> {
    let mut parsed = Args { launch: Launch::Wizard, profile: None };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str() else {
            return Err((format!("xero-connect-wizard: unknown argument {arg:?}\n{USAGE}"), 2));
        };
        match text {
            "--practice" => parsed.launch = Launch::Practice,
            "--profile" => match args.next() {
                Some(file) => parsed.profile = Some(file.into()),
                None => return Err((format!("xero-connect-wizard: --profile needs a file\n{USAGE}"), 2)),
            },
            "-h" | "--help" => return Err((USAGE.to_string(), 0)),
            other => match other.strip_prefix("--profile=") {
                Some(file) => parsed.profile = Some(file.into()),
                None => return Err((format!("xero-connect-wizard: unknown argument {other:?}\n{USAGE}"), 2)),
            },
        }
    }
    Ok(parsed)
}

/// Starts the wizard window and runs until it is closed.
pub fn run() {
    let args = match parse_args(std::env::args_os().skip(1)) {
        Ok(args) => args,
        Err((text, code)) => {
            eprintln!("{text}");
            std::process::exit(code);
        }
    };
    if webview::runtime_missing() {
        let title = window_title(args.profile.as_deref());
        webview::report(&title, &webview::missing_runtime_message(&title));
        std::process::exit(1);
    }
    // Registered first so a second launch is handed over before anything else starts: two
    // wizards would fight over the loopback port and the settings file (`instance`).
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| focus_main_window(app)))
        // The window opens where and as large as it was left (`geometry`).
        .plugin(tauri_plugin_window_state::Builder::new().with_state_flags(geometry::KEPT).build());
    let started = with_plugins_and_commands(builder)
        .setup(move |app| {
            let wizard = start_wizard(app.handle(), &args);
            let first = wizard.view();
            app.manage(wizard);
            let window = first_view::open_main_window(app.handle(), &first)?;
            geometry::keep(&window);
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = started {
        if instance::met_a_closing_wizard(&e) {
            instance::start_again_once();
        }
        panic!("the wizard window could not start: {e}");
    }
}

/// What the tests share with the real app: the plugins that need no desktop session, and the
/// commands.
fn with_plugins_and_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        // Used from Rust only (see opener.rs); links clicked in the page are not opened either.
        .plugin(tauri_plugin_opener::Builder::new().open_js_links_on_click(false).build())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_store::Builder::new().build())
        .invoke_handler(tauri::generate_handler![
            commands::wizard_view,
            commands::wizard_send,
            commands::wizard_next_view,
            commands::practice_start
        ])
}

/// The window's title, "Connect NAME to Xero" with a vendor profile, for the messages shown
/// before the window exists.
fn window_title(profile: Option<&std::path::Path>) -> String {
    match xero_connect::profile::locate(profile) {
        Ok(Some(p)) => format!("Connect {} to Xero", p.product),
        _ => "Connect to Xero".to_string(),
    }
}

fn focus_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        // Best effort: a window manager may refuse focus; the window is still there.
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The wizard the window starts with. A failure is kept and reported by every command, so the
/// window can show it (a desktop user never sees stderr).
/// A vendor profile that cannot be read stops it the same way, before anything is sent.
fn start_wizard<R: Runtime>(app: &AppHandle<R>, args: &Args) -> ActiveWizard {
    let started = match args.launch {
        Launch::Wizard => {
            xero_connect::profile::locate(args.profile.as_deref()).map_err(IpcError::from).and_then(|profile| {
                let (memory, unfinished) = match memory::StoreMemory::open(app) {
                    Some((memory, kept)) => (Some(Arc::new(memory) as Arc<dyn SetupMemory>), kept),
                    None => (None, None),
                };
                let options = WizardOptions { profile, unfinished, ..Default::default() };
                real_context(app).map(|ctx| (ctx, options, memory, None))
            })
        }
        // Practice rehearses the generic flow against the simulator's demo app, keeping nothing.
        Launch::Practice => practice::prepare(app).map(|(c, o, session)| (c, o, None, Some(session))),
    };
    match started {
        Ok((ctx, options, memory, session)) => ActiveWizard::running(ctx, options, memory, session),
        Err(why) => {
            eprintln!("xero-connect-wizard: {} ({})", why.message, why.code);
            ActiveWizard::failed(why)
        }
    }
}

/// As the CLI's: the `XERO_*_URL` overrides, the OS keychain, the user's settings file; URLs
/// open in `BROWSER` or the system browser, on Xero's hosts only.
fn real_context<R: Runtime>(app: &AppHandle<R>) -> Result<Context, IpcError> {
    let endpoints = Endpoints::from_env()?;
    Ok(Context {
        browser: opener::guarded(opener::system_browser(app), &endpoints),
        endpoints,
        http: xero_connect::http_client(),
        vault: Vault::os(),
        settings: SettingsFile::default_location()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<std::ffi::OsString> {
        a.iter().map(|s| s.into()).collect()
    }

    #[test]
    fn practice_is_a_flag_and_anything_else_is_a_usage_error() {
        assert_eq!(parse_args(args(&[])), Ok(Args { launch: Launch::Wizard, profile: None }));
        assert_eq!(parse_args(args(&["--practice"])).unwrap().launch, Launch::Practice);
        for given in [&["--profile", "v.toml"][..], &["--profile=v.toml"]] {
            assert_eq!(parse_args(args(given)).unwrap().profile, Some("v.toml".into()));
        }
        assert_eq!(parse_args(args(&["--profile"])).unwrap_err().1, 2);
        assert_eq!(parse_args(args(&["--help"])).unwrap_err().1, 0);
        let (text, code) = parse_args(args(&["--practise"])).unwrap_err();
        assert_eq!(code, 2);
        assert!(text.contains("\"--practise\"") && text.contains("--practice"), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn an_argument_that_is_not_utf8_is_a_usage_error_and_a_profile_path_may_be_any_bytes() {
        use std::os::unix::ffi::OsStringExt;
        let odd = std::ffi::OsString::from_vec(b"--pr\xffctice".to_vec());
        assert_eq!(parse_args([odd]).unwrap_err().1, 2);
        let path = std::ffi::OsString::from_vec(b"/opt/v\xff/profile.toml".to_vec());
        let parsed = parse_args(["--profile".into(), path.clone()]).unwrap();
        assert_eq!(parsed.profile, Some(std::path::PathBuf::from(path)));
    }
}
