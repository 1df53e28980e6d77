from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertyConfig(AppConfig):
    name = "muang.property"
    label = "property"
    verbose_name = _("Tax map and property registry")
