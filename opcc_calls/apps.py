from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OpccCallsConfig(AppConfig):
    name = "opcc_calls"
    verbose_name = "Staff and roles"

    def ready(self) -> None:
        from opcc_calls import checks, lookups  # noqa: F401 (registers them)
        from opcc_calls.permissions import connect_permission_signals
        from opcc_calls.roles import sync_role_groups_after_migrate

        post_migrate.connect(sync_role_groups_after_migrate, sender=self)
        connect_permission_signals()
