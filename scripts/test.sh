#!/usr/bin/env bash
# Runs every test Baton has: formatting and lints; Rust unit and integration tests (against the lab
# token service, the store, the CLI end to end, interop against authgent-server from PyPI); the UI's
# component tests (Vitest, mocked IPC) and browser tests (Playwright + Chromium, mocked IPC); and the
# real desktop app end to end under Xvfb through tauri-driver. Ends with one line: N passed, N failed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_rust
need_python_venv
need_app_build
need_app_test
need_node
need_tauri_driver

mkdir -p target
summary=target/test-summary.txt
: > "$summary"
status=0
# Adds one runner's counts to the summary: record PASSED FAILED SKIPPED.
record() { echo "$1 $2 $3" >> "$summary"; }

say "the UI (TypeScript strict, Vite build): the app embeds ui/dist"
npm run --silent typecheck
npm run --silent build

say "formatting (cargo fmt --check)"
cargo fmt --all -- --check || die "code is not formatted: run cargo fmt --all"

say "one set of dependency features for the app, the CLI and the tests (scripts/unify-features.py)"
python3 scripts/unify-features.py || die "a build would compile dependencies again with other features: add them to crates/baton-workspace-hack"

say "lints (cargo clippy, warnings denied)"
cargo clippy --locked --workspace --all-targets -- -D warnings

# ts-rs writes the bindings while the tests run but never deletes the file of a removed type:
# start from an empty folder so the check below sees every difference.
rm -rf ui/src/bindings

say "Rust tests (unit, integration against the lab, store, CLI end to end, interop, app commands)"
set +e
cargo test --locked --workspace --no-fail-fast 2>&1 | tee target/test-output.log
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
set -e
awk '/^test result:/ { p += $4; f += $6; i += $8 } END { print p+0, f+0, i+0 }' target/test-output.log >> "$summary"

say "TypeScript bindings (ui/src/bindings) are up to date"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  stale=$(git status --porcelain -- ui/src/bindings)
  if [ -n "$stale" ]; then
    echo "$stale"
    echo "The generated bindings differ from the committed ones: commit ui/src/bindings after cargo test." >&2
    status=1
    record 0 1 0
  fi
else
  echo "not a git checkout: skipped"
fi

say "UI component tests (Vitest, jsdom, mocked IPC)"
set +e
npm run --silent test:ui -- --reporter=default 2>&1 | tee target/vitest-output.log
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
set -e
# Vitest's summary: "Tests  12 passed | 1 failed (13)".
sed 's/\x1b\[[0-9;]*m//g' target/vitest-output.log | awk '/^ *Tests +/ {
  for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p = $i; if ($(i+1) ~ /^failed/) f = $i; if ($(i+1) ~ /^skipped/) s = $i }
} END { print p+0, f+0, s+0 }' >> "$summary"

say "UI in a browser (Playwright + Debian Chromium, mocked IPC)"
set +e
npm run --silent test:browser 2>&1 | tee target/browser-output.log
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
set -e
awk '/^[0-9]+ passed, [0-9]+ failed/ { p = $1; f = $3 } END { print p+0, f+0, 0 }' target/browser-output.log >> "$summary"

say "the real app end to end (tauri-driver + WebKitWebDriver under Xvfb)"
# `cargo test` above built target/debug/baton-app for the app's integration tests (with the same
# dependency features `cargo build -p baton-app` resolves: crates/baton-workspace-hack). The app
# embeds the ui/dist built at the start.
set +e
# Bounded: a window that never closes must not hold CI until its own limit.
timeout 600 xvfb-run -a -s "-screen 0 1280x800x24" node --test --test-concurrency=1 --test-reporter=spec tests/e2e/ 2>&1 | tee target/e2e-output.log
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
set -e
sed 's/\x1b\[[0-9;]*m//g' target/e2e-output.log | awk '/^ℹ pass / { p = $3 } /^ℹ fail / { f = $3 } /^ℹ skipped / { s = $3 } END { print p+0, f+0, s+0 }' >> "$summary"

# One closing line for the whole run, summed over every runner.
awk '{ p += $1; f += $2; s += $3 } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$summary"
exit "$status"
