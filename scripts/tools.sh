# The project's own tools: their pinned versions and the one folder they are installed into.
# Sourced by scripts/install-deps, scripts/package, scripts/bench-gui and scripts/audit (not run
# on its own).
#
#   XC_TOOLS_DIR   where the tools live (default: target/tools in this checkout). The tests look
#                  for tauri-driver in the same place (tests/support: tools_dir()).
#
# A version is changed here (tauri-driver, cargo-audit) or in tools/NAME/package.json with its
# lockfile (the Tauri CLI, playwright-core) and nowhere else; a tool whose recorded version
# differs is installed again.

TAURI_DRIVER_VERSION=2.1.0
CARGO_AUDIT_VERSION=0.22.2

XC_TOOLS_DIR="${XC_TOOLS_DIR:-$PWD/target/tools}"

# A cargo tool from crates.io with its own lockfile, at exactly VERSION, into $XC_TOOLS_DIR/bin;
# again whenever the recorded version differs.
install_cargo_tool() {
    local name="$1" version="$2"
    local bin="$XC_TOOLS_DIR/bin/$name" stamp="$XC_TOOLS_DIR/$name.version"
    if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
        return 0
    fi
    echo "install-deps: installing $name $version into $XC_TOOLS_DIR" >&2
    cargo install --quiet --locked --force --root "$XC_TOOLS_DIR" --version "=$version" "$name"
    [ -x "$bin" ] || { echo "install-deps: $name did not install to $bin" >&2; return 1; }
    echo "$version" >"$stamp"
}

# tauri-driver, for the window tests.
install_tauri_driver() {
    install_cargo_tool tauri-driver "$TAURI_DRIVER_VERSION"
}

# cargo-audit, for scripts/audit.
install_cargo_audit() {
    install_cargo_tool cargo-audit "$CARGO_AUDIT_VERSION"
}

# An npm tool pinned by tools/NAME/package.json and package-lock.json, installed with `npm ci`
# into $XC_TOOLS_DIR/NAME, again whenever the lockfile changes. npm itself is the system's
# /usr/bin/npm (Debian's nodejs and npm packages are installed when it is missing).
install_npm_tool() {
    local name="$1" dir="$XC_TOOLS_DIR/$1" src="$PWD/tools/$1"
    if [ ! -d "$dir/node_modules" ] || ! cmp -s "$src/package-lock.json" "$dir/package-lock.json"; then
        if [ ! -x /usr/bin/npm ]; then
            echo "install-deps: installing nodejs and npm (for $name)" >&2
            local sudo=""
            [ "$(id -u)" -eq 0 ] || sudo="sudo"
            DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
        fi
        echo "install-deps: installing $name as pinned in tools/$name into $dir" >&2
        rm -rf "$dir"
        mkdir -p "$dir"
        cp "$src/package.json" "$src/package-lock.json" "$dir/"
        (cd "$dir" && /usr/bin/npm ci --silent --no-fund --no-audit >&2)
    fi
}

# playwright-core for the UI check (tests/ui-mock/check.mjs), which drives Debian's Chromium.
# Prints the folder to give it as PLAYWRIGHT_CORE_DIR.
install_ui_check() {
    install_npm_tool ui-check
    echo "$XC_TOOLS_DIR/ui-check/node_modules"
}

# The Tauri CLI (npm package @tauri-apps/cli, a prebuilt binary), exactly as tools/tauri-cli
# pins it. Prints the path of its `tauri` command on stdout.
install_tauri_cli() {
    install_npm_tool tauri-cli
    local tauri="$XC_TOOLS_DIR/tauri-cli/node_modules/.bin/tauri"
    [ -x "$tauri" ] || { echo "install-deps: the Tauri CLI did not install to $tauri" >&2; return 1; }
    echo "$tauri"
}
