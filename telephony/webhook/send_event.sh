#!/bin/sh
# Send one signed event to OPCC Calls with curl and openssl: the shape any phone system that
# can call a webhook (3CX, a Teams Phone connector, a cloud telephony flow) must send. Use it to
# check a set-up, or as the model for the phone system's own webhook settings.
#
#   OPCC_CALLS_URL=https://calls.opcc.example TELEPHONY_WEBHOOK_SECRET=... \
#     send_event.sh answered CALL_ID "01234 567890" 201
set -eu
event=$1 call_id=$2 number=$3 extension=$4
at=$(date +%Y-%m-%dT%H:%M:%S%z | sed 's/\(..\)$/:\1/')
body=$(printf '{"event": "%s", "call_id": "%s", "caller_number": "%s", "extension": "%s", "at": "%s"}' \
  "$event" "$call_id" "$number" "$extension" "$at")
stamp=$(date +%s)
signature=$(printf '%s.%s' "$stamp" "$body" \
  | openssl dgst -sha256 -hmac "$TELEPHONY_WEBHOOK_SECRET" -r | cut -d' ' -f1)
curl --silent --show-error --fail-with-body --max-time 5 \
  -H "Content-Type: application/json" \
  -H "X-Telephony-Timestamp: $stamp" \
  -H "X-Telephony-Signature: sha256=$signature" \
  --data "$body" "${OPCC_CALLS_URL:-http://127.0.0.1:8000}/telephony/events/"
echo
