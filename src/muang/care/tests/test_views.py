import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from muang.care.models import Enrolment, Person
from muang.care.services import assessment_record, person_create
from muang.care.tests.helpers import ITEMS_BED, ITEMS_SOCIAL, TODAY, carer, national_id, person_data
from muang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(areas):
    from muang.core.tests.factories import OrganizationFactory

    return OrganizationFactory()


@pytest.fixture
def actor(org):
    return carer(org)


@pytest.fixture
def client(actor):
    c = Client()
    c.force_login(actor.user)
    return c


@pytest.fixture
def people(org, actor):
    a = person_create(actor=actor, organization=org, today=TODAY, **person_data(1))
    b = person_create(
        actor=actor,
        organization=org,
        today=TODAY,
        **person_data(2, first_name="สมชาย", last_name="ใจดี", lat=16.6),
    )
    assessment_record(actor=actor, person=a, assessed_on=TODAY, items=ITEMS_BED, today=TODAY)
    assessment_record(actor=actor, person=b, assessed_on=TODAY, items=ITEMS_SOCIAL, today=TODAY)
    return a, b


def test_the_list_searches_by_name_part_and_by_id_and_filters_by_group(client, people):
    _a, _b = people
    url = reverse("care:list")
    assert "สมชาย ใจดี" in client.get(url, {"q": "ชาย ใจ"}).content.decode()
    page = client.get(url, {"q": national_id(1)}).content.decode()
    assert "บัวผัน" in page and "สมชาย" not in page
    page = client.get(url, {"group": "bed"}).content.decode()
    assert "บัวผัน" in page and "สมชาย" not in page
    refused = client.get(url, {"q": "ก"})
    assert refused.status_code == 422 and 'id="care-search-error"' in refused.content.decode()
    assert client.get(url, {"group": "nope"}).status_code == 422


def test_the_map_data_filters_by_group_and_area(client, people):
    url = reverse("care:map-data")
    assert len(client.get(url).json()["features"]) == 2
    flooded = client.get(url, {"group": "bed", "bbox": "102.0,16.5,102.2,16.56"}).json()["features"]
    assert [f["properties"]["group"] for f in flooded] == ["bed"]
    assert client.get(url, {"bbox": "1,2"}).status_code == 422


def test_the_assessment_form_on_the_person_page_refuses_an_item_out_of_range(client, people):
    a, _b = people
    url = reverse("care:person", args=[a.pk]) + "?purpose=assessment"
    data = {"assessed_on": TODAY.isoformat(), **ITEMS_SOCIAL, "transfer": 4}
    response = client.post(url, data)
    assert response.status_code == 422 and a.assessments.count() == 1
    response = client.post(url, {**data, "transfer": 3})
    assert response.status_code == 302 and a.assessments.count() == 2


def test_the_import_checks_in_a_dry_run_then_imports_all_or_nothing(org, client):
    header = "เลขประจำตัวประชาชน,ชื่อ,นามสกุล,วันเกิด,เพศ,โครงการ,ประเภทความพิการ,เลขบัตรคนพิการ\n"
    good = f"{national_id(5)},บุญมา,แก้วมณี,01/02/2490,หญิง,ผู้สูงอายุ,,\n{national_id(6)},คำมี,ทองดี,3/4/2500,ชาย,คนพิการ,physical,123\n"
    bad = (
        f"{national_id(5)[:12]}0,ผิด,หลัก,01/02/2590,x,,,\n"
        if national_id(5)[12] != "0"
        else "1,ผิด,หลัก,,x,,,\n"
    )

    def send(text, dry_run):
        upload = SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv")
        return client.post(reverse("care:import"), {"file": upload, "dry_run": "on" if dry_run else ""})

    response = send(header + good + bad, dry_run=False)
    assert response.status_code == 422 and not Person.objects.exists()
    assert "national_id" in response.content.decode()
    assert send(header + good, dry_run=True).status_code == 200 and not Person.objects.exists()
    assert send(header + good, dry_run=False).status_code == 302
    assert Person.objects.count() == 2 and Enrolment.objects.count() == 2
    assert "บุญมา" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))
    again = send(header + good, dry_run=True)
    assert again.status_code == 422 and "already registered" in again.content.decode()


def test_the_export_is_a_csv_and_is_audited(client, people):
    response = client.get(reverse("care:export"))
    text = response.content.decode()
    assert response.status_code == 200 and text.startswith("\ufeffnational_id,")
    assert national_id(1) in text and "/2487" in text  # born 1 March 1944: B.E. 2487
    assert AuditEntry.objects.filter(action="export", object_type="care.people").exists()
