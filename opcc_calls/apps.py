from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


class OpccCallsConfig(AppConfig):
    name = "opcc_calls"
    verbose_name = "Staff and roles"

    def ready(self) -> None:
        from opcc_calls import checks, lookups  # noqa: F401 (registers them)
        from opcc_calls.permissions import connect_permission_signals
        from opcc_calls.roles import sync_role_groups_after_migrate

        post_migrate.connect(sync_role_groups_after_migrate, sender=self)
        post_migrate.connect(cache_table_created, sender=self)
        connect_permission_signals()


def cache_table_created(using: str, **kwargs) -> None:
    """The shared cache's table (settings.CACHES), made by every migrate: nothing more to run
    on a new installation or an upgrade."""
    call_command("createcachetable", database=using, verbosity=0)
