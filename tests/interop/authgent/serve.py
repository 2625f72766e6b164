"""Run authgent-server under uvicorn on 127.0.0.1 with an owner watchdog.

Started by start.sh with the interop venv's python; all configuration comes
from AUTHGENT_* variables that start.sh sets. Usage: serve.py PORT

The watchdog stops the server (SIGTERM to itself, so uvicorn shuts down
cleanly) when either
  * the owner process (BATON_AUTHGENT_OWNER_PID, 0 = none) has exited, or
  * BATON_AUTHGENT_MAX_SECONDS (0 = unlimited) have passed,
so a test that dies before killing the server does not leave it running.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            # state is the field after the ")" that closes the command name
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (OSError, IndexError):
        return True


def _watchdog(owner: int, max_seconds: float) -> None:
    deadline = time.monotonic() + max_seconds if max_seconds > 0 else None
    while True:
        time.sleep(1.0)
        reason = None
        if owner > 0 and not _alive(owner):
            reason = f"owner process {owner} has exited"
        elif deadline is not None and time.monotonic() > deadline:
            reason = f"max lifetime of {max_seconds:.0f}s reached"
        if reason:
            print(f"serve.py watchdog: {reason}; stopping", file=sys.stderr, flush=True)
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(15)
            os._exit(1)


def main() -> None:
    port = int(sys.argv[1])
    owner = int(os.environ.get("BATON_AUTHGENT_OWNER_PID", "0") or 0)
    max_seconds = float(os.environ.get("BATON_AUTHGENT_MAX_SECONDS", "0") or 0)
    if owner > 0 or max_seconds > 0:
        threading.Thread(target=_watchdog, args=(owner, max_seconds), daemon=True).start()

    import uvicorn

    uvicorn.run(
        "authgent_server.app:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        log_level="info",
        timeout_graceful_shutdown=5,
    )


if __name__ == "__main__":
    main()
