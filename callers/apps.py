from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CallersConfig(AppConfig):
    name = "callers"
    verbose_name = "Callers and calls"

    def ready(self) -> None:
        from callers.services.detection import default_rules_after_migrate

        post_migrate.connect(default_rules_after_migrate, sender=self)
