"""One English word, two meanings in Thai: where apps share a catalogue entry in different senses, the odd one
out has its own context (pgettext / `{% translate … context … %}`). Each pair below was shown wrong on a Thai
page: an ambulance's base as the tax base, a reading's value as a monetary value, a map link "Open" as "not
closed", a photo's place as the time a KPI was taken."""

import pytest
from django.template import Context, Template
from django.utils import translation

from muang.ems.models import Alert, Unit
from muang.kpi.models import Snapshot
from muang.property.registry.models import ParcelPhoto

SENSES = [  # (context or None, English, Thai)
    (None, "value", "ค่า"),  # a sensor reading, a KPI's value
    ("tax", "value", "มูลค่า"),  # a building's value on the tax sheet
    (None, "Value", "ค่า"),
    ("tax", "Value", "มูลค่า"),
    (None, "base", "ฐานที่ตั้ง"),  # an ambulance's base
    ("tax", "base", "ฐานภาษี"),
    ("link", "Open", "เปิดดู"),  # a map popup's link to the person
    ("allowance", "Line", "ประเภทรายการ"),
    ("letter", "received", "ได้รับหนังสือเมื่อ"),
    ("waste account", "holder", "ผู้ใช้บริการ"),
]


@pytest.mark.parametrize(("context", "english", "thai"), SENSES)
def test_each_sense_has_its_thai_word(context, english, thai):
    in_context = f' context "{context}"' if context else ""
    source = f'{{% load i18n %}}{{% translate "{english}"{in_context} %}}'
    with translation.override("th"):
        assert Template(source).render(Context()) == thai


def test_model_fields_say_what_they_hold_in_thai():
    with translation.override("th"):
        assert str(Unit._meta.get_field("location").verbose_name) == "ตำแหน่ง"  # not the cases' "order"
        assert str(Unit._meta.get_field("base").verbose_name) == "ฐานที่ตั้ง"
        assert str(Alert._meta.get_field("acknowledged_at").verbose_name) == "รับทราบเมื่อ"
        assert str(ParcelPhoto._meta.get_field("taken_at").verbose_name) == "ตำแหน่งที่ถ่าย"  # a point
        assert str(Snapshot._meta.get_field("taken_at").verbose_name) == "บันทึกเมื่อ"  # a time
