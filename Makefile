# ganplay: two-command set-up.
#
#   make serve   install what is missing, build the release wasm (simd128) into
#                pkg/ (and pkg-relaxed/, pkg-threads/), serve the repository root
#                on http://localhost:8080
#   make test    install what is missing (incl. Debian chromium when root), then
#                native tests, wasm tests in headless Chromium, page e2e tests
#
#   make dist    the same builds laid out as a static site in dist/ (scripts/dist.mjs):
#                any static server, no special headers, offline after the first visit
#
# Other targets: build, test-native, test-wasm, e2e, lint, fmt, bench, setup,
# clean. Installs only come from package registries (crates.io, npm, apt);
# see scripts/setup.sh.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_BIN := $(if $(CARGO_HOME),$(CARGO_HOME),$(HOME)/.cargo)/bin
# node_modules/.bin first: wasm-pack must find binaryen's wasm-opt there.
export PATH := $(CURDIR)/node_modules/.bin:$(CARGO_BIN):$(PATH)
export DEBIAN_FRONTEND := noninteractive
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

PORT ?= 8080
CHROMEDRIVER ?= /usr/bin/chromedriver
WASM_PACK_BUILD_FLAGS ?= --release --target web
# The second build, pkg-relaxed/, adds relaxed SIMD (fused multiply-add in the matmul);
# the page picks it where the browser has it (www/wasm-build.js). Its own target dir, as
# RUSTFLAGS (which replaces .cargo/config.toml's flags) would otherwise rebuild the other.
RELAXED_ENV := CARGO_TARGET_DIR=target/wasm-relaxed \
	RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd"
# The third, pkg-threads/, is pkg-relaxed/ with the `threads` feature: the matrix products
# split across Web Workers (wasm-bindgen-rayon), bit-identical to pkg-relaxed/. Wasm
# threads need a nightly Rust that rebuilds std with atomics (-Z build-std), pinned here
# and installed by scripts/setup.sh (which has the same default). The link arguments make
# the memory shared (imported, with a maximum: 1 GiB) and export what each new thread
# needs to set up its thread-local storage; docs/threads.md says why each is there.
NIGHTLY ?= nightly-2026-05-20
export NIGHTLY
THREADS_MAX_MEMORY := 1073741824
THREADS_RUSTFLAGS := -C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128,+relaxed-simd \
	-C link-arg=--shared-memory -C link-arg=--max-memory=$(THREADS_MAX_MEMORY) \
	-C link-arg=--import-memory -C link-arg=--export=__wasm_init_tls \
	-C link-arg=--export=__tls_size -C link-arg=--export=__tls_align \
	-C link-arg=--export=__tls_base
THREADS_ENV := RUSTUP_TOOLCHAIN=$(NIGHTLY) CARGO_TARGET_DIR=target/wasm-threads \
	RUSTFLAGS="$(THREADS_RUSTFLAGS)"
THREADS_CARGO_FLAGS := --features threads -Z build-std=panic_abort,std
# --release shares the dependency builds with `make build` (same profile/target).
# --lib --test '*': only the lib's and the integration tests' wasm test binaries;
# without it `cargo test --target wasm32` also compiles examples/ (native-only).
# (wasm-pack always runs `cargo build --tests`, so src/bin/* must still compile
# for wasm32: gate native-only code with #[cfg(not(target_arch = "wasm32"))].)
WASM_PACK_TEST_FLAGS ?= --release --headless --chrome --chromedriver $(CHROMEDRIVER) \
	--lib --test '*'

# Everything that changes the wasm build; pkg/ is rebuilt only when one changed.
# (A `wasm-pack build` run by hand into pkg/ with other flags is not detected:
# `make clean` or `rm -rf pkg` then.)
WASM_INPUTS := $(shell find src -type f 2>/dev/null) Cargo.toml \
	$(wildcard Cargo.lock build.rs .cargo/config.toml)
