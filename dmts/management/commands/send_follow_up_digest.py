from django.core.management.base import BaseCommand

from callers.services.follow_ups import follow_up_digest_send
from dmts.services.follow_ups import follow_ups_gather


class Command(BaseCommand):
    help = (
        "Daily: put what has waited too long in the Follow-ups queue, close what was dealt "
        "with, and email each owner (and managers, while any is unassigned or overdue)."
    )

    def handle(self, *args, **options) -> None:
        follow_ups_gather()
        queued = follow_up_digest_send()
        self.stdout.write(
            f"Follow-up digest queued for {queued} {'person' if queued == 1 else 'people'}."
        )
