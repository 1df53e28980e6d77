import os

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from muang.core.contract import AppContract, Mount

# The core @context of ETSI GS CIM 009 v1.6 (one version, everywhere: Link header and JSON-LD bodies).
CORE_CONTEXT = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld"


class NgsiConfig(AppConfig):
    name = "muang.ngsi"
    label = "ngsi"
    verbose_name = _("NGSI-LD")

    def ready(self) -> None:
        from django.core import checks

        checks.register(check_entity_types)

    def contract(self) -> AppContract:
        from muang.ngsi import permissions
        from muang.ngsi.permissions import NgsiPerm

        return AppContract(
            # The NGSI-LD API (read side): plain Django views, JSON-LD content types and the specification's
            # ProblemDetails. The entity types come from the apps (AppContract.ngsi_entity_types).
            urls=[Mount("ngsi-ld/v1/", "muang.ngsi.urls")],
            permissions=[NgsiPerm],
            scopes=permissions.SCOPES,
            grants=permissions.GRANTS,
            settings={
                "MUANG_NGSI_CORE_CONTEXT": os.environ.get("MUANG_NGSI_CORE_CONTEXT", CORE_CONTEXT),
                # The most entities one answer holds (limit); more is TooManyResults.
                "MUANG_NGSI_MAX_LIMIT": int(os.environ.get("MUANG_NGSI_MAX_LIMIT", "1000")),
            },
        )


def check_entity_types(app_configs=None, **kwargs):
    """`manage.py check` (and every test run) names an entity type provider that cannot be loaded."""
    from django.core.checks import Error

    from muang.ngsi.providers import entity_types

    try:
        entity_types()
    except (ImportError, TypeError, ValueError) as e:
        return [Error(f"AppContract.ngsi_entity_types: {e}", id="ngsi.E001")]
    return []
