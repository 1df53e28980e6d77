"""The main menu's billing entry, shown only to those who may read the organisation's bills."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from muang.billing.access import billing_permissions
from muang.core.permissions import Perm
from muang.core.workspace import actor_from_request

register = template.Library()


@register.simple_tag(takes_context=True)
def billing_nav_link(context) -> str:
    request, membership = context.get("request"), context.get("membership")
    if request is None or membership is None:
        return ""
    if Perm.BILL_VIEW not in billing_permissions(actor_from_request(request), membership.organization):
        return ""
    return format_html('<a href="{}">{}</a>', reverse("billing:bills"), _("Bills and payments"))
