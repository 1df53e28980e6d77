"""Thai labels in the Django admin for what Django would otherwise show in English or raw: fields without a
verbose_name of their own (Django labels them with their English name, "organization"), dates (Django's date
format prints the Christian year), codes (shown as literals) and English names (marked as such). Every Muang admin
class takes them through `ThaiLabelsMixin`."""

import functools

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from muang.core.templatetags.thai import format_thai_date

# Fields some models leave without a verbose_name (so Django labels them in English), named here for the admin.
UNNAMED_FIELD_LABELS = {
    "created_at": _("created at"),
    "updated_at": _("updated at"),
    "imported_at": _("imported at"),
    "line_count": _("line count"),
    "total_amount": _("total amount"),
    "applied_amount": _("applied amount"),
    "seq": _("sequence"),
    "display_name": _("display name"),
    "order": _("order"),
    "subject": _("subject"),
    "channel": _("channel"),
    "status": _("status"),
    "attempts": _("attempts"),
    "last_error": _("last error"),
}


def _field(model, name):
    """`model`'s concrete field `name`, or None (a method, a property, a reverse relation)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete else None


def _unnamed(field) -> bool:
    """The field has no verbose_name of its own: Django made one of its English name."""
    return field.verbose_name == field.name.replace("_", " ")


def _unnamed_relation(model, name: str):
    """The foreign key `name` of `model` when it has no verbose_name of its own, else None."""
    field = _field(model, name)
    return (
        field if field is not None and (field.many_to_one or field.one_to_one) and _unnamed(field) else None
    )


def _unnamed_label(model, name: str):
    """The Thai label of `model`'s field `name` when it has no verbose_name of its own (a foreign key under its
    model's name), else None."""
    field = _field(model, name)
    if field is None or not _unnamed(field):
        return None
    if field.many_to_one or field.one_to_one:
        return field.related_model._meta.verbose_name
    return UNNAMED_FIELD_LABELS.get(name)


def _column(field, label, render):
    """A list column of `field` under `label`, sorted by the field, each value shown by `render(value)`."""

    def value(obj):
        return render(obj, getattr(obj, field.name))

    value.short_description = label
    value.admin_order_field = field.name
    value.__name__ = field.name
    return value


def _list_column(model, column, literals=()):
    """A list column as the admin shows it: a code as a literal, the English name marked so, a date in the page's
    language (the Buddhist Era on a Thai page), an admin's `literal_fields` (`literals`) as literals, a field
    without a verbose_name under its Thai label with a choice as its label, anything else as it is."""
    if column in ("code", "name_en"):
        return {"code": "code_literal", "name_en": "english_name"}[column]
    field = _field(model, column) if isinstance(column, str) else None
    if field is None:
        return column
    label = _unnamed_label(model, column)
    if column in literals:
        return _column(field, label or field.verbose_name, lambda obj, v: _literal(v))
    if isinstance(field, models.DateField):  # a DateTimeField is one too
        return _column(field, label or field.verbose_name, lambda obj, v: _date_text(v, field))
    if label is None:
        return column
    if field.choices:
        return _column(field, label, lambda obj, v: getattr(obj, f"get_{field.name}_display")())
    return _column(field, label, lambda obj, v: v)


def _literal(value) -> str:
    """A code or a key as a literal (the Thai pages show them so), or a dash when there is none."""
    return format_html("<code>{}</code>", value) if value not in (None, "") else "-"


def _english(value) -> str:
    """A record's own English text, marked as English (a screen reader reads it so), or a dash."""
    return format_html('<span lang="en">{}</span>', value) if value not in (None, "") else "-"


def as_lines(texts, *, pre_line: bool = False) -> str:
    """Texts an admin shows in place of a JSON field, a line each (`pre_line`: a text's own line breaks kept),
    or a dash when there are none."""
    style = ' style="white-space: pre-line"' if pre_line else ""
    return format_html_join("", "<div" + style + ">{}</div>", ((t,) for t in texts)) or "-"


def _date_text(value, field) -> str:
    """A date or a moment in the page's language: the Buddhist Era on a Thai page, as the lists show it."""
    style = "datetime" if isinstance(field, models.DateTimeField) else "long"
    return format_thai_date(value, style) or "-"


def _readonly_kind(model, name, literals) -> str | None:
    """How a read-only field is shown in a change form when Django's own rendering would not do: "date" (a date
    or a moment), "literal" (a code, or a field the admin names in `literal_fields`), "english" (`name_en`)."""
    if not isinstance(name, str) or (field := _field(model, name)) is None:
        return None
    if isinstance(field, models.DateField):
        return "date"
    if name == "code" or name in literals:
        return "literal"
    return "english" if name == "name_en" else None


@functools.cache
def _readonly_display(model, name: str, kind: str):
    """`model`'s field `name` read-only in a change form, shown as `kind` (`_readonly_kind`): a date in the
    Buddhist Era on a Thai page (Django would print the Christian year), a code as a literal, the English name
    marked so. Named as the field, so the form's labels and the field's help text still apply; cached, so that
    the admin finds the same callable in the fieldsets and in the read-only fields."""
    field = _field(model, name)

    def value(obj):
        v = getattr(obj, name)
        if kind == "date":
            return _date_text(v, field)
        return _literal(v) if kind == "literal" else _english(v)

    value.short_description = _unnamed_label(model, name) or field.verbose_name
    value.__name__ = name
    return value


