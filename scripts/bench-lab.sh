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
CONNECTIONS=8
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
PID=
cleanup() {
  [ -n "$PID" ] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT
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

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }

bench() {
  local mode=$1; shift
  local port url
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  url="http://127.0.0.1:$port"
  "$BIN" sts --port "$port" "$@" > "$WORK/lab.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "$url/.well-known/oauth-authorization-server" && break
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/lab.log" >&2; return 1; }
    sleep 0.1
  done
  token() { curl -fs -u "$1" -d "$2" "$url/token" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'; }
  local subject actor
  subject=$(token web-app:web-app-secret "grant_type=password&username=bob&password=bob-password&audience=planner-agent&scope=trips:plan+flights:book+payments:charge")
  actor=$(token planner-agent:planner-agent-secret "grant_type=client_credentials")
  local body="grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=$subject&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&actor_token=$actor&actor_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&audience=flight-agent&scope=flights%3Abook"
  # One exchange by hand first: the benchmark measures exchanges that succeed.
  curl -fs -u planner-agent:planner-agent-secret -d "$body" "$url/token" > "$WORK/one.json" ||
    { echo "the exchange was refused:" >&2; curl -s -u planner-agent:planner-agent-secret -d "$body" "$url/token" >&2; return 1; }
  cat > "$WORK/exchange.lua" <<LUA
wrk.method = "POST"
wrk.body = "$body"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(printf 'planner-agent:planner-agent-secret' | base64 -w0)"
LUA
  # A short warm-up, then the measured run.
  wrk -t2 -c$CONNECTIONS -d2s -s "$WORK/exchange.lua" "$url/token" > /dev/null
  local before after
  before=$(cpu_ticks)
  wrk -t2 -c$CONNECTIONS -d"${DURATION}s" -s "$WORK/exchange.lua" "$url/token" > "$WORK/wrk.txt"
  after=$(cpu_ticks)
  if grep -q "Non-2xx" "$WORK/wrk.txt"; then
    cat "$WORK/wrk.txt" >&2
    die "some exchanges were refused during the run"
  fi
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
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
}

bench "fresh keys" 
usage=$("$BIN" --help 2>&1 || true)
if [[ $usage == *--deterministic* ]]; then
  bench "deterministic" --deterministic
else
  echo "(this lab build has no --deterministic: only fresh keys measured)"
fi
