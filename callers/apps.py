from django.apps import AppConfig
from django.db.models.signals import post_migrate


def install_defaults(sender, using="default", **kwargs) -> None:
    """Give a new installation its default rules, risk words and retention schedule. Only
    fills what is empty, so managers' changes are never overwritten."""
    if using != "default":
        return
    # Models can only be imported once the app registry is ready: this runs after migrate.
    from callers.services.data_protection import retention_schedule_install
    from callers.services.rules import default_rules_install
    from callers.services.safeguarding import risk_words_install

    default_rules_install()
    risk_words_install()
    retention_schedule_install()


class CallersConfig(AppConfig):
    name = "callers"
    verbose_name = "Callers and calls"

    def ready(self) -> None:
        from callers import checks  # noqa: F401 (registers the first-run checklist)

        post_migrate.connect(install_defaults, sender=self)
