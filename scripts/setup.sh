#!/usr/bin/env bash
# Installs whatever the build / tests need and is missing. Idempotent and fast
# when everything is already there (each tool is checked before installing it).
#
# Usage: scripts/setup.sh [build|test|lint]...   (default: build)
#   build : wasm32 target (rustup), wasm-pack, wasm-bindgen-cli (exact version
#           from Cargo.lock), npm packages via `npm ci` (binaryen's wasm-opt,
#           playwright-core; no browser downloads), and for the threaded build
#           (pkg-threads/) the pinned nightly Rust with rust-src and the wasm32
#           target (rustup)
#   test  : build + Debian chromium and chromium-driver (apt, needs root or
#           passwordless sudo)
#   lint  : rustfmt and clippy rustup components
#
# Only package registries are reachable on our machines (crates.io, npm, apt):
# nothing here downloads a prebuilt binary from anywhere else.
#
# Environment knobs:
#   WASM_PACK_VERSION  wasm-pack version to install (default below)
#   NIGHTLY            the threaded build's nightly toolchain (default below; the
#                      Makefile passes its own, the same)
#   CHROMIUM, CHROMEDRIVER  browser / driver paths (default /usr/bin/...)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

WASM_PACK_VERSION="${WASM_PACK_VERSION:-0.15.1}"
# Keep in step with NIGHTLY in the Makefile.
NIGHTLY="${NIGHTLY:-nightly-2026-05-20}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"

export PATH="$PWD/node_modules/.bin:$CARGO_BIN:$PATH"
export DEBIAN_FRONTEND=noninteractive
# playwright-core never downloads browsers, but make sure nothing else tries.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# `time`-like wrapper that reports how long an install took.
timed() {
    local start=$SECONDS
    "$@"
    log "done in $((SECONDS - start))s: $*"
}

# Run as root, or through passwordless sudo when available.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif have sudo && sudo -n true 2>/dev/null; then
        sudo -n env DEBIAN_FRONTEND=noninteractive "$@"
    else
        return 1
    fi
}

ensure_rust() {
    have cargo || die "cargo not found; install Rust (rustup) first"
}

ensure_wasm_target() {
    if rustc --print sysroot >/dev/null 2>&1 &&
        [ -d "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib" ]; then
        return 0
    fi
    have rustup || die "wasm32-unknown-unknown target missing and rustup not found"
    log "installing rustup target wasm32-unknown-unknown"
    timed rustup target add wasm32-unknown-unknown
}

# The threaded wasm build rebuilds std with atomics (-Z build-std), which needs a nightly
# toolchain with the standard library's source; pinned by date so that it does not move.
ensure_threads_toolchain() {
    local host dir
    host="$(rustc -vV | sed -n 's/^host: //p')"
    if have rustup; then
        dir="$(rustup show home)/toolchains/$NIGHTLY-$host"
    else
        dir="${RUSTUP_HOME:-$HOME/.rustup}/toolchains/$NIGHTLY-$host"
    fi
    if [ -d "$dir/lib/rustlib/src/rust/library" ] &&
        [ -d "$dir/lib/rustlib/wasm32-unknown-unknown/lib" ]; then
        return 0
    fi
    have rustup || die "the threaded build needs rustup to install $NIGHTLY"
    log "installing Rust $NIGHTLY with rust-src and the wasm32 target (for pkg-threads/)"
    timed rustup toolchain install "$NIGHTLY" --profile minimal \
        --component rust-src --target wasm32-unknown-unknown
}

ensure_lint_components() {
    have rustup || return 0
    if ! cargo fmt --version >/dev/null 2>&1; then
        log "installing rustup component rustfmt"
        timed rustup component add rustfmt
    fi
    if ! cargo clippy --version >/dev/null 2>&1; then
        log "installing rustup component clippy"
        timed rustup component add clippy
    fi
}

# cargo install with --locked; if the registry lacks a version pinned by the
# crate's own lockfile (our crates.io mirror can lag a little behind), fall back
# to a fresh semver-compatible resolution rather than failing the whole set-up.
cargo_install() {
    if cargo install --locked "$@"; then
        return 0
    fi
    log "WARNING: 'cargo install --locked $*' failed; retrying without --locked"
    cargo install "$@"
}

