"""Schools (issue 15, items 1 and 3): an organisation's schools by their 10-digit code, a figure of one school
entered by hand or imported by CSV (refused for an unknown school or another organisation's, nothing written),
and the page of a school, reached from the city page and the education division's page."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from muang.core.access import SYSTEM
from muang.core.errors import InvalidInput
from muang.core.models import AuditEntry, Role
from muang.core.tests.factories import DepartmentFactory, OrganizationFactory, member
from muang.core.thai_dates import buddhist_era, fiscal_year
from muang.kpi import periods, services
from muang.kpi.models import Indicator, ManualValue, School, SchoolValue, Snapshot
from muang.kpi.tests.conftest import evidence_png

pytestmark = pytest.mark.django_db

CODE = "1040050001"
OTHER_CODE = "1040050002"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _last_month():
    return periods.last_closed_month(periods.today())


def _be(month) -> str:
    return f"{buddhist_era(month.year)}-{month.month:02d}"


@pytest.fixture
def school(town) -> School:
    return School.objects.create(organization=town.org, code=CODE, name_th="โรงเรียนเทศบาล 1 (วัดกลาง)")


@pytest.fixture
def foreign_school() -> School:
    return School.objects.create(organization=OrganizationFactory(), code=OTHER_CODE, name_th="โรงเรียนอื่น")


def test_a_schools_code_is_its_ten_digits_and_names_one_school(town):
    for bad in ("104005000", "10400500011", "10400500x1", ""):
        with pytest.raises(ValidationError) as e:
            School(organization=town.org, code=bad, name_th="x").full_clean()
        assert "code" in e.value.message_dict
    School.objects.create(organization=town.org, code=CODE, name_th="x")
    with transaction.atomic(), pytest.raises(IntegrityError):  # another organisation cannot take the code
        School.objects.create(organization=OrganizationFactory(), code=CODE, name_th="y")
    with transaction.atomic(), pytest.raises(IntegrityError):  # nor a row written past the form
        School.objects.create(organization=town.org, code="12345", name_th="z")


def test_a_schools_figure_entered_by_hand_is_the_schools_not_the_organisations(town, school, foreign_school):
    indicator = Indicator.objects.get(code="education.attendance")
    month = _last_month()
    for code in (OTHER_CODE, "9999999999", "abc"):
        with pytest.raises(InvalidInput) as e:
            services.manual_value_submit(
                actor=town.officer,
                organization=town.org,
                indicator=indicator,
                month=month,
                value="96",
                evidence=evidence_png(),
                school_code=code,
            )
        assert set(e.value.field_errors) == {"school"}
        assert code in str(e.value.detail)
    assert not ManualValue.objects.exists()
    entry = services.manual_value_submit(
        actor=town.officer,
        organization=town.org,
        indicator=indicator,
        month=month,
        value="96.5",
        evidence=evidence_png(),
        school_code=CODE,
    )
    assert entry.school == school
    services.manual_value_decide(actor=town.head, entry=entry, approve=True)
    value = SchoolValue.objects.get()
    assert (value.school, value.indicator, value.month, str(value.value)) == (
        school,
        indicator,
        month,
        "96.5000",
    )
    assert not Snapshot.objects.filter(
        indicator=indicator
    ).exists()  # the organisation's figure stays its own
    assert AuditEntry.objects.filter(object_type="kpi.SchoolValue", object_id=str(value.pk)).exists()


def test_the_entry_form_offers_the_schools_and_refuses_another_organisations_on_its_field(
    town, school, foreign_school
):
    client = client_for(town.officer.user)
    url = reverse("kpi:values")
    html = client.get(url).content.decode()
    assert f'value="{CODE}"' in html and OTHER_CODE not in html
    data = {
        "action": "enter",
        "indicator": "education.attendance",
        "month": _last_month().isoformat(),
        "value": "95",
        "school": OTHER_CODE,
        "evidence": evidence_png(),
    }
    response = client.post(url, data)
    assert response.status_code == 400 and b'data-field="school"' in response.content
    assert not ManualValue.objects.exists()
    response = client.post(url, {**data, "school": CODE, "evidence": evidence_png()})
    assert response.status_code == 302
    assert ManualValue.objects.get().school == school
    assert school.name_th in client.get(url).content.decode()


def test_the_csv_import_takes_a_school_column_and_refuses_a_line_with_a_school_not_its_own(
    town, school, foreign_school
):
    month = _last_month()
    good = (
        "indicator,month,value,school\n"
        f"education.attendance,{_be(month)},93.5,{CODE}\n"
        f"education.attendance,{_be(month)},91,\n"
    )
    for bad_line in (
        f"education.students_per_teacher,{_be(month)},19,{OTHER_CODE}\n",
        f"education.students_per_teacher,{_be(month)},19,0000000000\n",
    ):
        with pytest.raises(InvalidInput) as e:
            services.csv_import(actor=town.officer, organization=town.org, text=good + bad_line)
        assert "4" in str(e.value.detail)  # the line it names
        assert not SchoolValue.objects.exists() and not Snapshot.objects.exists()
    assert services.csv_import(actor=town.officer, organization=town.org, text=good) == 2
    assert str(SchoolValue.objects.get(school=school).value) == "93.5000"
    assert str(Snapshot.objects.get(indicator__code="education.attendance").value) == "91.0000"
    # One figure per indicator, month and school: a second import corrects it (audited), never a second row.
    again = f"indicator,month,value,school\neducation.attendance,{_be(month)},94,{CODE}\n"
    services.csv_import(actor=town.officer, organization=town.org, text=again)
    assert SchoolValue.objects.count() == 1 and str(SchoolValue.objects.get().value) == "94.0000"
    assert str(Snapshot.objects.get(indicator__code="education.attendance").value) == "91.0000"
    with transaction.atomic(), pytest.raises(IntegrityError):
        row = SchoolValue.objects.get()
        SchoolValue.objects.create(
            organization=town.org,
            school=school,
            indicator=row.indicator,
            month=row.month,
            value=1,
            origin="csv",
        )
    # On the page: the CSV form's line error, nothing written.
    text = f"indicator,month,value,school\neducation.attendance,{_be(month)},10,{OTHER_CODE}\n"
    upload = SimpleUploadedFile("x.csv", text.encode(), content_type="text/csv")
    response = client_for(town.officer.user).post(reverse("kpi:values"), {"action": "import", "file": upload})
    assert response.status_code == 400 and b'data-field="file"' in response.content
    assert str(SchoolValue.objects.get().value) == "94.0000"


def _school_year(town, school):
    lines = ["indicator,month,value,school"]
    for step, month in enumerate(periods.months_back(_last_month(), 3)):
        lines.append(f"education.students_per_teacher,{_be(month)},{22 - step},{school.code}")
    services.csv_import(actor=SYSTEM, organization=town.org, text="\n".join(lines))
    services.target_set(
        actor=town.executive,
        organization=town.org,
        indicator=Indicator.objects.get(code="education.students_per_teacher"),
        fiscal_year=fiscal_year(_last_month()),
        value="20",
    )


def test_a_schools_page_shows_its_indicators_with_trend_and_target(town, school, foreign_school):
    _school_year(town, school)
    services.csv_import(
        actor=SYSTEM,
        organization=town.org,
        text=f"indicator,month,value\nenvironment.waste_recycled,{_be(_last_month())},24\n",
    )
    url = reverse("kpi:school", args=[CODE])
    for user in (town.executive.user, town.officer.user, town.other_head.user):
        response = client_for(user).get(url)
        assert response.status_code == 200
    html = response.content.decode()
    assert school.name_th in html and 'id="kpi-school"' in html
    assert (
        'id="kpi-xlsx"' not in html
    )  # the council's exports are the whole city's: not offered as the school's
    # Only the indicators with the school's figures; the organisation's own figures are not the school's.
    assert 'data-code="education.students_per_teacher"' in html
    assert (
        'data-code="environment.waste_recycled"' not in html and 'data-code="cases.satisfaction"' not in html
    )
    assert (
        'data-value="20.0000"' in html and "kpi-good" in html
    )  # 20 students per teacher: on the target of 20
    assert 'id="kpi-data"' in html and "[22.0, 21.0, 20.0]" in html.replace("null, ", "")
    # Only the areas with the school's indicators: no wall of empty areas.
    assert html.count('class="card kpi-area"') == 1 and 'data-area="education"' in html
    # Another organisation's school, an unknown code or an ended school: not found.
    client = client_for(town.executive.user)
    assert client.get(reverse("kpi:school", args=[OTHER_CODE])).status_code == 404
    assert client.get(reverse("kpi:school", args=["nope"])).status_code == 404
    school.is_active = False
    school.save()
    assert client.get(url).status_code == 404
    # A citizen-facing or other organisation's account never sees it.
    assert client_for(member(foreign_school.organization, Role.EXECUTIVE)).get(url).status_code == 404


def test_the_city_page_and_the_education_divisions_page_lead_to_the_schools(town, school):
    _school_year(town, school)
    DepartmentFactory(organization=town.org, code="education", duties=["education"])
    link = reverse("kpi:school", args=[CODE])
    client = client_for(town.executive.user)
    assert link in client.get(reverse("kpi:city")).content.decode()
    assert link in client.get(reverse("kpi:department", args=["education"])).content.decode()
    town.health.duties = ["public_health"]
    town.health.save()
    assert link not in client.get(reverse("kpi:department", args=["health"])).content.decode()
    assert link not in client.get(reverse("kpi:public", args=[town.org.slug])).content.decode()


def test_the_schools_page_is_the_department_pages_permission(town, school):
    """Whoever may open a department's page opens a school's, and no one else (the page-access walk of core
    checks the decision itself for every kind of caller)."""
    from muang.core.models import User

    url = reverse("kpi:school", args=[CODE])
    department = reverse("kpi:department", args=[town.works.code])
    assert Client().get(url).status_code == 302  # to the sign-in
    stranger = User.objects.create_user(username="stranger", password="x-Stranger-2569")
    users = [a.user for a in (town.officer, town.head, town.other_head, town.executive, town.admin)]
    for user in [*users, stranger, member(OrganizationFactory(), Role.EXECUTIVE)]:
        client = client_for(user)
        assert client.get(url).status_code in (client.get(department).status_code, 404), user
        if client.get(department).status_code == 200:
            assert client.get(url).status_code == 200


@pytest.fixture
def education(town):
    division = DepartmentFactory(organization=town.org, code="education", duties=["education"])
    return member(town.org, Role.OFFICER, department=division)


def test_the_education_division_lists_adds_and_ends_its_schools(town, education, foreign_school):
    client = client_for(education)
    url = reverse("kpi:schools")
    assert client.get(url).status_code == 200
    # Only the education division (and the system administrator): another division's officer is refused.
    assert client_for(town.officer.user).get(url).status_code == 403
    assert client_for(town.admin.user).get(url).status_code == 200
    assert 'id="kpi-school-list"' in client.get(reverse("kpi:city")).content.decode()
    assert (
        'id="kpi-school-list"' not in client_for(town.officer.user).get(reverse("kpi:city")).content.decode()
    )
    for code, field in (
        ("104005000", "code"),
        ("10400500x1", "code"),
        (OTHER_CODE, "code"),
        (CODE, "name_th"),
    ):
        response = client.post(url, {"code": code, "name_th": "" if field == "name_th" else "x"})
        assert response.status_code == 422 and f'data-field="{field}"'.encode() in response.content, code
    assert School.objects.filter(organization=town.org).count() == 0
    response = client.post(
        url, {"code": f" {CODE} ", "name_th": "โรงเรียนเทศบาล 1", "name_en": "Municipal School 1"}
    )
    assert response.status_code == 302
    school = School.objects.get(organization=town.org)
    assert school.code == CODE and school.is_active
    assert AuditEntry.objects.filter(object_type="kpi.School", object_id=str(school.pk)).exists()
    assert reverse("kpi:school", args=[CODE]) in client.get(url).content.decode()
    # named in the page's language: the English name only on the English page, beside the Thai one
    listing = client.get(url).content.decode()
    assert "Municipal School 1" in listing and "โรงเรียนเทศบาล 1" in listing  # the tests run in English
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    listing = client.get(url).content.decode()
    assert "Municipal School 1" not in listing and "โรงเรียนเทศบาล 1" in listing
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # Ended: off the pages and the entry form, its figures kept; restored: back.
    assert client.post(url, {"action": "end", "school": school.pk}).status_code == 302
    assert not School.objects.get(pk=school.pk).is_active
    assert f'value="{CODE}"' not in client.get(reverse("kpi:values")).content.decode()
    assert client.post(url, {"action": "restore", "school": school.pk}).status_code == 302
    assert School.objects.get(pk=school.pk).is_active
    # Another organisation's school cannot be ended from here.
    assert client.post(url, {"action": "end", "school": foreign_school.pk}).status_code == 404
    assert client.post(url, {"action": "end", "school": "x"}).status_code == 404
    assert School.objects.get(pk=foreign_school.pk).is_active
