from django import forms
from django.utils.translation import gettext_lazy as _

from muang.care.barthel import ITEMS


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx)"),
        help_text=_(
            "Columns: national_id, title, first_name, last_name, birth_date (day/month/year B.E.), sex, address, "
            "subdistrict_code, lat, lon, phone, lives_alone, programme, disability_type, card_number, "
            "card_expires_on (the Thai column names are read too)"
        ),
    )
    dry_run = forms.BooleanField(label=_("Check only (dry run): write nothing"), required=False, initial=True)


ITEM_LABELS = {
    "feeding": _("feeding"),
    "grooming": _("grooming"),
    "transfer": _("transfer"),
    "toilet": _("toilet use"),
    "mobility": _("mobility"),
    "dressing": _("dressing"),
    "stairs": _("stairs"),
    "bathing": _("bathing"),
    "bowels": _("bowels"),
    "bladder": _("bladder"),
}


class AssessmentForm(forms.Form):
    """The Barthel ADL form: each item offers exactly its allowed scores."""

    assessed_on = forms.DateField(label=_("assessed on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item, high in ITEMS.items():
            self.fields[item] = forms.TypedChoiceField(
                label=ITEM_LABELS[item],
                choices=[(n, str(n)) for n in range(high + 1)],
                coerce=int,
            )
