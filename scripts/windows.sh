# The Windows cross-build and its Wine run: pinned Debian packages, the environment a build for
# x86_64-pc-windows-gnu needs, and the Wine prefix the tests use. Sourced by scripts/test-windows,
# scripts/package-windows and scripts/check-package (not run on its own).
#
# Everything comes from Debian 12's own packages, so nothing is downloaded from outside the
# package registries: Debian's rustc-web/cargo-web (with the standard library's source, rebuilt
# for Windows by -Zbuild-std because Debian ships no prebuilt Windows std), the MinGW-w64 GCC
# and binutils (the linker, and the C compiler for `ring`), Wine 8 to run the programs, and
# NSIS's makensis for the installer. The versions are pinned below, by upstream release: a
# Debian security update of the same release is taken, another release is refused.
#
#   XC_WINDOWS_DIR   where the Windows build, the Wine prefix and the installers live
#                    (default: target/windows in this checkout)

# package=version (apt's glob): the upstream versions this project was built and tested with.
WINDOWS_PACKAGES=(
    "rustc-web=1.96.0+dfsg1-*"            # /usr/bin/rustc 1.96 (the machine's rustup toolchain is not used)
    "cargo-web=1.96.0+dfsg1-*"            # /usr/bin/cargo 1.96, which builds std from source
    "rust-web-src=1.96.0+dfsg1-*"         # std's source, for -Zbuild-std
    "gcc-mingw-w64-x86-64-win32=12.2.0-*" # x86_64-w64-mingw32-gcc-win32: linker and C compiler
    "binutils-mingw-w64-x86-64=2.40-*"    # x86_64-w64-mingw32-ar and -windres (the wizard's resources)
    "wine64=8.0~repack-*"                 # runs the .exe files: tests, the installer's check
    "nsis=3.08-*"                         # makensis, with the 64-bit (amd64-unicode) stubs
)

WINDOWS_TARGET=x86_64-pc-windows-gnu
XC_WINDOWS_DIR="${XC_WINDOWS_DIR:-$PWD/target/windows}"

# Installs the pinned packages that are missing (cheap when they are all there).
install_windows_toolchain() {
    local missing=() spec name want have
    for spec in "${WINDOWS_PACKAGES[@]}"; do
        name="${spec%%=*}" want="${spec#*=}"
        have=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null || true)
        # shellcheck disable=SC2053 # $want is a glob on purpose
        if [[ "$have" != "install ok installed "* ]] || [[ "${have##* }" != $want ]]; then
            missing+=("$spec")
        fi
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "windows: installing ${missing[*]}" >&2
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        export DEBIAN_FRONTEND=noninteractive
        $sudo apt-get update -qq
        $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# Exports what a cargo build for Windows needs: Debian's compiler (the rustup one on PATH would
# not match the standard library source), the MinGW tools by full path, a target folder of its
# own (a Windows build shares nothing with the Linux one), and Wine to run tests.
windows_env() {
    export CARGO_TARGET_DIR="$XC_WINDOWS_DIR/target"
    export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
    # -Zbuild-std on Debian's stable compiler.
    export RUSTC_BOOTSTRAP=1
    export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=/usr/bin/x86_64-w64-mingw32-gcc-win32
    export CC_x86_64_pc_windows_gnu=/usr/bin/x86_64-w64-mingw32-gcc-win32
    export AR_x86_64_pc_windows_gnu=/usr/bin/x86_64-w64-mingw32-ar
    export WINDRES=/usr/bin/x86_64-w64-mingw32-windres
    export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$PWD/scripts/wine-run"
    # Wine links the user's Desktop, Documents… to folders under HOME and writes menu entries
    # there: a HOME of its own keeps all that out of the real one.
    export WINEPREFIX="$XC_WINDOWS_DIR/wine-prefix" WINEDEBUG=-all XC_WINE_USER XC_WINE_HOME="$XC_WINDOWS_DIR/home"
    # No Mono or Gecko installers (not needed, and not downloadable here); no desktop menu entries.
    export WINEDLLOVERRIDES="mscoree,mshtml,winemenubuilder.exe="
    # The rustup toolchain's variables would reach build scripts and confuse them.
    unset RUSTUP_TOOLCHAIN RUSTFLAGS
}

# `cargo` for Windows: Debian's cargo, building std for the target.
windows_cargo() {
    nice -n 5 /usr/bin/cargo "$1" --target "$WINDOWS_TARGET" -Zbuild-std=std,panic_abort "${@:2}"
}

