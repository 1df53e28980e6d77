from django.http import HttpRequest, HttpResponse

from muang.core.tests.tinyapp import selectors
from muang.core.tests.tinyapp.permissions import GlancePerm
from muang.core.views.pages import holds, staff_page


@staff_page(holds(GlancePerm.GLANCE_VIEW))
def page(request: HttpRequest, actor, membership) -> HttpResponse:
    facts = selectors.glance(actor=actor, organization=membership.organization)
    return HttpResponse(f"{facts['organization']}: {facts['departments']} departments")
