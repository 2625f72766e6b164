#!/usr/bin/env bash
# Measures the lab token service's memory under abuse (figures for docs/performance.md, "The lab
# under abuse"; not a test). Starts the lab on a free loopback port and prints its resident memory
# (VmRSS, and the peak VmHWM) at start and after each of:
#   (a) SECONDS (default 60) of password grants at full speed (wrk, 2 threads, 32 connections);
#       every grant also issues a refresh token the lab keeps;
#   (b) 1,000 requests refused with a 2 MB (2,000,000-byte) client_id, one connection each;
#   (c) 1,000 requests refused with a 60 kB client_id (under the lab's 64 KiB body cap, so the
#       lab reads them and logs the refusal).
#
# Usage: scripts/measure-lab-memory.sh LAB_BINARY [SECONDS]
#   LAB_BINARY takes `sts --port N`: the `baton` CLI, or the baton-sts example built with
#     cargo build --release -p baton-sts --example lab      # target/release/examples/lab
#   Run it on two builds (e.g. before and after a change) to compare them.
# Needs wrk (apt-get install wrk), python3 and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

[ $# -ge 1 ] || die "usage: $0 LAB_BINARY [SECONDS]"
BIN=$1
DURATION=${2:-60}
[ -x "$BIN" ] || die "$BIN is not an executable"
command -v wrk >/dev/null 2>&1 || apt_install wrk
command -v python3 >/dev/null 2>&1 || die "python3 is needed"
command -v curl >/dev/null 2>&1 || die "curl is needed"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
WORK=$(mktemp -d)
"$BIN" sts --port "$PORT" >"$WORK/lab.log" 2>&1 &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fs -o /dev/null "$URL/.well-known/oauth-authorization-server" && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/lab.log" >&2; die "the lab did not start"; }
  sleep 0.1
done

mem() {
  awk -v what="$1" '/^VmRSS/ {rss = $2} /^VmHWM/ {hwm = $2}
    END {printf "%-44s RSS %8.1f MB   peak %8.1f MB\n", what, rss / 1024, hwm / 1024}' "/proc/$PID/status"
}

say "lab: $BIN (pid $PID) at $URL"
mem "at start"

say "(a) $DURATION s of password grants at full speed"
cat >"$WORK/password.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=password&username=alice&password=alice-password"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(printf 'web-app:web-app-secret' | base64)"
LUA
wrk -t2 -c32 -d"${DURATION}s" -s "$WORK/password.lua" "$URL/token" | grep -E 'Requests/sec|requests in|Non-2xx' || true
mem "after (a) password grants"

# One request per connection: a server may close a connection whose body it refused unread.
refuse() {
  python3 - "$PORT" "$1" "$2" <<'PY'
import http.client, sys
port, count, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
body = b"grant_type=client_credentials&client_secret=x&client_id=" + b"a" * size
seen = {}
for _ in range(count):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/token", body=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        answer = conn.getresponse()
        answer.read()
        key = answer.status
    except OSError as e:  # the lab closed the connection while the body was still being sent
        key = type(e).__name__
    finally:
        conn.close()
    seen[key] = seen.get(key, 0) + 1
print("  answers:", ", ".join(f"{k}: {v}" for k, v in sorted(seen.items(), key=str)))
PY
}

say "(b) 1,000 refused requests with a 2 MB client_id"
refuse 1000 2000000
mem "after (b) 1,000 x 2 MB client_id"

say "(c) 1,000 refused requests with a 60 kB client_id"
refuse 1000 60000
mem "after (c) 1,000 x 60 kB client_id"
