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


# --- Thai time shared by every app: the zone, the era, the fiscal year ------------------------------------------


def test_bangkok_is_utc_plus_seven_all_year_and_the_fixed_zone_agrees():
    from muang.core.thai_dates import BANGKOK, ICT

    for month in (1, 7):  # no daylight saving time
        moment = dt.datetime(2026, month, 1, 12, tzinfo=dt.UTC)
        assert moment.astimezone(BANGKOK).hour == 19 == moment.astimezone(ICT).hour
        assert moment.astimezone(BANGKOK).isoformat() == moment.astimezone(ICT).isoformat()


def test_the_buddhist_era_both_ways():
    from muang.core.thai_dates import BUDDHIST_ERA_OFFSET, buddhist_era, christian_era

    assert buddhist_era(2026) == 2569 and christian_era(2569) == 2026 and BUDDHIST_ERA_OFFSET == 543


def test_a_year_as_the_reader_counts_it():
    from muang.core.thai_dates import year_for_reader

    assert year_for_reader(2026, "th") == 2569
    assert year_for_reader(2026, "en") == 2026
    assert year_for_reader(None, "th") is None
    with translation.override("th"):
        assert year_for_reader(2026) == 2569


@pytest.mark.parametrize(
    ("day", "fiscal"),
    [
        (dt.date(2025, 9, 30), 2568),  # the last day of fiscal 2568
        (dt.date(2025, 10, 1), 2569),  # 1 October starts the next one
        (dt.date(2026, 1, 1), 2569),
        (dt.date(2026, 9, 30), 2569),
        (dt.date(2026, 10, 1), 2570),
    ],
)
def test_the_fiscal_year_starts_on_1_october(day, fiscal):
    from muang.core.thai_dates import fiscal_year, fiscal_year_bounds

    assert fiscal_year(day) == fiscal
    first, last = fiscal_year_bounds(fiscal)
    assert first <= day <= last
    assert fiscal_year(first) == fiscal_year(last) == fiscal
    assert fiscal_year(first - dt.timedelta(days=1)) == fiscal - 1


def test_days_in_bangkok_as_moments():
    from muang.core.thai_dates import bangkok_date, bangkok_days, bangkok_midnight, in_bangkok

    assert bangkok_midnight(dt.date(2026, 1, 31)).astimezone(dt.UTC) == dt.datetime(
        2026, 1, 30, 17, tzinfo=dt.UTC
    )
    since, until = bangkok_days(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert until - since == dt.timedelta(days=31)
    # 23:30 on 31 January in Bangkok is 16:30 UTC the same day; 17:30 UTC is 1 February there.
    assert bangkok_date(dt.datetime(2026, 1, 31, 16, 30, tzinfo=dt.UTC)) == dt.date(2026, 1, 31)
    assert bangkok_date(dt.datetime(2026, 1, 31, 17, 30, tzinfo=dt.UTC)) == dt.date(2026, 2, 1)
    naive = dt.datetime(2026, 1, 31, 9)  # noqa: DTZ001 (a naive moment is the point of the test)
    assert in_bangkok(naive).utcoffset() == dt.timedelta(hours=7)
    aware = dt.datetime(2026, 1, 31, 9, tzinfo=dt.UTC)
    assert in_bangkok(aware) is aware


def test_templates_show_a_year_in_the_buddhist_era():
    from django.template import Context, Template

    rendered = Template("{% load thai %}{{ year|be_year }}|{{ none|be_year }}").render(
        Context({"year": 2026, "none": None})
    )
    assert rendered == "2569|"


def test_how_long_ago_is_said_in_the_readers_language():
    from django.template import Context, Template
    from django.utils import timezone

    from muang.core.templatetags.thai import since

    then = timezone.now() - dt.timedelta(hours=2, minutes=5)
    with translation.override("th"):
        assert since(then) == "2\xa0ชั่วโมง, 5\xa0นาที"  # Django keeps the number and its unit together
        assert since(timezone.now()) == "0\xa0นาที"
        assert Template("{% load thai %}{{ t|since }}").render(Context({"t": then})) == "2\xa0ชั่วโมง, 5\xa0นาที"
    with translation.override("en"):
        assert since(then) == "2\xa0hours, 5\xa0minutes"
    assert since(None) == ""
