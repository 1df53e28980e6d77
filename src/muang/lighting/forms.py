from django import forms
from django.utils.translation import gettext_lazy as _


class PoleImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV, Excel .xlsx or GeoJSON)"),
        help_text=_(
            "Columns: code, lat, lon, lamp_type, rated_watts, lantern_height, circuit, cabinet, group, "
            "installed_on, last_lamp_change, controller"
        ),
    )
    dry_run = forms.BooleanField(label=_("Check only (dry run): write nothing"), required=False, initial=True)
    skip_rejected = forms.BooleanField(
        label=_("Import the good rows and skip the rejected ones"), required=False
    )
