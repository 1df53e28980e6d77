from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "muang.selfservice"
    verbose_name = "Taxpayer self-service"
