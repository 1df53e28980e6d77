"""A scratch organisation with 1,000,000 cases for the case benchmarks, generated in SQL (seconds, not hours)."""

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection

BENCH_SLUG = "bench-city"
PASSWORD = "bench-password-2569"
# A 40 km square around Chum Phae: a city-sized box is a small part of it.
WEST, SOUTH, EAST, NORTH = 101.90, 16.35, 102.30, 16.75


def bench_world(cases: int):
    """(organization, category code, head user, officer user), with `cases` cases in the database."""
    from django.core.management import call_command

    from muang.cases.models import CaseCategory, CaseStatus
    from muang.cases.services import case_category_create
    from muang.cases.services.setup import seed_statuses
    from muang.core.access import SYSTEM
    from muang.core.models import Department, Membership, Organization, OrganizationKind, Province, Role, User

    if not Province.objects.exists():
        call_command("load_areas", verbosity=0)
    org, _ = Organization.objects.get_or_create(
        slug=BENCH_SLUG,
        defaults={
            "kind": OrganizationKind.TOWN_MUNICIPALITY,
            "name_th": "เทศบาลทดสอบสมรรถนะ",
            "name_en": "Benchmark Town",
            "province_id": "40",
            "district_id": "4005",
            "boundary": MultiPolygon(Polygon.from_bbox((WEST, SOUTH, EAST, NORTH)), srid=4326),
        },
    )
    seed_statuses(org)
    works, _ = Department.objects.get_or_create(
        organization=org, code="works", defaults={"name_th": "กองช่าง", "name_en": "Works"}
    )
    category = CaseCategory.objects.filter(
        organization=org, code="streetlight"
    ).first() or case_category_create(
        actor=SYSTEM,
        organization=org,
        code="streetlight",
        name_th="ไฟฟ้าส่องสว่าง",
        name_en="Street lights",
        default_department=works,
        sla_hours=16,
    )
    users = {}
    for username, role, department in (
        ("bench.head", Role.DEPARTMENT_HEAD, works),
        ("bench.officer", Role.OFFICER, works),
    ):
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            user=user, organization=org, defaults={"role": role, "department": department}
        )
        users[role] = user
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from cases_case where organization_id = %s", [org.pk])
        have = cursor.fetchone()[0]
        if have < cases:
            statuses = dict(CaseStatus.objects.filter(organization=org).values_list("code", "id"))
            cursor.execute("select setseed(0.2569)")
            cursor.execute(
                """
                INSERT INTO cases_case (tracking_code, is_open, channel, title, description, location, address,
                    attributes, contact_name, contact_phone, contact_email, idempotency_key, sla_hours, sla_started_at,
                    due_at, reopen_count, rating, rating_comment, created_at, updated_at, resolved_at, closed_at,
                    department_id, organization_id, category_id, status_id)
                SELECT 'ZZ' || lpad(i::text, 12, '0'), s.open, 'web', '', 'ไฟถนนดับ ซอย ' || (i %% 97),
                    ST_SetSRID(ST_MakePoint(%(w)s + random() * (%(e)s - %(w)s), %(s)s + random() * (%(n)s - %(s)s)), 4326),
                    '', '{}'::jsonb, '', '', '', '', 16, t, t + interval '2 days', 0,
                    CASE WHEN NOT s.open AND i %% 3 = 0 THEN 1 + i %% 5 END, '', t, t,
                    CASE WHEN NOT s.open THEN t + interval '1 day' END, NULL,
                    %(dep)s, %(org)s, %(cat)s, s.id
                FROM generate_series(%(from)s, %(to)s - 1) AS i,
                     LATERAL (SELECT now() - (i %% 730) * interval '1 day' AS t) AS ts,
                     LATERAL (SELECT CASE WHEN i %% 10 < 8 THEN %(resolved)s ELSE %(received)s END AS id,
                                     (i %% 10 >= 8) AS open) AS s
                """,
                {
                    "w": WEST,
                    "e": EAST,
                    "s": SOUTH,
                    "n": NORTH,
                    "dep": works.pk,
                    "org": org.pk,
                    "cat": category.pk,
                    "resolved": statuses["resolved"],
                    "received": statuses["received"],
                    "from": have,
                    "to": cases,
                },
            )
            cursor.execute("analyze cases_case")
    return org, category.code, users[Role.DEPARTMENT_HEAD], users[Role.OFFICER]
