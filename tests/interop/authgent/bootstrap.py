"""Wait for a freshly started authgent-server, register the interop clients,
print one JSON line describing the server on stdout.

Usage: bootstrap.py PID BASE_URL TIMEOUT_SECONDS RUN_DIR LOG_FILE PID_FILE
Exit codes: 0 ok, 2 the server process died, 3 timeout, 4 registration failed.
Only the standard library is used.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"

# name -> registration request (RFC 7591 body accepted by POST /register)
CLIENTS = {
    # Three agents that may both get tokens and exchange them: A gets the
    # subject token, B exchanges it (act: B), C exchanges B's result
    # (act: C -> B), giving a 2-hop nested act chain.
    "agent_a": {"grant_types": ["client_credentials", TOKEN_EXCHANGE], "scope": "read write"},
    "agent_b": {"grant_types": ["client_credentials", TOKEN_EXCHANGE], "scope": "read write"},
    "agent_c": {"grant_types": ["client_credentials", TOKEN_EXCHANGE], "scope": "read write"},
    # Not allowed to use token exchange: provokes the "grant not allowed" error.
    "cc_only": {"grant_types": ["client_credentials"], "scope": "read write"},
}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return json.loads(resp.read())


def _post_json(url: str, body: dict) -> dict:
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def main() -> int:
    pid = int(sys.argv[1])
    base_url = sys.argv[2].rstrip("/")
    timeout = float(sys.argv[3])
    run_dir, log_file, pid_file = sys.argv[4], sys.argv[5], sys.argv[6]
    metadata_url = f"{base_url}/.well-known/oauth-authorization-server"

    deadline = time.monotonic() + timeout
    metadata = None
    while metadata is None:
        if not _alive(pid):
            print(f"authgent-server (pid {pid}) exited during startup", file=sys.stderr)
            return 2
        try:
            metadata = _get_json(metadata_url)
        except (OSError, ValueError):
            if time.monotonic() > deadline:
                print(f"no answer from {metadata_url} within {timeout:.0f}s", file=sys.stderr)
                return 3
            time.sleep(0.2)

    clients = {}
    for name, reg in CLIENTS.items():
        try:
            resp = _post_json(metadata["registration_endpoint"], {"client_name": name, **reg})
        except (OSError, ValueError) as e:
            detail = e.read().decode(errors="replace") if isinstance(e, urllib.error.HTTPError) else ""
            print(f"registering client {name} failed: {e} {detail}", file=sys.stderr)
            return 4
        clients[name] = {
            "client_id": resp["client_id"],
            "client_secret": resp["client_secret"],
            # authgent puts "client:<client_id>" in sub / act.sub for this client
            "sub": f"client:{resp['client_id']}",
            "scope": resp["scope"],
            "grant_types": resp["grant_types"],
        }

    info = {
        "server": "authgent-server",
        "version": "0.3.4",
        "pid": pid,
        "pid_file": pid_file,
        "run_dir": run_dir,
        "log_file": log_file,
        "base_url": base_url,
        "metadata_url": metadata_url,
        "issuer": metadata["issuer"],
        "token_endpoint": metadata["token_endpoint"],
        "jwks_uri": metadata["jwks_uri"],
        "introspection_endpoint": metadata["introspection_endpoint"],
        "revocation_endpoint": metadata["revocation_endpoint"],
        "registration_endpoint": metadata["registration_endpoint"],
        "token_endpoint_auth_methods_supported": metadata["token_endpoint_auth_methods_supported"],
        "grant_types_supported": metadata["grant_types_supported"],
        "signing_alg": "ES256",
        "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
        "clients": clients,
    }
    sys.stdout.write(json.dumps(info, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
