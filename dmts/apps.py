from django.apps import AppConfig


class DmtsConfig(AppConfig):
    name = "dmts"
    verbose_name = "DMTS call log"
