#!/usr/bin/env bash
# Runs every test Baton has: formatting and lints, unit tests, crate integration tests against the
# lab token service, the CLI end to end, and interop against authgent-server (from PyPI) on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_rust
need_python_venv

say "formatting (cargo fmt --check)"
cargo fmt --all -- --check || die "code is not formatted: run cargo fmt --all"

say "lints (cargo clippy, warnings denied)"
cargo clippy --locked --workspace --all-targets -- -D warnings

# ts-rs writes the bindings while the tests run but never deletes the file of a removed type:
# start from an empty folder so the check below sees every difference.
rm -rf ui/src/bindings

say "tests (unit, integration against the lab, CLI end to end, interop)"
mkdir -p target
set +e
cargo test --locked --workspace --no-fail-fast 2>&1 | tee target/test-output.log
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { p += $4; f += $6; i += $8 } END { printf "%d passed, %d failed, %d skipped\n", p, f, i }' target/test-output.log

# The tests above regenerate the TypeScript bindings (ts-rs); what is committed must match.
say "TypeScript bindings (ui/src/bindings) are up to date"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  stale=$(git status --porcelain -- ui/src/bindings)
  if [ -n "$stale" ]; then
    echo "$stale"
    echo "The generated bindings differ from the committed ones: commit ui/src/bindings after cargo test." >&2
    status=1
  fi
else
  echo "not a git checkout: skipped"
fi
exit "$status"
