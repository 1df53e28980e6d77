"""The staff member's invitations: an organisation asked them to join; they accept or decline here.

Open to every signed-in account (an invited person may have no membership yet); each person sees and answers
only their own invitations (the services check it again)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from muang.core import selectors, services
from muang.core.errors import MuangError
from muang.core.views.pages import signed_in_page
from muang.core.workspace import actor_from_request, switch_organization


@signed_in_page
@require_http_methods(["GET", "POST"])
def invitations_view(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if request.method == "POST":
        answer = request.POST.get("answer", "")
        try:
            invitation_id = int(request.POST.get("invitation", ""))
        except ValueError:
            invitation_id = 0
        if answer not in ("accept", "decline") or not invitation_id:
            messages.error(request, _("Choose an invitation and accept or decline it."))
            return redirect("invitations")
        try:
            if answer == "accept":
                membership = services.invitation_accept(actor=actor, invitation_id=invitation_id)
                switch_organization(request, membership.organization_id)
                messages.success(
                    request, _("You are now a member of %(org)s.") % {"org": membership.organization.name_th}
                )
                return redirect("home")
            services.invitation_decline(actor=actor, invitation_id=invitation_id)
            messages.success(request, _("Invitation declined."))
        except MuangError as e:
            messages.error(request, e.detail)
        return redirect("invitations")
    pending = list(selectors.pending_invitations_for(actor=actor))
    return render(request, "core/invitations.html", {"invitations": pending})
