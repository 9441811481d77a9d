from django.core.management.base import BaseCommand

from dmts.services.entries import review_digest_send


class Command(BaseCommand):
    help = (
        "Email the Compliance Officer and managers what is waiting in the review queue (the "
        "background worker sends the emails)."
    )

    def handle(self, *args, **options) -> None:
        queued = review_digest_send()
        self.stdout.write(
            f"Review digest queued for {queued} reviewer{'s' if queued != 1 else ''}."
        )