WASM_STAMP := pkg/ganplay_bg.wasm
RELAXED_STAMP := pkg-relaxed/ganplay_bg.wasm
THREADS_STAMP := pkg-threads/ganplay_bg.wasm
TEST_STAMP := pkg-test/ganplay_bg.wasm
# The fourth, pkg-test/, only for the e2e tests: pkg/ with the `test-hooks` feature (a
# deliberate panic, Playground.debug_panic), which the page loads for `?wasm=test-hooks`.
# Its own target dir, so that switching the feature does not rebuild pkg/'s.
TEST_ENV := CARGO_TARGET_DIR=target/wasm-test

.PHONY: help setup setup-test setup-lint build build-test dist serve test test-native test-wasm \
	e2e lint fmt bench clean

help:
	@echo "make serve   - set up, build the wasm, serve http://localhost:$(PORT)/"
	@echo "make test    - set up, run native + wasm (headless Chromium) + page e2e tests"
	@echo "make build   - build the release wasm into pkg/ (simd128), pkg-relaxed/ and pkg-threads/"
	@echo "make dist    - the static site in dist/ (copy it to any static host)"
	@echo "make lint    - cargo fmt --check + cargo clippy -D warnings"
	@echo "make fmt     - cargo fmt"
	@echo "make bench   - speed figures, native and wasm (bench/run.sh)"

setup:
	@bash scripts/setup.sh build

setup-test:
	@bash scripts/setup.sh test

setup-lint:
	@bash scripts/setup.sh lint

$(WASM_STAMP): $(WASM_INPUTS) | setup
	wasm-pack build $(WASM_PACK_BUILD_FLAGS) --out-dir pkg
	@touch $@

$(RELAXED_STAMP): $(WASM_INPUTS) | setup
	$(RELAXED_ENV) wasm-pack build $(WASM_PACK_BUILD_FLAGS) --out-dir pkg-relaxed
	@touch $@

$(THREADS_STAMP): $(WASM_INPUTS) | setup
	$(THREADS_ENV) wasm-pack build $(WASM_PACK_BUILD_FLAGS) --out-dir pkg-threads \
		-- $(THREADS_CARGO_FLAGS)
	@touch $@

$(TEST_STAMP): $(WASM_INPUTS) | setup
	$(TEST_ENV) wasm-pack build $(WASM_PACK_BUILD_FLAGS) --out-dir pkg-test \
		-- --features test-hooks
	@touch $@

build: setup $(WASM_STAMP) $(RELAXED_STAMP) $(THREADS_STAMP)

build-test: setup $(TEST_STAMP)

# Copies the three builds and the page; compiles nothing (.github/workflows/pages.yml runs
# exactly this and publishes dist/).
dist: build
	node scripts/dist.mjs

serve: build
	node scripts/serve.mjs --port $(PORT)

test: setup-test
	$(MAKE) --no-print-directory test-native
	$(MAKE) --no-print-directory build
	$(MAKE) --no-print-directory dist
	$(MAKE) --no-print-directory test-wasm
	$(MAKE) --no-print-directory e2e

# The second run: tests/threads.rs with the threads feature, its bit-identity tests
# (the first run checks only that a build without it refuses --threads 2).
test-native:
	cargo test --release
	cargo test --release --features threads --test threads

test-wasm: setup-test
	wasm-pack test $(WASM_PACK_TEST_FLAGS)
	$(RELAXED_ENV) wasm-pack test $(WASM_PACK_TEST_FLAGS)

e2e: setup-test dist build-test
	node tests/e2e/run.mjs

lint: setup-lint
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --features threads,test-hooks -- -D warnings

fmt:
	cargo fmt

bench: dist
	@bash bench/run.sh

clean:
	rm -rf dist pkg pkg-relaxed pkg-threads pkg-test target/wasm32-unknown-unknown \
		target/wasm-relaxed target/wasm-threads target/wasm-test
