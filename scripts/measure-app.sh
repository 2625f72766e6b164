#!/usr/bin/env bash
# Measures the desktop app (figures for the README, not a test): launch to interactive window,
# idle memory (PSS) of the app and its WebKit processes, and the graph's layout + render time for
# 50 and 500 tokens in Chromium. Needs what scripts/test.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_rust
need_app_build
need_app_test
need_node
need_tauri_driver
npm run --silent build
cargo build --locked -p baton-app
say "the app: launch and idle memory"
xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/measure.mjs
say "the graph: layout and render in Chromium"
npm run --silent graph-perf
