from django.apps import AppConfig


class CallersConfig(AppConfig):
    name = "callers"
    verbose_name = "Callers and calls"
