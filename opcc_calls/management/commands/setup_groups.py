from django.core.management.base import BaseCommand

from opcc_calls.roles import ROLE_PERMISSIONS, sync_role_groups


class Command(BaseCommand):
    help = "Create the role groups and give each exactly its permissions (idempotent)."

    def handle(self, *args, **options) -> None:
        for group in sync_role_groups():
            self.stdout.write(f"{group.name}: {group.permissions.count()} permissions")
        self.stdout.write(self.style.SUCCESS(f"{len(ROLE_PERMISSIONS)} role groups in place."))
