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
. scripts/bench-lib.sh
trap 'stop_lab; rm -rf "$WORK"' EXIT

start_lab "$LAB"
URL=$LAB_URL
prepare_exchange
echo "lab: $LAB"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
wrk_warm_up
wrk_exchanges 10 "$WORK/wrk.txt"
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
