"""HTML pages of the registry: the staff tax map (`map`) and the field survey for phones (`survey`). The tax
office pages are in `muang.property.office.views`."""

from functools import wraps

from django.http import HttpRequest

from muang.core.errors import InvalidInput
from muang.core.form_errors import json_errors
from muang.core.views.pages import holds, staff_page
from muang.property.permissions import PropertyPerm


def property_view(perm: str = PropertyPerm.PROPERTY_VIEW, *, json: bool = False):
    """Signed-in staff holding `perm` in their active organisation (`staff_page`); the view gets the actor and
    the organisation (always the active membership's: another organisation's parcels are never found). With
    `json`, bad input is a JSON 400 for the map's scripts."""

    def decorate(view):
        @staff_page(holds(perm))
        @wraps(view)
        def with_organization(request: HttpRequest, actor, membership, *args, **kwargs):
            try:
                return view(request, actor, membership.organization, *args, **kwargs)
            except InvalidInput as e:
                if not json:
                    raise
                return json_errors(e)

        return with_organization

    return decorate
