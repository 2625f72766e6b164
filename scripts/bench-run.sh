#!/usr/bin/env bash
# How fast `baton run --jobs N` drives the lab, against the lab's own rate (figures for
# docs/performance.md; not a test).
#
# Starts the lab (release build of the baton-sts example, fresh keys) on a free loopback port,
# measures its rate with wrk (the delegation exchange of scripts/bench-lab.sh, 8 connections),
# then runs a generated collection of SCENARIOS one-exchange scenarios (the same exchange) with
# `baton run --jobs N` for each N given, and prints exchanges/s and the share of wrk's rate.
#
# Usage: scripts/bench-run.sh [SCENARIOS] [JOBS...]      default: 1000 scenarios, jobs 1 8
#   LAB_BINARY=PATH runs another lab build (e.g. an older one) instead of this tree's.
# Needs wrk, curl and python3 (apt installs wrk when missing). Builds in release.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

SCENARIOS=${1:-1000}
shift || true
JOBS=("$@")
[ ${#JOBS[@]} -gt 0 ] || JOBS=(1 8)
command -v wrk >/dev/null 2>&1 || apt_install wrk
need_rust
say "building the lab and baton (release)"
cargo build --locked --release -p baton-sts --example lab --quiet
cargo build --locked --release -p baton-cli --bin baton --quiet
TARGET=${CARGO_TARGET_DIR:-target}
LAB=${LAB_BINARY:-$TARGET/release/examples/lab}
BATON=$TARGET/release/baton

WORK=$(mktemp -d)
PID=
cleanup() {
  [ -n "$PID" ] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
"$LAB" sts --port "$PORT" > "$WORK/lab.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "$URL/.well-known/oauth-authorization-server" && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/lab.log" >&2; die "the lab did not start"; }
  sleep 0.1
done
token() { curl -fs -u "$1" -d "$2" "$URL/token" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'; }
SUBJECT=$(token web-app:web-app-secret "grant_type=password&username=bob&password=bob-password&audience=planner-agent&scope=trips:plan+flights:book+payments:charge")
ACTOR=$(token planner-agent:planner-agent-secret "grant_type=client_credentials")

echo "lab: $LAB"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
BODY="grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=$SUBJECT&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&actor_token=$ACTOR&actor_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&audience=flight-agent&scope=flights%3Abook"
cat > "$WORK/exchange.lua" <<LUA
wrk.method = "POST"
wrk.body = "$BODY"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(printf 'planner-agent:planner-agent-secret' | base64 -w0)"
LUA
wrk -t2 -c8 -d2s -s "$WORK/exchange.lua" "$URL/token" > /dev/null
wrk -t2 -c8 -d10s -s "$WORK/exchange.lua" "$URL/token" > "$WORK/wrk.txt"
grep -q "Non-2xx" "$WORK/wrk.txt" && { cat "$WORK/wrk.txt" >&2; die "wrk's exchanges were refused"; }
LAB_RATE=$(awk '/Requests\/sec/ { print $2 }' "$WORK/wrk.txt")
printf 'the lab under wrk (8 connections): %.0f exchanges/s\n' "$LAB_RATE"

# The collection: one server, one client, SCENARIOS scenarios of one exchange each.
python3 - "$SCENARIOS" > "$WORK/bench.baton.toml" <<'PY'
import sys
n = int(sys.argv[1])
print('''format = 1
name = "Bench"

[[servers]]
id = "lab"
name = "lab"
issuer = "{{env.lab}}"
token_endpoint = "{{env.lab}}/token"
jwks_uri = "{{env.lab}}/jwks"

[[clients]]
id = "planner-agent"
server = "lab"
client_id = "planner-agent"
auth = "client_secret_basic"
secret = "{{secret.planner-agent}}"
''')
for i in range(1, n + 1):
    print(f'''[[scenarios]]
id = "x{i:04}"
name = "exchange {i}"

[[scenarios.steps]]
id = "hop"
name = "planner acts for bob"

[scenarios.steps.exchange]
client = "planner-agent"
subject_token = "{{{{env.subject}}}}"
subject_token_type = "access_token"
actor_token = "{{{{env.actor}}}}"
actor_token_type = "access_token"
audience = ["flight-agent"]
scope = "flights:book"
''')
PY

for jobs in "${JOBS[@]}"; do
  start=$(date +%s.%N)
  BATON_STORE=$WORK/none.sqlite BATON_SECRET_PLANNER_AGENT=planner-agent-secret \
    "$BATON" run "$WORK/bench.baton.toml" --jobs "$jobs" --var "lab=$URL" \
    --var "subject=$SUBJECT" --var "actor=$ACTOR" > "$WORK/run.txt" 2> "$WORK/run.err" ||
    { tail -20 "$WORK/run.txt" "$WORK/run.err" >&2; die "baton run failed"; }
  end=$(date +%s.%N)
  python3 - "$jobs" "$SCENARIOS" "$start" "$end" "$LAB_RATE" "$(tail -1 "$WORK/run.txt")" <<'PY'
import sys
jobs, n, start, end, lab, last = sys.argv[1:]
rate = int(n) / (float(end) - float(start))
print(f"baton run --jobs {jobs}: {n} scenarios in {float(end) - float(start):.2f} s = {rate:,.0f} exchanges/s "
      f"= {rate / float(lab):.0%} of the lab's rate ({last.strip()})")
PY
done
