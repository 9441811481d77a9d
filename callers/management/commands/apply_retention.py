from django.core.management.base import BaseCommand

from callers.selectors.data_protection import retention_plan
from callers.services.data_protection import retention_apply


class Command(BaseCommand):
    help = (
        "Apply the retention schedule. A dry run by default: it reports what it would "
        "remove. With --apply it anonymises or deletes as configured and writes the "
        "disposal log. Records of callers on legal hold are skipped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--apply", action="store_true", help="Carry out the plan.")

    def handle(self, *args, **options) -> None:
        steps = retention_plan()
        if not options["apply"]:
            for step in steps:
                self.stdout.write(f"Dry run: would {step.summary}")
            self.stdout.write(
                f"{sum(len(s.ids) for s in steps)} records in all. "
                "Nothing was changed; run with --apply to carry it out."
            )
            return
        logs = retention_apply(steps)  # all of it or nothing: one transaction
        for step in steps:
            self.stdout.write(f"{step.summary}: done")
        self.stdout.write(
            self.style.SUCCESS(
                f"Carried out: {sum(log.count for log in logs)} records, {len(logs)} log entries."
            )
        )
