"""Forms of the case desk (the staff queue, the case page, filing a case for a caller), and the photo and phone
fields the citizens' forms share with it."""

import datetime as dt
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from muang.cases.models import Channel
from muang.cases.services.steps import MAX_DESCRIPTION, MAX_MESSAGE, MAX_PHOTOS_PER_EVENT
from muang.core.models import Role
from muang.core.thai_dates import ThaiDateField
from muang.core.validation import PHONE_PATTERN


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to MAX_PHOTOS_PER_EVENT files; their content is checked (and re-encoded) by the case service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS_PER_EVENT:
            raise forms.ValidationError(
                _("At most %(max)d photos at a time.") % {"max": MAX_PHOTOS_PER_EVENT}, code="too_many"
            )
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


def phone_field() -> forms.RegexField:
    return forms.RegexField(
        label=_("Phone"),
        regex=PHONE_PATTERN,
        max_length=40,
        required=False,
        error_messages={"invalid": _("A phone number is 9 to 20 digits.")},
    )


class QueueFilterForm(forms.Form):
    """Filters of the staff queue; choices are filled in by the view from the organisation's data.

    Made for a phone: a search box, statuses as tick boxes, dates as dd/mm/yyyy in the Buddhist Era with a
    calendar button, and the area taken from the map ("only what the map shows"), never typed as numbers.
    """

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_(
            "A tracking code, words from the description or the place, or the reporter's phone number."
        ),
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search", "autocomplete": "off"}),
    )
    status = forms.MultipleChoiceField(label=_("Status"), required=False, widget=forms.CheckboxSelectMultiple)
    category = forms.ChoiceField(label=_("Category"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    open = forms.BooleanField(label=_("Open only"), required=False)
    created_from = ThaiDateField(label=_("Received from"), required=False)
    created_to = ThaiDateField(label=_("Received until"), required=False)
    # Set by the map's "only what the map shows" switch (cases/queue_map.js), as min_lon,min_lat,max_lon,max_lat.
    bbox = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    FILTERS = ("status", "category", "department", "overdue", "open", "created_from", "created_to", "bbox")

    def __init__(self, *args, statuses=(), categories=(), departments=(), **kwargs):
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s.code, s.name_th) for s in statuses]
        self.fields["category"].choices = [("", _("All")), *((c.code, c.name_th) for c in categories)]
        if departments:
            self.fields["department"].choices = [("", _("All")), *((d.code, d.name_th) for d in departments)]
        else:
            del self.fields["department"]

    def clean(self):
        data = super().clean()
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", _("The end is before the start."))
        return data

    def active_filters(self) -> int:
        """How many filters (besides the search box) the queue is narrowed by, for the folded filter panel."""
        if not self.is_bound:
            return 0
        return sum(1 for name in self.FILTERS if name in self.fields and self.data.get(name))


class ExportForm(forms.Form):
    created_from = ThaiDateField(label=_("Received from"))
    created_to = ThaiDateField(label=_("Received until"))
    format = forms.ChoiceField(
        label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "Excel")], initial="csv", required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "export_%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        data["format"] = data.get("format") or "csv"
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", _("The end is before the start."))
        if start and end and (end - start) > dt.timedelta(days=366):
            self.add_error("created_to", _("Export at most one year at a time."))
        return data


def staff_choices(staff) -> list:
    """Choices of people (memberships from `selectors.assignable_staff`) by name; grouped by department when
    they come from several."""

    def label(m) -> str:
        name = m.user.display_name
        return f"{name} ({m.get_role_display()})" if m.role == Role.DEPARTMENT_HEAD else name

    departments: dict = {}
    for m in staff:
        departments.setdefault(m.department.name_th, []).append((m.user.username, label(m)))
    if len(departments) <= 1:
        return [choice for choices in departments.values() for choice in choices]
    return list(departments.items())


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    message = forms.CharField(label=_("Internal note"), max_length=MAX_MESSAGE, required=False)

    def __init__(self, *args, staff=(), **kwargs):
        kwargs.setdefault("auto_id", "assign_%s")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody")), *staff_choices(staff)]