ensure_wasm_pack() {
    if have wasm-pack; then
        return 0
    fi
    log "installing wasm-pack $WASM_PACK_VERSION from crates.io (takes a few minutes)"
    timed cargo_install wasm-pack --version "$WASM_PACK_VERSION"
}

# Version of wasm-bindgen pinned in Cargo.lock; the CLI must match it exactly.
wasm_bindgen_lock_version() {
    if [ ! -f Cargo.lock ]; then
        log "Cargo.lock missing; generating it"
        cargo generate-lockfile >&2
    fi
    awk '
        /^\[\[package\]\]/ { inpkg = 0 }
        /^name = "wasm-bindgen"$/ { inpkg = 1; next }
        inpkg && /^version = / { gsub(/"/, "", $3); print $3; exit }
    ' Cargo.lock
}

ensure_wasm_bindgen() {
    local want have_v=""
    want="$(wasm_bindgen_lock_version)"
    [ -n "$want" ] || die "could not find wasm-bindgen in Cargo.lock"
    if have wasm-bindgen; then
        have_v="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')"
    fi
    if [ "$have_v" = "$want" ] && have wasm-bindgen-test-runner; then
        return 0
    fi
    log "installing wasm-bindgen-cli $want (have: ${have_v:-none}) from crates.io (takes a few minutes)"
    timed cargo_install wasm-bindgen-cli --version "$want" --force
}

ensure_npm() {
    have node || die "node not found (need node >= 20)"
    have npm || die "npm not found"
    [ -f package-lock.json ] || die "package-lock.json missing"
    # npm ci wipes node_modules every time: only run it when the lockfile
    # changed since the last successful install.
    local stamp=node_modules/.ganplay-npm-stamp sum
    sum="$(cat package.json package-lock.json | sha256sum | awk '{print $1}')"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && [ -x node_modules/.bin/wasm-opt ]; then
        return 0
    fi
    log "installing npm packages (npm ci)"
    timed npm ci --no-audit --no-fund
    echo "$sum" >"$stamp"
}

ensure_chromium() {
    if [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; then
        return 0
    fi
    log "installing Debian chromium + chromium-driver (apt)"
    local start=$SECONDS
    as_root apt-get update -q &&
        as_root apt-get install -y -q chromium chromium-driver ||
        die "could not install chromium/chromium-driver: run as root, or install them yourself
       (Debian: apt-get install chromium chromium-driver), or point CHROMIUM/CHROMEDRIVER at them"
    log "done in $((SECONDS - start))s: apt-get install chromium chromium-driver"
    [ -x "$CHROMIUM" ] || die "$CHROMIUM still missing after apt install"
    [ -x "$CHROMEDRIVER" ] || die "$CHROMEDRIVER still missing after apt install"
}

want_build=0 want_test=0 want_lint=0
[ $# -gt 0 ] || set -- build
for arg in "$@"; do
    case "$arg" in
    build) want_build=1 ;;
    test) want_build=1 want_test=1 ;;
    lint) want_lint=1 ;;
    *) die "unknown argument: $arg (expected build, test or lint)" ;;
    esac
done

ensure_rust
if [ "$want_lint" = 1 ]; then
    ensure_lint_components
fi
if [ "$want_build" = 1 ]; then
    # apt (network/disk bound) runs in the background while cargo compiles.
    chromium_pid=""
    if [ "$want_test" = 1 ] && ! { [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; }; then
        mkdir -p target
        ensure_chromium >target/setup-chromium.log 2>&1 &
        chromium_pid=$!
        log "chromium install running in the background (log: target/setup-chromium.log)"
    fi
    ensure_wasm_target
    ensure_threads_toolchain
    ensure_npm
    ensure_wasm_pack
    ensure_wasm_bindgen
    if [ -n "$chromium_pid" ]; then
        if ! wait "$chromium_pid"; then
            cat target/setup-chromium.log >&2
            die "chromium install failed"
        fi
        tail -n 2 target/setup-chromium.log >&2
    fi
fi
log "all tools present"
