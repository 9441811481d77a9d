#!/usr/bin/env python3
"""Send one signed event to OPCC Calls (screen pop). Python 3 standard library only, so a phone
system's server can run it as it is: Asterisk's dialplan calls it (asterisk/extensions.conf).

    send_event.py EVENT CALL_ID CALLER_NUMBER EXTENSION

EVENT is ringing, answered or ended; CALLER_NUMBER may be empty or 'anonymous' when withheld.
Set OPCC_CALLS_URL (for example https://calls.opcc.example) and TELEPHONY_WEBHOOK_SECRET.
Exits 0 when OPCC Calls took the event (202), 1 otherwise; never waits more than 5 seconds.
"""

import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone


def main(argv: list[str]) -> int:
    if len(argv) != 5 or argv[1] not in ("ringing", "answered", "ended"):
        print(__doc__, file=sys.stderr)
        return 2
    event, call_id, number, extension = argv[1:]
    body = json.dumps(
        {
            "event": event,
            "call_id": call_id,
            "caller_number": number,
            "extension": extension,
            # timezone.utc, not UTC: phone systems' servers may run a Python older than 3.11.
            "at": datetime.now(timezone.utc).astimezone().isoformat(),  # noqa: UP017
        }
    ).encode()
    secret = os.environ["TELEPHONY_WEBHOOK_SECRET"].encode()
    stamp = str(int(time.time()))
    signature = hmac.new(secret, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        os.environ.get("OPCC_CALLS_URL", "http://127.0.0.1:8000").rstrip("/")
        + "/telephony/events/",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Telephony-Timestamp": stamp,
            "X-Telephony-Signature": f"sha256={signature}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            print(response.status, response.read().decode())
            return 0 if response.status == 202 else 1
    except urllib.error.HTTPError as error:
        print(error.code, error.read().decode(), file=sys.stderr)
    except OSError as error:
        print(f"OPCC Calls could not be reached: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
