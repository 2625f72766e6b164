#!/usr/bin/env bash
# Start a throwaway authgent-server (PyPI authgent-server==0.3.4, an independent
# RFC 8693 implementation) on 127.0.0.1 for interop tests.
#
# Usage: tests/interop/authgent/start.sh
#
# On success prints exactly ONE line of JSON on stdout (see NOTES.md), e.g.
#   {"server":"authgent-server","version":"0.3.4","pid":123,"pid_file":"...",
#    "run_dir":"...","log_file":"...","base_url":"http://127.0.0.1:PORT",
#    "issuer":"http://127.0.0.1:PORT","token_endpoint":"http://127.0.0.1:PORT/token",
#    "jwks_uri":".../.well-known/jwks.json", ...,
#    "clients":{"agent_a":{"client_id":"agnt_...","client_secret":"sec_...",
#               "sub":"client:agnt_...","scope":"read write","grant_types":[...]}, ...}}
# and exits 0, leaving the server running. Stop it with stop.sh PID (or kill PID).
# Everything else goes to stderr or to log files.
#
# Environment:
#   BATON_INTEROP_DIR                 state root (default: <repo>/target/interop);
#                                     venv in $BATON_INTEROP_DIR/authgent/venv,
#                                     each server in $BATON_INTEROP_DIR/authgent/runs/run.XXXXXX
#   BATON_PYTHON                      python (>= 3.11) used to create the venv
#   BATON_AUTHGENT_STARTUP_TIMEOUT    seconds to wait for discovery (default 60)
#   BATON_AUTHGENT_OWNER_PID          server stops itself when this pid exits
#                                     (default: the caller of start.sh, $PPID; 0 = never)
#   BATON_AUTHGENT_MAX_SECONDS        server stops itself after this many seconds
#                                     (default 1800; 0 = never)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/../../.." && pwd)
AUTHGENT_VERSION=0.3.4
REQ=$HERE/requirements.txt
STARTUP_TIMEOUT=${BATON_AUTHGENT_STARTUP_TIMEOUT:-60}
OWNER_PID=${BATON_AUTHGENT_OWNER_PID:-$PPID}
MAX_SECONDS=${BATON_AUTHGENT_MAX_SECONDS:-1800}

die() {
    echo "authgent start.sh: $*" >&2
    exit 1
}