class BulkForm(forms.Form):
    """The queue's bar for the ticked cases: give them to someone and / or move their status."""

    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    status = forms.ChoiceField(label=_("Set status"), required=False)
    message = forms.CharField(label=_("Public message"), max_length=MAX_MESSAGE, required=False)

    def __init__(self, *args, staff=(), statuses=(), **kwargs):
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["assignee"].choices = [("", _("No change")), *staff_choices(staff)]
        else:
            del self.fields["assignee"]
        self.fields["status"].choices = [("", _("No change")), *((s.code, s.name_th) for s in statuses)]


class StatusForm(forms.Form):
    """A progress update: the status (it starts on the case's own, so a message alone moves nothing), a public
    message and photos."""

    status = forms.ChoiceField(label=_("Status"))
    message = forms.CharField(
        label=_("Public message"),
        max_length=MAX_MESSAGE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = MultiplePhotoField(label=_("Photos after the fix"))

    def __init__(self, *args, statuses=(), current=None, **kwargs):
        kwargs.setdefault("auto_id", "status_%s")
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (s.code, _("%(status)s (now)") % {"status": s.name_th} if s.code == current else s.name_th)
            for s in statuses
        ]
        if current is not None:
            self.fields["status"].initial = current


class NoteForm(forms.Form):
    message = forms.CharField(
        label=_("Note"), max_length=MAX_MESSAGE, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    public = forms.BooleanField(label=_("Show to the public"), required=False)
    photo_kind = forms.ChoiceField(
        label=_("Photos are"),
        choices=[("before", _("before")), ("after", _("after")), ("other", _("other"))],
        initial="other",
        required=False,
    )
    photos = MultiplePhotoField(label=_("Photos"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "note_%s")
        super().__init__(*args, **kwargs)

    def clean_photo_kind(self) -> str:
        return self.cleaned_data.get("photo_kind") or "other"


class CategoryForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args, categories=(), departments=(), **kwargs):
        kwargs.setdefault("auto_id", "category_%s")
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.code, c.name_th) for c in categories]
        self.fields["department"].choices = [("", _("The category's department"))] + [
            (d.code, d.name_th) for d in departments
        ]


class ForwardForm(forms.Form):
    organization = forms.ChoiceField(label=_("Forward to"))
    reason = forms.CharField(
        label=_("Why (the citizen sees this)"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organizations=(), **kwargs):
        kwargs.setdefault("auto_id", "forward_%s")
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.slug, o.name_th) for o in organizations]


class InviteForm(forms.Form):
    organization = forms.ChoiceField(label=_("Invite as co-responsible"))
    message = forms.CharField(label=_("Message"), max_length=MAX_MESSAGE, required=False)

    def __init__(self, *args, organizations=(), **kwargs):
        kwargs.setdefault("auto_id", "invite_%s")
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.slug, o.name_th) for o in organizations]


class DuplicateForm(forms.Form):
    original = forms.CharField(label=_("Duplicate of (tracking code)"), max_length=40)
    message = forms.CharField(label=_("Public message"), max_length=MAX_MESSAGE, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "duplicate_%s")
        super().__init__(*args, **kwargs)


class StaffCaseForm(forms.Form):
    """A case filed by staff for a citizen who called or walked in."""

    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[(c.value, c.label) for c in (Channel.PHONE, Channel.WALK_IN, Channel.STAFF)],
    )
    category = forms.ChoiceField(label=_("Category"))
    description = forms.CharField(
        label=_("What is the problem?"), max_length=MAX_DESCRIPTION, widget=forms.Textarea(attrs={"rows": 4})
    )
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, required=False)
    address = forms.CharField(label=_("Place (address or landmark)"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("Citizen's name"), max_length=200, required=False)
    contact_phone = phone_field()
    photos = MultiplePhotoField(label=_("Photos (up to 5)"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=16)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.code, c.name_th) for c in categories]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lon", _("Give both latitude and longitude, or neither."))
        if data.get("lat") is None and not (data.get("address") or "").strip():
            self.add_error("address", _("Say where: a point on the map or an address."))
        return data
