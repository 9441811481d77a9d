"""List the calls saved lasting more than 12 hours, to correct with a reason.

Before the log-a-call form refused it, an end time earlier than the receipt was read as the
next day: a call answered through screen pop and left unlogged could put its end into the
next call typed by hand, which was saved lasting nearly a day. Each one listed here is
corrected from its DMTS entry (Correct, with the reason), as any mistake is. References and
lengths only: no caller's name."""

from django.core.management.base import BaseCommand
from django.db.models import F
from django.utils import timezone

from callers.models import Call


class Command(BaseCommand):
    help = "List calls saved lasting more than 12 hours (references only), to correct."

    def handle(self, *args, **options) -> None:
        too_long = (
            Call.objects.filter(ended_at__gt=F("received_at") + Call.LONGEST)
            .select_related("dmts_entry")
            .order_by("received_at")
        )
        count = 0
        for call in too_long.iterator(chunk_size=500):
            length = call.ended_at - call.received_at
            received = timezone.localtime(call.received_at)
            hours, minutes = divmod(int(length.total_seconds()) // 60, 60)
            self.stdout.write(
                f"{call.reference}  received {received:%d/%m/%Y %H:%M}  "
                f"lasting {hours} h {minutes} min"
            )
            count += 1
        self.stdout.write(
            f"{count} call{'' if count == 1 else 's'} lasting more than 12 hours"
            + (": correct each from its DMTS entry, with the reason." if count else ".")
        )