INTEROP_DIR=${BATON_INTEROP_DIR:-$REPO_ROOT/target/interop}
case $INTEROP_DIR in
    /*) ;;
    *) INTEROP_DIR=$REPO_ROOT/$INTEROP_DIR ;;
esac
ROOT=$INTEROP_DIR/authgent
VENV=$ROOT/venv
mkdir -p "$ROOT/runs"

find_python() {
    local cand
    for cand in ${BATON_PYTHON:-} python3 python3.13 python3.12 python3.11; do
        [[ -n $cand ]] || continue
        command -v "$cand" >/dev/null 2>&1 || continue
        if "$cand" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            echo "$cand"
            return 0
        fi
    done
    return 1
}

installed_ok() {
    [[ -x $VENV/bin/python ]] || return 1
    [[ -f $VENV/.baton-requirements.sha256 ]] || return 1
    [[ $(cat "$VENV/.baton-requirements.sha256") == "$REQ_SUM" ]] || return 1
    "$VENV/bin/python" - "$AUTHGENT_VERSION" <<'EOF' >/dev/null 2>&1
import sys
from importlib.metadata import version
import authgent_server.app  # noqa: F401  (import check: the install is usable)
sys.exit(version("authgent-server") != sys.argv[1])
EOF
}

# ── Install (once; serialized between concurrent callers) ─────────────────
REQ_SUM=$(sha256sum "$REQ" | cut -d' ' -f1)
exec 9>"$ROOT/install.lock"
flock -w 900 9 || die "timed out waiting for $ROOT/install.lock"
if installed_ok; then
    echo "authgent start.sh: authgent-server $AUTHGENT_VERSION already installed in $VENV" >&2
else
    PY=$(find_python) || die "need python >= 3.11 with venv (set BATON_PYTHON)"
    INSTALL_LOG=$ROOT/install.log
    echo "authgent start.sh: installing authgent-server $AUTHGENT_VERSION into $VENV (log: $INSTALL_LOG)" >&2
    rm -rf "$VENV"
    {
        "$PY" -m venv "$VENV" &&
            "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input \
                --only-binary=:all: -r "$REQ"
    } >"$INSTALL_LOG" 2>&1 || {
        echo "authgent start.sh: install failed; tail of $INSTALL_LOG:" >&2
        tail -n 30 "$INSTALL_LOG" >&2 || true
        exit 1
    }
    echo "$REQ_SUM" >"$VENV/.baton-requirements.sha256"
    installed_ok || die "install finished but authgent-server $AUTHGENT_VERSION is not importable"
fi
exec 9>&-   # release the lock; the server must not inherit it

# ── Start ─────────────────────────────────────────────────────────────────
RUN_DIR=$(mktemp -d "$ROOT/runs/run.XXXXXX")
LOG=$RUN_DIR/server.log
PID_FILE=$RUN_DIR/server.pid
SECRET_KEY=$("$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(32))')

free_port() {
    "$VENV/bin/python" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

fail_with_log() {
    echo "authgent start.sh: $1" >&2
    echo "authgent start.sh: server log: $LOG" >&2
    echo "----- tail of $LOG -----" >&2
    tail -n 40 "$LOG" >&2 || true
    echo "------------------------" >&2
    exit 1
}

for attempt in 1 2 3; do
    PORT=$(free_port)
    BASE_URL=http://127.0.0.1:$PORT
    echo "=== start attempt $attempt on $BASE_URL ($(date -u +%FT%TZ))" >>"$LOG"
    (
        cd "$RUN_DIR" # authgent reads ./.env from the cwd: there is none here
        # Drop inherited settings that authgent would pick up.
        for v in $(compgen -e); do
            case $v in AUTHGENT_* | REDIS_URL) unset "$v" ;; esac
        done
        export AUTHGENT_SECRET_KEY=$SECRET_KEY
        export AUTHGENT_DATABASE_URL=sqlite+aiosqlite:///$RUN_DIR/authgent.db
        export AUTHGENT_SERVER_URL=$BASE_URL # issuer; no trailing slash (it is used verbatim as iss)
        export AUTHGENT_HOST=127.0.0.1
        export AUTHGENT_PORT=$PORT
        export AUTHGENT_REGISTRATION_POLICY=open
        export AUTHGENT_CONSENT_MODE=auto_approve
        export AUTHGENT_TOKEN_RATE_LIMIT=100000 # default 100/min/IP on /token,/register
        export BATON_AUTHGENT_OWNER_PID=$OWNER_PID
        export BATON_AUTHGENT_MAX_SECONDS=$MAX_SECONDS
        exec "$VENV/bin/python" "$HERE/serve.py" "$PORT"
    ) </dev/null >>"$LOG" 2>&1 &
    PID=$!
    echo "$PID" >"$PID_FILE"

    set +e
    INFO=$("$VENV/bin/python" "$HERE/bootstrap.py" "$PID" "$BASE_URL" "$STARTUP_TIMEOUT" \
        "$RUN_DIR" "$LOG" "$PID_FILE" 2>>"$LOG")
    rc=$?
    set -e
    if [[ $rc -eq 0 ]]; then
        printf '%s\n' "$INFO"
        exit 0
    fi
    if [[ $rc -eq 2 ]] && grep -qi 'address already in use' "$LOG"; then
        echo "authgent start.sh: port $PORT was taken, retrying" >&2
        continue
    fi
    kill "$PID" 2>/dev/null || true
    case $rc in
        2) fail_with_log "authgent-server exited during startup" ;;
        3) fail_with_log "authgent-server did not answer discovery within ${STARTUP_TIMEOUT}s" ;;
        *) fail_with_log "client registration failed (bootstrap exit $rc)" ;;
    esac
done
fail_with_log "could not bind a free port after 3 attempts"
