#!/usr/bin/env bash
# Measures Baton's builds from cold (figures for README and docs/performance.md, not a test):
# what scripts/test.sh compiles (clippy, then the tests), what `scripts/start.sh --cli` and
# `scripts/start.sh` compile after it, and how big target/ gets. Uses its own target folder
# (default target/measure-build, removed first) so it starts cold without touching target/.
#   scripts/measure-build.sh [TARGET_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_rust
need_app_build

dir=${1:-target/measure-build}
rm -rf "$dir"
mkdir -p "$dir"
export CARGO_TARGET_DIR=$dir
# The app embeds ui/dist at compile time; an empty page does when the UI was never built.
[ -f ui/dist/index.html ] || { mkdir -p ui/dist && echo '<!doctype html><title>Baton</title>' > ui/dist/index.html; }

# Runs one build, timed; prints seconds and how many crates it compiled.
step() {
  local name=$1; shift
  local start end log=$dir/step.log
  start=$(date +%s.%N)
  "$@" > "$log" 2>&1 || { cat "$log" >&2; die "$name failed"; }
  end=$(date +%s.%N)
  printf '%-34s %7.1f s  %4d crates compiled\n' "$name" "$(echo "$end - $start" | bc)" \
    "$(grep -cE '^ *(Compiling|Checking) ' "$log")"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(rustc --version)"
step "clippy (test.sh)" cargo clippy --locked --workspace --all-targets -- -D warnings
step "tests build (test.sh)" cargo test --locked --workspace --no-run
step "CLI after tests (start.sh --cli)" cargo build --locked -p baton-cli --bin baton
step "app after tests (start.sh)" cargo build --locked -p baton-app
printf '%-34s %s\n' "target/ size" "$(du -sh "$dir" | cut -f1)"
