//! The advisory check (issue 17, item 8): `scripts/audit` passes on this Cargo.lock with the
//! committed RustSec snapshot, and fails as soon as an advisory for a crate in use appears —
//! here one planted in a copy of the database. It runs the cargo-audit that scripts/audit
//! installs into the project's tools folder (CI runs scripts/audit before the tests).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_new_advisory_for_a_crate_in_use_fails_the_check() {
    if !xero_connect_e2e::tools_dir().join("bin/cargo-audit").exists() {
        assert!(std::env::var_os("CI").is_none(), "CI runs scripts/audit, which installs cargo-audit, first");
        eprintln!("skipped: run scripts/audit once to install cargo-audit");
        return;
    }
    let audit = |db: &Path| {
        Command::new(repo().join("scripts/audit"))
            .current_dir(repo())
            .env("XC_ADVISORY_DB", db)
            .env("XC_TOOLS_DIR", xero_connect_e2e::tools_dir())
            .output()
            .unwrap()
    };
    let snapshot = repo().join("supply-chain/advisory-db");
    let clean = audit(&snapshot);
    assert!(clean.status.success(), "{}", String::from_utf8_lossy(&clean.stdout));

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("advisory-db");
    copy_dir(&snapshot, &db);
    std::fs::create_dir_all(db.join("crates/zeroize")).unwrap();
    std::fs::write(
        db.join("crates/zeroize/RUSTSEC-2099-0001.md"),
        "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"zeroize\"\ndate = \"2099-01-01\"\n\
         url = \"https://example.invalid/advisory\"\ncategories = [\"memory-exposure\"]\n\n[versions]\npatched = []\n```\n\n\
         # A planted advisory\n\nMade up by the test: every version of zeroize is affected.\n",
    )
    .unwrap();
    let flagged = audit(&db);
    let said = String::from_utf8_lossy(&flagged.stdout);
    assert!(!flagged.status.success(), "{said}");
    assert!(said.contains("RUSTSEC-2099-0001") && said.contains("zeroize"), "{said}");
}