@functools.cache
def _titled_filter(filter_class):
    """`filter_class` titled with the foreign key's model's (Thai) name when the key has none of its own."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        filter_class.__init__(self, field, request, params, model, model_admin, field_path)
        if _unnamed_relation(model, field_path) is not None:
            self.title = field.related_model._meta.verbose_name

    return type(f"Thai{filter_class.__name__}", (filter_class,), {"__init__": __init__})


class ThaiLabelsMixin:
    """Thai headings for what Django would label with a field's English name, and codes shown as literals."""

    def get_list_filter(self, request):
        filters = []
        for f in super().get_list_filter(request):
            if isinstance(f, str) and _unnamed_relation(self.model, f) is not None:
                f = (f, _titled_filter(admin.RelatedFieldListFilter))
            elif (
                isinstance(f, tuple)
                and isinstance(f[1], type)
                and issubclass(f[1], admin.RelatedFieldListFilter)
            ):
                f = (f[0], _titled_filter(f[1]))
            filters.append(f)
        return filters

    def get_list_display(self, request):
        return tuple(
            _list_column(self.model, c, self.literal_fields) for c in super().get_list_display(request)
        )

    # Fields shown as a literal when read-only (references and keys), besides `code`.
    literal_fields: tuple[str, ...] = ()
    # Read-only fields shown by one of the admin's own methods instead (a JSON field as readable lines): field
    # name → method name.
    readonly_shown_as: dict[str, str] = {}

    def _readonly_displays(self, names) -> dict:
        """The fields among `names` shown read-only otherwise than Django would, by name."""
        displays = {}
        for name in names:
            if name in self.readonly_shown_as:
                displays[name] = self.readonly_shown_as[name]
            elif kind := _readonly_kind(self.model, name, self.literal_fields):
                displays[name] = _readonly_display(self.model, name, kind)
        return displays

    def __init_subclass__(cls, **kwargs):
        """An admin's own `get_readonly_fields` (most answer without calling super) gets the displays too."""
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("get_readonly_fields")
        if own is not None:

            @functools.wraps(own)
            def get_readonly_fields(self, request, obj=None):
                return self._with_displays(own(self, request, obj))

            cls.get_readonly_fields = get_readonly_fields

    def _with_displays(self, readonly) -> list:
        """The read-only fields, with each one's own display (`_readonly_display`) beside its name: the name
        keeps the field out of the form, the display is what the fieldsets show in its place."""
        names = list(readonly)
        displays = self._readonly_displays(n for n in names if isinstance(n, str))
        return [*names, *(d for d in displays.values() if d not in names)]

    def get_readonly_fields(self, request, obj=None):
        return self._with_displays(super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        readonly = list(self.get_readonly_fields(request, obj))
        given = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # A view-only form: Django shows every field read-only, so each is shown by its display too.
            readonly += flatten_fieldsets(given)
        displays = self._readonly_displays(n for n in readonly if isinstance(n, str))

        def shown(name):
            return displays.get(name, name) if isinstance(name, str) else name

        fieldsets, placed = [], set()
        for title, options in given:
            lines = []
            for line in options.get("fields", ()):
                line = tuple(shown(n) for n in line) if isinstance(line, (list, tuple)) else shown(line)
                items = line if isinstance(line, tuple) else (line,)
                if all(i in placed for i in items):
                    continue  # a display that `get_fields` also listed after the form's fields
                placed.update(items)
                lines.append(line)
            fieldsets.append((title, {**options, "fields": lines}))
        return fieldsets

    def _labels(self, kwargs) -> dict:
        """Fields without a verbose_name under their Thai label (`_unnamed_label`), in fields and read-only
        fields alike; a form's own labels first."""
        form = kwargs.get("form", self.form)
        labels = {
            f.name: capfirst(label)
            for f in self.model._meta.concrete_fields
            if (label := _unnamed_label(self.model, f.name)) is not None
        }
        own = getattr(getattr(form, "Meta", None), "labels", None) or {}
        return {**labels, **own, **kwargs.get("labels", {})}

    def _form_fields(self, request, obj, kwargs) -> dict:
        """The form's fields: the fieldsets' without the displays (a display is never a form field, and in a
        view-only form it is not among the read-only fields Django excludes)."""
        if "fields" in kwargs:
            fields = kwargs["fields"]  # None from `get_fields`, which asks which fields the model form has
        else:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            kwargs["fields"] = [f for f in fields if isinstance(f, str)]
        kwargs["labels"] = self._labels(kwargs)
        return kwargs

    def get_form(self, request, obj=None, change=False, **kwargs):
        return super().get_form(request, obj, change=change, **self._form_fields(request, obj, kwargs))

    def get_formset(self, request, obj=None, **kwargs):  # an inline's
        return super().get_formset(request, obj, **self._form_fields(request, obj, kwargs))

    @admin.display(description=_("code"), ordering="code")
    def code_literal(self, obj) -> str:
        # A record's code as a literal: a code, not an English word (as the Thai pages show it).
        return _literal(obj.code)

    @admin.display(description=_("English name"), ordering="name_en")
    def english_name(self, obj) -> str:
        return _english(obj.name_en)
