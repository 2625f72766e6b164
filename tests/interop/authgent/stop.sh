#!/usr/bin/env bash
# Stop an authgent-server started by start.sh.
#
# Usage: tests/interop/authgent/stop.sh PID|PID_FILE|RUN_DIR
#
# Sends SIGTERM (uvicorn shuts down cleanly), waits up to 10 s, then SIGKILL.
# Refuses to signal a pid that is not an authgent serve.py process (pid reuse).
# Exits 0 if the server is (now) not running.
set -euo pipefail

[[ $# -eq 1 ]] || {
    echo "usage: $0 PID|PID_FILE|RUN_DIR" >&2
    exit 2
}
arg=$1
if [[ -d $arg ]]; then
    arg=$arg/server.pid
fi
if [[ -f $arg ]]; then
    pid=$(cat "$arg")
else
    pid=$arg
fi
[[ $pid =~ ^[0-9]+$ ]] || {
    echo "stop.sh: not a pid: $pid" >&2
    exit 2
}

# Running = exists and is not a zombie (an exited server whose parent, start.sh,
# is gone may linger as a zombie until init reaps it).
running() {
    kill -0 "$pid" 2>/dev/null || return 1
    local state
    state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [[ -n $state && $state != Z && $state != X ]]
}

running || exit 0
cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
case $cmdline in
    *interop/authgent/serve.py*) ;;
    *)
        echo "stop.sh: pid $pid is not an authgent interop server ($cmdline); not killing it" >&2
        exit 1
        ;;
esac

kill -TERM "$pid" 2>/dev/null || exit 0
for _ in $(seq 1 100); do
    running || exit 0
    sleep 0.1
done
echo "stop.sh: pid $pid ignored SIGTERM for 10 s; sending SIGKILL" >&2
kill -KILL "$pid" 2>/dev/null || true
exit 0
