#!/usr/bin/env bash
# Re-create the curl transcript recorded in NOTES.md: starts a server with
# start.sh, runs every request shown there against it, prints Markdown on
# stdout, stops the server. Needs curl and jq. Manual tool, not used by tests.
#
# Usage: tests/interop/authgent/transcript.sh > /tmp/transcript.md
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
INFO=$(BATON_AUTHGENT_OWNER_PID=$$ "$HERE/start.sh")
PID=$(jq -r .pid <<<"$INFO")
trap '"$HERE/stop.sh" "$PID" >/dev/null 2>&1 || true' EXIT

B=$(jq -r .base_url <<<"$INFO")
cid() { jq -r ".clients.$1.client_id" <<<"$INFO"; }
sec() { jq -r ".clients.$1.client_secret" <<<"$INFO"; }
A_ID=$(cid agent_a) A_SEC=$(sec agent_a)
B_ID=$(cid agent_b) B_SEC=$(sec agent_b)
C_ID=$(cid agent_c) C_SEC=$(sec agent_c)
CC_ID=$(cid cc_only) CC_SEC=$(sec cc_only)
TE=urn:ietf:params:oauth:grant-type:token-exchange
AT=urn:ietf:params:oauth:token-type:access_token

LAST_BODY=
# req TITLE curl-args... : print the command and the full response (status, headers, body)
req() {
    local title=$1
    shift
    printf '\n#### %s\n\n```console\n$ curl -sS -i' "$title"
    printf ' %q' "$@"
    printf '\n'
    local out
    out=$(curl -sS -i "$@" | tr -d '\r')
    printf '%s\n```\n' "$out"
    LAST_BODY=$(sed -n '/^$/,$p' <<<"$out" | sed 1d)
}

