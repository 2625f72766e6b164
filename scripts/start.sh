#!/usr/bin/env bash
# Builds Baton and starts it with the lab token service: a walk through delegation, impersonation
# and a refusal, then the lab keeps running for your own exchanges until Ctrl-C.
# (Until the desktop app lands this is the headless `baton demo`.)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_rust
say "building baton (the first build takes a few minutes)"
cargo build --locked -p baton-cli --bin baton
exec target/debug/baton demo "$@"
