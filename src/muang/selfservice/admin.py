"""Staff see the change-of-use notices taxpayers filed and decide them (through the same service as the API)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from muang.core.admin import ReadOnlyAdminMixin, ScopedAdmin, _actor
from muang.core.errors import MuangError
from muang.selfservice.models import UseChangeNotice, UseChangeStatus
from muang.selfservice.services.filings import use_change_decide


@admin.register(UseChangeNotice)
class UseChangeNoticeAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Read-only rows (the taxpayer's filing); the decision is an action, audited, never an edit."""

    list_display = (
        "reference",
        "organization",
        "owner",
        "property_label",
        "previous_use",
        "use",
        "changed_on",
        "status",
        "filed_at",
    )
    list_filter = ("status", ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("reference", "property_label", "owner__name", "owner__last_name")
    readonly_fields = [f.name for f in UseChangeNotice._meta.fields]
    actions = ["accept", "reject"]

    def _decide(self, request, queryset, status: str, note: str) -> None:
        done = 0
        for notice in queryset:
            try:
                use_change_decide(actor=_actor(request), notice=notice, status=status, note=note)
            except MuangError as e:
                self.message_user(request, f"{notice.reference}: {e.detail}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("%(n)s notices decided.") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Accept the selected notices"))
    def accept(self, request, queryset):
        self._decide(request, queryset, UseChangeStatus.ACCEPTED, "")

    @admin.action(description=_("Reject the selected notices (the taxpayer should be contacted)"))
    def reject(self, request, queryset):
        self._decide(
            request,
            queryset,
            UseChangeStatus.REJECTED,
            str(_("Rejected by the revenue office; please contact us.")),
        )