# decode JWT header + claims of the access_token in LAST_BODY
decode() {
    local tok
    tok=$(jq -r .access_token <<<"$LAST_BODY")
    printf '\nDecoded `access_token`:\n\n```json\n'
    for part in 1 2; do
        local seg
        seg=$(cut -d. -f"$part" <<<"$tok" | tr '_-' '/+')
        while (( ${#seg} % 4 )); do seg+='='; done
        base64 -d <<<"$seg" | jq -c .
    done
    printf '```\n'
}

echo "Server: $(jq -c '{server,version,base_url,issuer}' <<<"$INFO")"
echo
echo "Clients: agent_a=$A_ID agent_b=$B_ID agent_c=$C_ID cc_only=$CC_ID"

echo; echo '### Discovery and keys'
req "Authorization server metadata" "$B/.well-known/oauth-authorization-server"
req "JWKS" "$B/.well-known/jwks.json"
req "Dynamic client registration (RFC 7591), as start.sh does it" -X POST "$B/register" \
    -H 'Content-Type: application/json' \
    -d '{"client_name":"example","grant_types":["client_credentials","urn:ietf:params:oauth:grant-type:token-exchange"],"scope":"read write"}'

echo; echo '### Successful flows'
req "client_credentials for agent_a (client_secret_basic)" "$B/token" -u "$A_ID:$A_SEC" \
    -d grant_type=client_credentials -d scope=read
decode
TA=$(jq -r .access_token <<<"$LAST_BODY")
req "client_credentials for agent_b (client_secret_post)" "$B/token" \
    -d grant_type=client_credentials -d "client_id=$B_ID" -d "client_secret=$B_SEC"
TB=$(jq -r .access_token <<<"$LAST_BODY")
req "Delegation: agent_b exchanges agent_a's token, actor_token = agent_b's token" "$B/token" \
    -u "$B_ID:$B_SEC" -d "grant_type=$TE" -d "subject_token=$TA" -d "subject_token_type=$AT" \
    -d "actor_token=$TB" -d "actor_token_type=$AT" -d audience=https://api.example -d scope=read
decode
TAB=$(jq -r .access_token <<<"$LAST_BODY")
req "2-hop: agent_c exchanges the delegated token (no actor_token)" "$B/token" \
    -u "$C_ID:$C_SEC" -d "grant_type=$TE" -d "subject_token=$TAB" -d "subject_token_type=$AT" \
    -d audience=https://api2.example -d scope=read
decode
TABC=$(jq -r .access_token <<<"$LAST_BODY")
req "Introspection of the 2-hop token, no client authentication at all" "$B/introspect" \
    -d "token=$TABC"
req "requested_token_type=jwt (identity-chaining grant)" "$B/token" -u "$B_ID:$B_SEC" \
    -d "grant_type=$TE" -d "subject_token=$TA" -d "subject_token_type=$AT" \
    -d audience=https://as.other.example -d requested_token_type=urn:ietf:params:oauth:token-type:jwt
decode
req "requested_token_type=id_token (not supported) is ignored" "$B/token" -u "$B_ID:$B_SEC" \
    -d "grant_type=$TE" -d "subject_token=$TA" -d "subject_token_type=$AT" \
    -d audience=https://api.example -d scope=read -d requested_token_type=urn:ietf:params:oauth:token-type:id_token

echo; echo '### Errors and lenient acceptance'
req "Invalid subject_token" "$B/token" -u "$B_ID:$B_SEC" -d "grant_type=$TE" \
    -d subject_token=not.a.jwt -d "subject_token_type=$AT" -d audience=https://api.example
req "Unknown client (client_secret_basic)" "$B/token" -u nope:nope -d grant_type=client_credentials
req "Wrong client_secret (client_secret_post)" "$B/token" -d grant_type=client_credentials \
    -d "client_id=$A_ID" -d client_secret=wrong
req "Confidential client sends client_id only, no secret" "$B/token" \
    -d grant_type=client_credentials -d "client_id=$A_ID"
req "Token exchange as agent_b with client_id only, no secret" "$B/token" -d "grant_type=$TE" \
    -d "client_id=$B_ID" -d "subject_token=$TA" -d "subject_token_type=$AT" -d audience=https://api.example -d scope=read
decode
req "Garbage actor_token without actor_token_type" "$B/token" -u "$B_ID:$B_SEC" -d "grant_type=$TE" \
    -d "subject_token=$TA" -d "subject_token_type=$AT" -d actor_token=garbage -d audience=https://api.example -d scope=read
decode
req "subject_token_type missing" "$B/token" -u "$B_ID:$B_SEC" -d "grant_type=$TE" \
    -d "subject_token=$TA" -d audience=https://api.example -d scope=read
req "Neither audience nor resource" "$B/token" -u "$B_ID:$B_SEC" -d "grant_type=$TE" \
    -d "subject_token=$TA" -d "subject_token_type=$AT" -d scope=read
req "Unsupported subject_token_type (jwt)" "$B/token" -u "$B_ID:$B_SEC" -d "grant_type=$TE" \
    -d "subject_token=$TA" -d "subject_token_type=urn:ietf:params:oauth:token-type:jwt" -d audience=https://api.example
req "Scope wider than the subject token's (subject has read, asks write)" "$B/token" -u "$B_ID:$B_SEC" \
    -d "grant_type=$TE" -d "subject_token=$TA" -d "subject_token_type=$AT" -d audience=https://api.example -d scope=write
req "No scope parameter: the actor client's registered scope (read write) is used and exceeds the subject's (read)" \
    "$B/token" -u "$B_ID:$B_SEC" -d "grant_type=$TE" -d "subject_token=$TA" -d "subject_token_type=$AT" -d audience=https://api.example
req "Scope not in client registration (client_credentials)" "$B/token" -u "$B_ID:$B_SEC" \
    -d grant_type=client_credentials -d scope=admin
req "Client not registered for token exchange (cc_only)" "$B/token" -u "$CC_ID:$CC_SEC" -d "grant_type=$TE" \
    -d "subject_token=$TA" -d "subject_token_type=$AT" -d audience=https://api.example -d scope=read
req "Unknown grant_type" "$B/token" -u "$B_ID:$B_SEC" -d grant_type=password -d username=u -d password=p
req "JSON body instead of form" "$B/token" -u "$B_ID:$B_SEC" -H 'Content-Type: application/json' \
    -d '{"grant_type":"client_credentials"}'
req "Revoke agent_a's token (RFC 7009)" "$B/revoke" -u "$A_ID:$A_SEC" -d "token=$TA"
req "Exchange the revoked token" "$B/token" -u "$B_ID:$B_SEC" -d "grant_type=$TE" \
    -d "subject_token=$TA" -d "subject_token_type=$AT" -d audience=https://api.example -d scope=read

# Delegation depth: keep exchanging (B, C alternating) until refused; default max depth 5.
T=$(curl -sS "$B/token" -u "$A_ID:$A_SEC" -d grant_type=client_credentials -d scope=read | jq -r .access_token)
for i in 1 2 3 4 5; do
    if (( i % 2 )); then u="$B_ID:$B_SEC"; else u="$C_ID:$C_SEC"; fi
    T=$(curl -sS "$B/token" -u "$u" -d "grant_type=$TE" -d "subject_token=$T" -d "subject_token_type=$AT" \
        -d audience=https://api.example -d scope=read | jq -r .access_token)
done
echo; echo "(5 successive exchanges done: the subject token below has a 5-deep act chain)"
req "6th hop: delegation depth exceeded" "$B/token" -u "$B_ID:$B_SEC" -d "grant_type=$TE" \
    -d "subject_token=$T" -d "subject_token_type=$AT" -d audience=https://api.example -d scope=read
