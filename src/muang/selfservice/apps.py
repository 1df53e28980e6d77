from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "muang.selfservice"
    verbose_name = "Taxpayer self-service"

    def ready(self) -> None:
        from muang.core.uploads import register_reader

        from .files import read_use_change_photo

        register_reader("use-change", read_use_change_photo)
