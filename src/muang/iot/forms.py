"""The forms of the staff pages. They check shapes (numbers, dates, choices) and turn the profile's line-based
notation into the data the services validate; the services decide (and name the field when they refuse)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from muang.iot.models import AlarmRule, Device, Severity
from muang.iot.profiles import VALUE_TYPES

BLANK = [("", "—")]


class DeviceFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    profile = forms.TypedChoiceField(
        label=gettext_lazy("Profile"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, profiles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All")), *list(Device.State.choices)]
        self.fields["profile"].choices = [("", _("All"))] + [(p.pk, p.name) for p in profiles]
        self.fields["q"].widget.attrs["placeholder"] = _("name, serial number or DevEUI")


class DeviceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    serial = forms.CharField(
        label=gettext_lazy("Serial number"),
        max_length=64,
        help_text=gettext_lazy(
            "Letters, digits, dot, dash and underscore: it is part of the device's MQTT topic."
        ),
    )
    profile = forms.TypedChoiceField(label=gettext_lazy("Profile"), coerce=int)
    dev_eui = forms.CharField(
        label="DevEUI",
        required=False,
        max_length=16,
        help_text=gettext_lazy("LoRaWAN devices: 16 hex digits"),
    )
    lat = forms.FloatField(label=gettext_lazy("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=gettext_lazy("Longitude"), required=False, min_value=-180, max_value=180)
    installed_on = forms.DateField(
        label=gettext_lazy("Installed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    asset_ref = forms.CharField(
        label=gettext_lazy("Asset"), required=False, max_length=200, help_text=gettext_lazy("e.g. pole code")
    )

    def __init__(self, *args, profiles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = [(p.pk, p.name) for p in profiles]
        for name in ("lat", "lon"):
            self.fields[name].widget.attrs["step"] = "any"

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None) and not self.errors:
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        return data


class ProfileForm(forms.Form):
    """Keys one per line `key | unit | type | min | max`; JSON keys `payload key = telemetry key`; byte fields
    `key | offset | type | endianness | scale`: easy to type on a phone, read back the same way."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    report_interval = forms.IntegerField(
        label=gettext_lazy("Expected report interval (seconds)"), min_value=10, max_value=7 * 86400
    )
    keys = forms.CharField(
        label=gettext_lazy("Telemetry keys"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("One per line: key | unit | type (float, int, bool) | min | max"),
    )
    decoder_kind = forms.ChoiceField(label=gettext_lazy("Payload"))
    json_keys = forms.CharField(
        label=gettext_lazy("JSON keys"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One per line: payload key = telemetry key (empty: the payload uses the keys above)"
        ),
    )
    fields_layout = forms.CharField(
        label=gettext_lazy("Byte layout"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One per line: key | offset | type (u8, u16, s16, u32, f32) | endianness (big, little) | scale"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decoder_kind"].choices = [
            ("json", _("JSON values")),
            ("bytes", _("Byte frames (LoRaWAN)")),
        ]

    @staticmethod
    def initial_for(profile) -> dict:
        decoder = profile.decoder or {}
        return {
            "name": profile.name,
            "report_interval": profile.report_interval,
            "keys": "\n".join(
                " | ".join(
                    "" if k.get(f) is None else str(k.get(f)) for f in ("key", "unit", "type", "min", "max")
                )
                for k in profile.keys
            ),
            "decoder_kind": decoder.get("kind", "json"),
            "json_keys": "\n".join(f"{a} = {b}" for a, b in (decoder.get("keys") or {}).items()),
            "fields_layout": "\n".join(
                " | ".join(str(f.get(n, "")) for n in ("key", "offset", "type", "endianness", "scale"))
                for f in decoder.get("fields") or ()
            ),
        }

    @staticmethod
    def _number(text: str, line: int, what: str):
        text = text.strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise ValidationError(
                _("Line %(line)s: %(what)s is not a number.") % {"line": line, "what": what}
            ) from None
        return int(number) if number.is_integer() else number

    def clean_keys(self) -> list[dict]:
        keys = []
        for n, raw in enumerate(self.cleaned_data["keys"].splitlines(), start=1):
            if not raw.strip():
                continue
            parts = [p.strip() for p in raw.split("|")]
            if len(parts) > 5:
                raise ValidationError(_("Line %(line)s: at most 5 parts separated by |.") % {"line": n})
            parts += [""] * (5 - len(parts))
            key, unit, value_type, low, high = parts
            entry = {"key": key, "unit": unit, "type": value_type or "float"}
            if entry["type"] not in VALUE_TYPES:
                raise ValidationError(_("Line %(line)s: the type is float, int or bool.") % {"line": n})
            for name, text in (("min", low), ("max", high)):
                value = self._number(text, n, name)
                if value is not None:
                    entry[name] = value
            keys.append(entry)
        return keys

    def _json_keys(self) -> dict:
        mapping = {}
        for n, raw in enumerate(self.cleaned_data.get("json_keys", "").splitlines(), start=1):
            if not raw.strip():
                continue
            source, sep, target = raw.partition("=")
            if not sep:
                self.add_error(
                    "json_keys", _("Line %(line)s: write payload key = telemetry key.") % {"line": n}
                )
                return {}
            mapping[source.strip()] = target.strip()
        return mapping

    def _layout(self) -> list[dict]:
        fields = []
        for n, raw in enumerate(self.cleaned_data.get("fields_layout", "").splitlines(), start=1):
            if not raw.strip():
                continue
            parts = [p.strip() for p in raw.split("|")]
            if len(parts) < 3 or len(parts) > 5:
                self.add_error(
                    "fields_layout",
                    _("Line %(line)s: key | offset | type | endianness | scale.") % {"line": n},
                )
                return []
            try:
                entry = {"key": parts[0], "offset": self._number(parts[1], n, "offset"), "type": parts[2]}
                if len(parts) > 3 and parts[3]:
                    entry["endianness"] = parts[3]
                if len(parts) > 4 and parts[4]:
                    entry["scale"] = self._number(parts[4], n, "scale")
            except ValidationError as e:
                self.add_error("fields_layout", e)
                return []
            fields.append(entry)
        return fields

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("decoder_kind") == "bytes":
            data["decoder"] = {"kind": "bytes", "fields": self._layout()}
        else:
            data["decoder"] = {"kind": "json", "keys": self._json_keys()}
        return data


def _float(label) -> forms.FloatField:
    return forms.FloatField(label=label, required=False, widget=forms.NumberInput(attrs={"step": "any"}))


RULE_FIELDS = (
    "alarm_type", "label", "severity", "kind", "key", "operator", "value", "low", "high",
    "duration_seconds", "silence_intervals", "is_active",
)  # fmt: skip


class AlarmRuleForm(forms.Form):
    alarm_type = forms.CharField(
        label=gettext_lazy("Alarm type"),
        max_length=40,
        help_text=gettext_lazy("A short code in lower-case letters, e.g. pm25_high"),
    )
    label = forms.CharField(
        label=gettext_lazy("Label"), max_length=200, help_text=gettext_lazy("What staff read, in Thai")
    )
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), choices=Severity.choices)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=AlarmRule.Kind.choices)
    key = forms.ChoiceField(label=gettext_lazy("Telemetry key"), required=False)
    operator = forms.ChoiceField(label=gettext_lazy("Operator"), required=False)
    value = _float(gettext_lazy("Value"))
    low = _float(gettext_lazy("Lower bound"))
    high = _float(gettext_lazy("Upper bound"))
    duration_seconds = forms.IntegerField(
        label=gettext_lazy("Held for (seconds)"), min_value=0, max_value=7 * 86400, initial=0
    )
    silence_intervals = forms.IntegerField(
        label=gettext_lazy("Missed reports"), required=False, min_value=1, max_value=1000
    )
    case_category = forms.ChoiceField(label=gettext_lazy("Open a case in the category"), required=False)
    case_department = forms.ChoiceField(label=gettext_lazy("Case department"), required=False)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args, keys=(), categories=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = BLANK + [(k, k) for k in keys]
        self.fields["operator"].choices = BLANK + list(AlarmRule.Operator.choices)
        self.fields["case_category"].choices = BLANK + [(c.code, c.name_th) for c in categories]
        self.fields["case_department"].choices = BLANK + [(d.code, d.name_th) for d in departments]

    @staticmethod
    def initial_for(rule: AlarmRule) -> dict:
        return {
            **{name: getattr(rule, name) for name in RULE_FIELDS},
            "case_category": rule.case_category.code if rule.case_category else "",
            "case_department": rule.case_department.code if rule.case_department else "",
        }


class AlarmFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    acknowledged = forms.ChoiceField(label=gettext_lazy("Acknowledged"), required=False)
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), required=False)
    type = forms.ChoiceField(label=gettext_lazy("Alarm type"), required=False)
    device = forms.CharField(
        label=gettext_lazy("Device (name or serial number)"), required=False, max_length=100
    )
    device_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    started_from = forms.DateField(
        label=gettext_lazy("Started from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    started_to = forms.DateField(
        label=gettext_lazy("Started until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["status"].choices = [*every, ("active", _("active")), ("cleared", _("cleared"))]
        self.fields["acknowledged"].choices = [
            *every,
            ("yes", _("acknowledged")),
            ("no", _("not acknowledged")),
        ]
        self.fields["severity"].choices = every + list(Severity.choices)
        self.fields["type"].choices = every + list(types)

    def clean(self):
        data = super().clean()
        if data.get("started_from") and data.get("started_to") and data["started_to"] < data["started_from"]:
            self.add_error("started_to", _("The end is before the start."))
        return data


class ClearForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for clearing"), max_length=500)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class NextForm(forms.Form):
    next = forms.CharField(required=False, widget=forms.HiddenInput)
