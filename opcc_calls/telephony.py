"""The phone system's side of screen pop: how its events are signed, checked and read.

The contract (README, "Screen pop"): `POST /telephony/events/` with a JSON body
`{"event", "call_id", "caller_number", "extension", "at"}`, header `X-Telephony-Timestamp`
(Unix seconds) and header `X-Telephony-Signature: sha256=<hex HMAC-SHA256 of
"<timestamp>.<raw body>">` under TELEPHONY_WEBHOOK_SECRET. Nothing here knows about callers:
the command, the examples and the endpoint all sign and check with these functions.
"""

import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings

SIGNATURE_HEADER = "X-Telephony-Signature"
TIMESTAMP_HEADER = "X-Telephony-Timestamp"
EVENTS = ("ringing", "answered", "ended")
#: An event older than this (or this far in the future) is refused: a captured one cannot be
#: sent again later.
MAX_AGE_SECONDS = 5 * 60
#: The largest offset from UTC PostgreSQL keeps (Python reads up to a day).
LARGEST_OFFSET = timedelta(hours=15, minutes=59)
#: With DJANGO_DEBUG on and no secret set (make run), the secret is this, and make run says so.
DEMO_SECRET = "opcc-demo-telephony"
#: Served without DEBUG, events are refused unless the secret is at least this long.
MIN_SECRET_LENGTH = 32
#: No event is longer than this; anything longer is not one.
MAX_BODY_BYTES = 4096
WITHHELD = {"", "anonymous", "withheld", "private", "unknown", "restricted"}
TIMESTAMP = re.compile(r"[0-9]{1,12}")
#: No event's field holds a control character (NUL, which PostgreSQL refuses in text, among
#: them) or a bidirectional override.
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


class Refused(Exception):
    """An event the endpoint does not take: `outcome` is recorded, `status` answered."""

    def __init__(self, outcome: str, status: int, message: str) -> None:
        super().__init__(message)
        self.outcome, self.status, self.message = outcome, status, message


@dataclass(frozen=True)
class PhoneEvent:
    event: str
    call_id: str
    caller_number: str
    extension: str
    at: datetime

    @property
    def withheld(self) -> bool:
        return self.caller_number.strip().lower() in WITHHELD


def webhook_secret() -> str:
    """The secret events are signed with, or "" when events must be refused: none set, or
    (served without DEBUG) one too short to be safe."""
    secret = settings.TELEPHONY_WEBHOOK_SECRET
    if not settings.DEBUG and len(secret) < MIN_SECRET_LENGTH:
        return ""
    return secret


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """The headers that sign `body`: what a phone system (or the test command) sends."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: signature(secret, stamp, body),
    }


def verify(headers, body: bytes, secret: str, *, now: float | None = None) -> None:
    """Raise Refused unless the body is signed with the secret, recently."""
    stamp = headers.get(TIMESTAMP_HEADER, "")
    given = headers.get(SIGNATURE_HEADER, "")
    # Unix seconds in ASCII digits: not "²" (a digit to str.isdigit) nor 5,000 of them.
    if not TIMESTAMP.fullmatch(stamp) or not hmac.compare_digest(
        given.encode(), signature(secret, stamp, body).encode()
    ):
        raise Refused("bad_signature", 401, "The signature does not match.")
    if abs((time.time() if now is None else now) - int(stamp)) > MAX_AGE_SECONDS:
        raise Refused("stale", 401, "The timestamp is more than five minutes from now.")


def parse(body: bytes) -> PhoneEvent:
    """The event a signed body holds; Refused when it is not one."""
    malformed = Refused("malformed", 400, "Not an event: see the contract in the README.")
    if len(body) > MAX_BODY_BYTES:
        raise malformed
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or any(
            isinstance(value, str) and UNPRINTABLE.search(value) for value in data.values()
        ):
            raise malformed
        at = datetime.fromisoformat(str(data["at"]))
        offset = at.utcoffset()
        if offset is None or abs(offset) > LARGEST_OFFSET:
            raise malformed
        event = PhoneEvent(
            event=str(data["event"]),
            call_id=str(data["call_id"]).strip(),
            caller_number=str(data.get("caller_number") or "")[:40],
            extension=str(data["extension"]).strip(),
            at=at.astimezone(UTC),  # the moment it names, as the database keeps it
        )
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError) as error:
        raise malformed from error  # (RecursionError: JSON nested deep)
    if (
        event.event not in EVENTS
        or not 0 < len(event.call_id) <= 100
        or not 0 < len(event.extension) <= 20
    ):
        raise malformed
    return event
