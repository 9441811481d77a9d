from django.core.management.base import BaseCommand

from callers.services.meetings import meetings_prepare


class Command(BaseCommand):
    help = (
        "Daily: the day before the next Silver meeting (or on the day, if that run was "
        "missed), open it with its agenda and remind the managers by email."
    )

    def handle(self, *args, **options) -> None:
        meeting = meetings_prepare()
        self.stdout.write(f"Opened the {meeting}." if meeting else "No meeting tomorrow to open.")