# The Wine user of the test prefix: its profile folder, C:\users\Zoë Smith, holds a space and a
# non-ASCII letter, as many real ones do, so every test exercises such paths.
XC_WINE_USER="Zoë Smith"

# The test-only Windows helpers of tests/windows/ (built with MinGW into $XC_WINDOWS_DIR/helpers):
# the stand-in for bcryptprimitives.dll that Debian's Wine 8.0 lacks (bcryptprimitives.c says
# why), and no-credential-manager.exe. None of them is ever shipped.
build_test_helpers() {
    local src="$PWD/tests/windows" out="$XC_WINDOWS_DIR/helpers" cc=/usr/bin/x86_64-w64-mingw32-gcc-win32
    mkdir -p "$out"
    if [ ! -f "$out/bcryptprimitives.dll" ] || [ "$src/bcryptprimitives.c" -nt "$out/bcryptprimitives.dll" ]; then
        $cc -O2 -shared -o "$out/bcryptprimitives.dll" "$src/bcryptprimitives.c" "$src/bcryptprimitives.def" -ladvapi32
    fi
    if [ ! -f "$out/no-credential-manager.exe" ] || [ "$src/no-credential-manager.c" -nt "$out/no-credential-manager.exe" ]; then
        $cc -O2 -o "$out/no-credential-manager.exe" "$src/no-credential-manager.c" -ladvapi32
    fi
}

# The template Wine prefix, created once for the user above, with the bcryptprimitives stand-in
# in its system32. The tests copy it (tests/support/windows.rs); nothing runs in it directly.
# Real Windows 10 and 11 have the DLL.
prepare_wine_prefix() {
    build_test_helpers
    # How the prefix was made: a prefix made otherwise (another user, HOME, Wine) is made again.
    local recipe="wine=$(/usr/lib/wine/wine64 --version) user=$XC_WINE_USER home=$XC_WINE_HOME"
    if [ ! -f "$WINEPREFIX/system.reg" ] || [ "$(cat "$XC_WINDOWS_DIR/wine-prefix.recipe" 2>/dev/null)" != "$recipe" ]; then
        /usr/lib/wine/wineserver64 -k 2>/dev/null || true
        rm -rf "$WINEPREFIX" "$XC_WINE_HOME"
        echo "windows: creating the Wine prefix $WINEPREFIX" >&2
        mkdir -p "$WINEPREFIX" "$XC_WINE_HOME"
        # wineboot complains that there is no 32-bit rundll32 (no wine32 here); that is harmless.
        HOME="$XC_WINE_HOME" USER="$XC_WINE_USER" DISPLAY= /usr/lib/wine/wine64 wineboot --init \
            >"$XC_WINDOWS_DIR/wineboot.log" 2>&1 || true
        /usr/lib/wine/wineserver64 -w
        [ -d "$WINEPREFIX/drive_c/users/$XC_WINE_USER" ] || {
            echo "windows: Wine could not create its prefix; see $XC_WINDOWS_DIR/wineboot.log" >&2
            return 1
        }
        echo "$recipe" >"$XC_WINDOWS_DIR/wine-prefix.recipe"
    fi
    cp "$XC_WINDOWS_DIR/helpers/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
}

# A private copy of the template prefix at $1, for one run: hard links for the system files,
# which Wine only reads, real copies of the registry and the users' folders, which it writes.
# (tests/support/windows.rs does the same for each end-to-end test.)
clone_wine_prefix() {
    local to="$1" from="$XC_WINDOWS_DIR/wine-prefix" entry
    WINEPREFIX="$to" /usr/lib/wine/wineserver64 -k 2>/dev/null || true
    rm -rf "$to"
    mkdir -p "$to/drive_c"
    for entry in "$from"/* "$from"/.update-timestamp; do
        case "${entry##*/}" in drive_c|wineserver) ;; *) cp -a "$entry" "$to/" ;; esac
    done
    for entry in "$from"/drive_c/*; do
        if [ "${entry##*/}" = windows ]; then cp -al "$entry" "$to/drive_c/"; else cp -a "$entry" "$to/drive_c/"; fi
    done
}

# A Linux path as Windows programs under Wine name it (drive Z: is /).
windows_path_of() {
    printf 'Z:%s' "${1//\//\\}"
}
