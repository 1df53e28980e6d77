from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertyConfig(AppConfig):
    name = "muang.property"
    label = "property"
    verbose_name = _("Tax map and property registry")

    def ready(self) -> None:
        from muang.core.uploads import register_reader

        from .selectors import PHOTO_KINDS, photo_visibility

        for kind in PHOTO_KINDS:
            register_reader(
                kind,
                lambda read, kind=kind: photo_visibility(
                    actor=read.actor, kind=kind, organization_id=read.organization_id, name=read.name
                ),
            )
