"""Dates typed the Thai way (dd/mm/yyyy in the Buddhist Era) on staff forms: read, refused, shown back."""

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from muang.core.thai_dates import ThaiDateField, format_day_month_year, parse_thai_date

DEC_31 = dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    "typed",
    [
        "31/12/2569",
        "31-12-2569",
        "31.12.2569",
        " 31 / 12 / 2569 ",
        "31/12/69",
        "31122569",
        "31/12/2026",
        "2026-12-31",
    ],
)
def test_the_ways_people_write_a_day(typed):
    assert parse_thai_date(typed) == DEC_31


@pytest.mark.parametrize(
    "typed", ["", "31/02/2569", "12/2569", "2569", "31/13/2569", "1/1/1500", "tomorrow", "31/12/2569\x00"]
)
def test_what_is_not_a_day(typed):
    with pytest.raises(ValueError):
        parse_thai_date(typed)


def test_one_day_in_both_eras():
    assert format_day_month_year(DEC_31, "th") == "31/12/2569"
    assert format_day_month_year(DEC_31, "en") == "31/12/2026"


class Form(forms.Form):
    day = ThaiDateField(required=False)


def test_the_field_reads_shows_back_and_names_a_bad_day():
    with translation.override("th"):
        form = Form({"day": "1/12/69"})
        assert form.is_valid() and form.cleaned_data["day"] == dt.date(2026, 12, 1)
        html = str(form["day"])
        assert 'value="01/12/2569"' in html and 'placeholder="วว/ดด/ปปปป"' in html and 'data-era="be"' in html
        bad = Form({"day": "30/02/2569"})
        assert not bad.is_valid() and "31/12/2569" in bad.errors["day"][0]
        assert 'value="30/02/2569"' in str(bad["day"])  # what was typed stays, to be corrected
    with translation.override("en"):
        assert 'value="01/12/2026"' in str(Form(initial={"day": dt.date(2026, 12, 1)})["day"])
