"""Send one signed test event to OPCC Calls, as the phone system would: to check a set-up
(the secret, the address, a member of staff's extension) before connecting the phone system."""

import json
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from opcc_calls.telephony import EVENTS, signed_headers, webhook_secret


class Command(BaseCommand):
    help = "Send a signed screen-pop event (ringing, answered, ended) to OPCC Calls."

    def add_arguments(self, parser) -> None:
        parser.add_argument("event", choices=EVENTS)
        parser.add_argument("extension", help="the member of staff's extension, e.g. 201")
        parser.add_argument("--number", default="020 7946 0123", help="the caller's number")
        parser.add_argument("--call-id", default="", help="the phone system's id (new if unset)")
        parser.add_argument("--url", default="", help="OPCC Calls' address (default: SITE_URL)")

    def handle(self, *args, **options) -> None:
        secret = webhook_secret()
        if not secret:
            raise CommandError(
                "TELEPHONY_WEBHOOK_SECRET is not set, or shorter than 32 characters."
            )
        call_id = options["call_id"] or f"test-{uuid.uuid4()}"
        body = json.dumps(
            {
                "event": options["event"],
                "call_id": call_id,
                "caller_number": options["number"],
                "extension": options["extension"],
                "at": timezone.localtime().isoformat(),
            }
        ).encode()
        url = (options["url"] or settings.SITE_URL).rstrip("/") + "/telephony/events/"
        request = urllib.request.Request(
            url, data=body, method="POST", headers=signed_headers(secret, body)
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                status, answer = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, answer = error.code, error.read().decode()
        except OSError as error:
            raise CommandError(f"{url} could not be reached: {error}") from error
        self.stdout.write(
            f"{options['event']} {call_id} on {options['extension']}: {status} {answer}"
        )
        if status != 202:
            raise CommandError("OPCC Calls did not take the event.")
