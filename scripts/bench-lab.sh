#!/usr/bin/env bash
# Load benchmark of the lab token service (figures for docs/performance.md; not a test).
#
# For each of the lab's two modes (fresh keys, ECDSA with random nonces; deterministic, RFC 6979
# nonces) it starts the lab on a free loopback port, gets bob's token (password grant) and the
# planner agent's (client credentials), and has wrk send the delegation exchange of the demo's
# first hop (planner-agent acts for bob, audience flight-agent) over 8 connections for SECONDS.
# It prints requests/s and the CPU time the lab spent per exchange (from /proc), beside the cost
# of that exchange's cryptography (two ES256 verifications and one signature) measured in the
# same run: by `openssl speed` on one core, and with the lab's own key and backend.
#
# Usage: scripts/bench-lab.sh [LAB_BINARY] [SECONDS]
#   LAB_BINARY takes `sts --port N [--deterministic]`: by default the baton-sts example, built
#     here with cargo build --release -p baton-sts --example lab. Give an older build's binary
#     for a baseline (without --deterministic support, only the first mode is measured).
# Needs wrk, curl, python3 and openssl (installed with apt when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

BIN=${1:-}
DURATION=${2:-10}
command -v wrk >/dev/null 2>&1 || apt_install wrk
command -v curl >/dev/null 2>&1 || apt_install curl
command -v openssl >/dev/null 2>&1 || apt_install openssl
command -v python3 >/dev/null 2>&1 || die "python3 is needed"
if [ -z "$BIN" ]; then
  need_rust
  say "building the lab (release)"
  cargo build --locked --release -p baton-sts --example lab --quiet
  BIN=${CARGO_TARGET_DIR:-target}/release/examples/lab
fi
[ -x "$BIN" ] || die "$BIN is not an executable"

WORK=$(mktemp -d)
. scripts/bench-lib.sh
trap 'stop_lab; rm -rf "$WORK"' EXIT
TICKS=$(getconf CLK_TCK)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "lab: $BIN"

# ES256 on one core, as OpenSSL does it: signatures and verifications per second.
openssl speed -seconds 3 ecdsap256 > "$WORK/speed.txt" 2>/dev/null
read -r SIGNS VERIFIES < <(awk '/256 bits ecdsa \(nistp256\)/ { print $(NF-1), $NF }' "$WORK/speed.txt")
CRYPTO_US=$(python3 -c "print(f'{(2 / $VERIFIES + 1 / $SIGNS) * 1e6:.1f}')")
echo "openssl speed, one core: ES256 $SIGNS signs/s, $VERIFIES verifies/s: 2 verifications + 1 signature = $CRYPTO_US us"
if "$BIN" --crypto-cost > "$WORK/cost.txt" 2>/dev/null; then
  sed 's/^/the lab'"'"'s own backend, one core: /' "$WORK/cost.txt"
fi

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$LAB_PID/stat"; }

bench() {
  local mode=$1; shift
  start_lab "$BIN" "$@"
  prepare_exchange
  wrk_warm_up
  local before after
  before=$(cpu_ticks)
  wrk_exchanges "$DURATION" "$WORK/wrk.txt"
  after=$(cpu_ticks)
  local requests rate
  requests=$(awk '/requests in/ { print $1 }' "$WORK/wrk.txt")
  rate=$(awk '/Requests\/sec/ { print $2 }' "$WORK/wrk.txt")
  python3 - "$mode" "$requests" "$rate" "$before" "$after" "$TICKS" "$CRYPTO_US" <<'PY'
import sys
mode, requests, rate, before, after, ticks, crypto = sys.argv[1:]
cpu_us = (int(after) - int(before)) / int(ticks) / int(requests) * 1e6
print(f"lab, {mode}: {float(rate):,.0f} exchanges/s at 8 connections; "
      f"{cpu_us:.0f} us CPU per exchange = {cpu_us / float(crypto):.1f}x the crypto cost (openssl)")
PY
  stop_lab
}

bench "fresh keys" 
usage=$("$BIN" --help 2>&1 || true)
if [[ $usage == *--deterministic* ]]; then
  bench "deterministic" --deterministic
else
  echo "(this lab build has no --deterministic: only fresh keys measured)"
fi
