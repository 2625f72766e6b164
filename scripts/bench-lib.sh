# Shared by scripts/bench-lab.sh and scripts/bench-run.sh (sourced, after lib.sh, with WORK set
# to a scratch folder): the lab on a free loopback port, and the delegation exchange both send
# (the demo's first hop: planner-agent acts for bob, audience flight-agent).

LAB_PID=

# start_lab BINARY [ARGS…]: starts `BINARY sts --port N ARGS…` on a free loopback port and waits
# until it answers; sets LAB_PID and LAB_URL.
start_lab() {
  local bin=$1; shift
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  LAB_URL="http://127.0.0.1:$port"
  "$bin" sts --port "$port" "$@" > "$WORK/lab.log" 2>&1 &
  LAB_PID=$!
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "$LAB_URL/.well-known/oauth-authorization-server" && return 0
    kill -0 "$LAB_PID" 2>/dev/null || { cat "$WORK/lab.log" >&2; die "the lab did not start"; }
    sleep 0.1
  done
  die "the lab did not answer at $LAB_URL within 10 s"
}

stop_lab() {
  if [ -n "$LAB_PID" ]; then
    kill "$LAB_PID" 2>/dev/null || true
    wait "$LAB_PID" 2>/dev/null || true
    LAB_PID=
  fi
}

# prepare_exchange: gets bob's token (password grant) and the planner agent's (client
# credentials) from the lab, sends the exchange once by hand (so what is measured succeeds), and
# writes wrk's script for it to $WORK/exchange.lua. Sets SUBJECT and ACTOR.
prepare_exchange() {
  local token
  token() { curl -fs -u "$1" -d "$2" "$LAB_URL/token" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'; }
  SUBJECT=$(token web-app:web-app-secret "grant_type=password&username=bob&password=bob-password&audience=planner-agent&scope=trips:plan+flights:book+payments:charge")
  ACTOR=$(token planner-agent:planner-agent-secret "grant_type=client_credentials")
  local body="grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=$SUBJECT&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&actor_token=$ACTOR&actor_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&audience=flight-agent&scope=flights%3Abook"
  curl -fs -u planner-agent:planner-agent-secret -d "$body" "$LAB_URL/token" > /dev/null ||
    { echo "the exchange was refused:" >&2; curl -s -u planner-agent:planner-agent-secret -d "$body" "$LAB_URL/token" >&2; die "no exchange to measure"; }
  cat > "$WORK/exchange.lua" <<LUA
wrk.method = "POST"
wrk.body = "$body"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(printf 'planner-agent:planner-agent-secret' | base64 -w0)"
LUA
}

# wrk_warm_up: 2 s of exchanges, not measured.
wrk_warm_up() {
  wrk -t2 -c8 -d2s -s "$WORK/exchange.lua" "$LAB_URL/token" > /dev/null
}

# wrk_exchanges SECONDS OUT: SECONDS of exchanges over 8 connections, wrk's report in OUT;
# refused exchanges stop the script.
wrk_exchanges() {
  wrk -t2 -c8 -d"$1s" -s "$WORK/exchange.lua" "$LAB_URL/token" > "$2"
  if grep -q "Non-2xx" "$2"; then
    cat "$2" >&2
    die "some exchanges were refused during the run"
  fi
}
