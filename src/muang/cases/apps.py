from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "muang.cases"
    label = "cases"
    verbose_name = _("Cases: the shared workflow")

    def ready(self) -> None:
        from muang.core.uploads import register_reader

        from .selectors import photo_visibility

        register_reader(
            "cases",
            lambda read: photo_visibility(
                actor=read.actor, organization_id=read.organization_id, name=read.name
            ),
        )
