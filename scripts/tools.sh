# The project's own tools: their pinned versions and the one folder they are installed into.
# Sourced by scripts/install-deps, scripts/package and scripts/bench-gui (not run on its own).
#
#   XC_TOOLS_DIR   where the tools live (default: target/tools in this checkout). The tests look
#                  for tauri-driver in the same place (tests/support: tools_dir()).
#
# A version is changed here (tauri-driver) or in tools/tauri-cli/package.json with its lockfile
# (the Tauri CLI) and nowhere else; a tool whose recorded version differs is installed again.

TAURI_DRIVER_VERSION=2.1.0

XC_TOOLS_DIR="${XC_TOOLS_DIR:-$PWD/target/tools}"

# tauri-driver, from crates.io with its own lockfile, into $XC_TOOLS_DIR/bin.
install_tauri_driver() {
    local bin="$XC_TOOLS_DIR/bin/tauri-driver" stamp="$XC_TOOLS_DIR/tauri-driver.version"
    if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$TAURI_DRIVER_VERSION" ]; then
        return 0
    fi
    echo "install-deps: installing tauri-driver $TAURI_DRIVER_VERSION into $XC_TOOLS_DIR" >&2
    cargo install --quiet --locked --force --root "$XC_TOOLS_DIR" --version "=$TAURI_DRIVER_VERSION" tauri-driver
    [ -x "$bin" ] || { echo "install-deps: tauri-driver did not install to $bin" >&2; return 1; }
    echo "$TAURI_DRIVER_VERSION" >"$stamp"
}

# The Tauri CLI (npm package @tauri-apps/cli, a prebuilt binary), exactly as tools/tauri-cli's
# package.json and package-lock.json pin it, installed with `npm ci` into $XC_TOOLS_DIR/tauri-cli.
# Prints the path of its `tauri` command on stdout. npm itself is the system's /usr/bin/npm
# (Debian's nodejs and npm packages are installed when it is missing).
install_tauri_cli() {
    local dir="$XC_TOOLS_DIR/tauri-cli" src="$PWD/tools/tauri-cli"
    local tauri="$dir/node_modules/.bin/tauri"
    if [ ! -x "$tauri" ] || ! cmp -s "$src/package-lock.json" "$dir/package-lock.json"; then
        if [ ! -x /usr/bin/npm ]; then
            echo "install-deps: installing nodejs and npm (for the Tauri CLI)" >&2
            local sudo=""
            [ "$(id -u)" -eq 0 ] || sudo="sudo"
            DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
        fi
        echo "install-deps: installing the Tauri CLI pinned in tools/tauri-cli into $dir" >&2
        rm -rf "$dir"
        mkdir -p "$dir"
        cp "$src/package.json" "$src/package-lock.json" "$dir/"
        (cd "$dir" && /usr/bin/npm ci --silent --no-fund --no-audit >&2)
    fi
    [ -x "$tauri" ] || { echo "install-deps: the Tauri CLI did not install to $tauri" >&2; return 1; }
    echo "$tauri"
}
