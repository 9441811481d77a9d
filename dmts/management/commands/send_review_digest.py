from django.core.management.base import BaseCommand

from dmts.services import review_digest_send


class Command(BaseCommand):
    help = "Email the Compliance Officer and managers what is waiting in the review queue."

    def handle(self, *args, **options) -> None:
        sent = review_digest_send()
        self.stdout.write(f"Review digest sent to {sent} reviewer{'s' if sent != 1 else ''}.")
