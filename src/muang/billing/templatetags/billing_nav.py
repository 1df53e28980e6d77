"""The main menu's billing entry, shown only to those who may read the organisation's bills."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from muang.core.permissions import Perm, membership_permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def billing_nav_link(context) -> str:
    membership = context.get("membership")
    if membership is None or Perm.BILL_VIEW not in membership_permissions(membership):
        return ""
    return format_html('<a href="{}">{}</a>', reverse("billing:bills"), _("Bills and payments"))
