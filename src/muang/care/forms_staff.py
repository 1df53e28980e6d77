"""The staff forms of the register that were API-only: a person (create and edit), an enrolment in a
programme, a care plan. Every check is the service's (the form only parses); its refusals land on the field
they name (`core.form_errors.add_service_errors`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from muang.care.models import DisabilityType, Person, Programme, Sex
from muang.core.models import User
from muang.core.thai_dates import ThaiDateField


class PersonForm(forms.Form):
    national_id = forms.CharField(label=_("national ID"), max_length=20)
    title = forms.CharField(label=_("title"), max_length=40, required=False)
    first_name = forms.CharField(label=_("first name"), max_length=100)
    last_name = forms.CharField(label=_("last name"), max_length=100)
    birth_date = ThaiDateField(label=_("birth date"))
    sex = forms.ChoiceField(label=_("sex"), choices=Sex.choices, widget=forms.RadioSelect)
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    subdistrict_code = forms.CharField(label=_("subdistrict code"), max_length=6, required=False)
    lat = forms.FloatField(label=_("latitude"), required=False)
    lon = forms.FloatField(label=_("longitude"), required=False)
    phones = forms.CharField(
        label=_("phones"), max_length=120, required=False, help_text=_("Separate numbers with commas.")
    )
    contact_name = forms.CharField(label=_("emergency contact"), max_length=200, required=False)
    contact_relation = forms.CharField(label=_("relation"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("emergency contact's phone"), max_length=20, required=False)
    lives_alone = forms.BooleanField(label=_("lives alone"), required=False)

    # The service's names for what this form spreads over several fields.
    ALIASES = {"location": "lat", "emergency_contacts": "contact_name"}

    @classmethod
    def initial_for(cls, person: Person) -> dict:
        contact = (person.emergency_contacts or [{}])[0]
        return {
            **{
                f: getattr(person, f)
                for f in ("national_id", "title", "first_name", "last_name", "birth_date", "sex", "address")
            },
            "subdistrict_code": person.subdistrict_code,
            "lat": person.location.y if person.location else None,
            "lon": person.location.x if person.location else None,
            "phones": ", ".join(person.phones),
            "contact_name": contact.get("name", ""),
            "contact_relation": contact.get("relation", ""),
            "contact_phone": contact.get("phone", ""),
            "lives_alone": person.lives_alone,
        }

    def service_data(self, person: Person | None = None) -> dict:
        data = dict(self.cleaned_data)
        data["phones"] = [p.strip() for p in data.pop("phones").split(",") if p.strip()]
        name, relation, phone = (data.pop(k) for k in ("contact_name", "contact_relation", "contact_phone"))
        contacts = list(person.emergency_contacts[1:]) if person else []
        data["emergency_contacts"] = (
            [{"name": name, "relation": relation, "phone": phone}, *contacts] if name or phone else contacts
        )
        # The LINE link is made by the person through the LINE account, not typed here: kept as it is.
        data["line_user_id"] = person.line_user_id if person else ""
        return data


class EnrolmentForm(forms.Form):
    programme = forms.ChoiceField(label=_("programme"), choices=Programme.choices)
    started_on = ThaiDateField(label=_("from"))
    disability_type = forms.ChoiceField(
        label=_("disability type"), choices=[("", "—"), *DisabilityType.choices], required=False
    )
    card_number = forms.CharField(label=_("disability card number"), max_length=30, required=False)
    card_expires_on = ThaiDateField(label=_("disability card expiry"), required=False)


class CarePlanForm(forms.Form):
    goals = forms.CharField(label=_("goals"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    care_manager_id = forms.TypedChoiceField(label=_("care manager"), coerce=int, choices=())
    caregivers = forms.CharField(
        label=_("caregivers"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One caregiver a line."),
    )
    visits_per_month = forms.IntegerField(
        label=_("visits a month"),
        required=False,
        help_text=_("Left empty: by the ADL group (bed-bound 4, home-bound 2)."),
    )

    def __init__(self, *args, managers: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["care_manager_id"].choices = [(u.pk, u.get_full_name() or u.username) for u in managers]

    def caregiver_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["caregivers"].splitlines() if line.strip()]


class TeleconsultationForm(forms.Form):
    day = ThaiDateField(label=_("day of the call"))
    time = forms.TimeField(label=_("time of the call"), widget=forms.TimeInput(attrs={"type": "time"}))
    video_link = forms.CharField(label=_("video link"), max_length=500)
    notes = forms.CharField(
        label=_("notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
