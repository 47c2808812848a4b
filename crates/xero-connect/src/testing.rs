//! What the engine's unit tests share about the system they run on (compiled for tests only).

/// Whether this is a Windows program running under Wine (scripts/test-windows), which keeps its
/// own registry key. Wine is not Windows in a few places the tests name where they ask.
pub(crate) fn under_wine() -> bool {
    cfg!(windows)
        && std::process::Command::new("reg")
            .args(["query", r"HKCU\Software\Wine"])
            .output()
            .is_ok_and(|o| o.status.success())
}
