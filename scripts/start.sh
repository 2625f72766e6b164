#!/usr/bin/env bash
# Builds and opens Baton, the desktop app: it starts the lab token service on a random loopback
# port and, on first start, seeds the demo workspace (examples/demo.baton.toml) pointed at it.
# Installs what is missing on Debian/Ubuntu (system packages for Tauri, npm packages).
#   scripts/start.sh          the app
#   scripts/start.sh --cli    the headless walk-through instead (`baton demo`), no window needed
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_rust
if [ "${1:-}" = "--cli" ]; then
  shift
  say "building baton (the first build takes a few minutes)"
  cargo build --locked -p baton-cli --bin baton
  exec target/debug/baton demo "$@"
fi

# Before minutes of building: a window needs a display.
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  die "no display to open a window on: run this in a desktop session (or under xvfb-run), or use scripts/start.sh --cli"
fi
need_app_build
need_node
say "building the UI"
npm run --silent build
say "building the app (the first build takes several minutes)"
cargo build --locked -p baton-app
say "opening Baton"
exec target/debug/baton-app "$@"
