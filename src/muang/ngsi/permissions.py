"""Reading NGSI-LD entities. Each entity type names the permission that reads it (the owning app's, e.g.
`iot.view` for devices); `ngsi.read` reads every type of the organisation, for a context-broker integration
holding an API token with the `ngsi:read` scope."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from muang.core.contract import Grant, Scope


class NgsiPerm(StrEnum):
    READ = "ngsi.read"  # every NGSI-LD entity type of the organisation (API tokens only)


class NgsiScope(StrEnum):
    NGSI_READ = "ngsi:read"


SCOPES = (Scope(NgsiScope.NGSI_READ, _("Read every NGSI-LD entity of the organisation")),)

GRANTS = (Grant({NgsiPerm.READ}, scopes={NgsiScope.NGSI_READ}),)
