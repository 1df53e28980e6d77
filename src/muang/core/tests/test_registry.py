"""The app contracts, assembled: who may do what, the menu, demo order, periodic tasks, and the checks that
catch a wrong declaration (muang.core.registry, muang.core.checks)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from muang.core import registry
from muang.core.checks import contract_errors
from muang.core.contract import (
    AppContract,
    DemoLoader,
    Grant,
    MenuEntry,
    Mount,
    OpenDataset,
    PeriodicTask,
)
from muang.core.models import Duty, Role
from muang.core.permissions import CorePerm

CASE_OFFICER = {"case.view", "case.create", "case.work"}
CASE_MANAGER = CASE_OFFICER | {"case.assign", "case.route"}
CARE_CENTRE = {"ems.alerts", "ems.alerts_read"}  # the care centre's board of wristband alerts (issue 13)


ESERVICE_WORK = {"eservice.application.view", "eservice.application.process"}
ESERVICE_DECIDE = ESERVICE_WORK | {"eservice.application.decide", "bill.issue"}
ESERVICE_CHARGE = {"eservice.charge.view", "eservice.charge.create"}
WASTE_CASHIER = {"waste.view", "waste.arrears"}
WASTE_WORK = {"waste.view", "waste.manage", "waste.crew"}


def test_the_grants_are_those_of_the_single_table_they_replace():
    """Moving each app's permissions, and what each department duty grants, into the apps' contracts changed
    nobody's rights (main's core.permissions ROLE_PERMISSIONS and DUTY_PERMISSIONS tables, written out)."""
    table = registry.permission_table()
    assert table.by_role[Role.OFFICER] == {"org.view", "kpi.view", "kpi.enter"} | CASE_OFFICER
    assert (
        table.by_role[Role.DEPARTMENT_HEAD]
        == {"org.view", "staff.view", "kpi.view", "kpi.enter", "kpi.approve"} | CASE_MANAGER
    )
    assert (
        table.by_role[Role.EXECUTIVE]
        == {
            "org.view",
            "staff.view",
            "audit.view",
            "rollup.view",
            "bill.view",
            "property.view",
            "iot.view",
            "iot.alarm_view",
            "lighting.view",
            "environment.view",
            "care.counts",
            "eservice.application.view",
            "waste.view",
            "waste.arrears",
            "kpi.view",
            "kpi.approve",
            "kpi.manage",
            "opendata.manage",
        }
        | CASE_MANAGER
    )
    assert table.by_role[Role.OVERSEER] == {"org.view", "rollup.view"}
    # Health records (care, and the wristband wearers' on the care centre's board) are restricted: the system
    # administrator holds everything else.
    assert table.restricted == {"care.view", "care.edit", "ems.alerts", "ems.wristbands"}
    assert table.by_role[Role.SYSTEM_ADMIN] == table.all - table.restricted
    assert table.oversight == {"org.view", "rollup.view", "care.counts"}
    assert table.by_scope == {
        "org:read": {"org.view"},
        "org:write": {"org.view", "org.edit", "department.edit"},
        "audit:read": {"audit.view"},
        "reports:submit": set(),
        "cases:read": {"case.view"},
        "cases:write": CASE_MANAGER,
        "iot:read": {"iot.view"},
        "ngsi:read": {"ngsi.read"},
        "lighting:read": {"lighting.view"},
        "environment:read": {"environment.view"},
        "care:counts": {"care.counts"},
        "ems:read": {"ems.view"},
        "ems:write": {"ems.view", "ems.dispatch"},
        "ems:alerts": {"ems.alerts_read"},
        "eservices:read": {"eservice.application.view", "eservice.charge.view"},
        "waste:read": {"waste.view"},
        "kpi:read": {"kpi.view"},
        "kpi:write": {"kpi.view", "kpi.manage"},
    }
    assert {
        "token.manage",
        "case.configure",
        "bill.issue",
        "payment.record",
        "bank.reconcile",
        "bill.adjust",
        "objection.file",
        "billing.configure",
        "valuation.edit",
        "staff.manage",
        "iot.manage",
        "iot.alarm_act",
        "lighting.manage",
        "environment.manage",
        "ems.manage",
        "waste.manage",
        "waste.bill",
        "waste.crew",
    } <= table.all
    assert registry.duty_permissions() == {
        Duty.TAX: {
            Role.OFFICER: {"property.view"},
            Role.DEPARTMENT_HEAD: {"property.view", "property.edit"},
        },
        Duty.FINANCE: {
            Role.OFFICER: {"bill.view", "payment.record", "bank.reconcile"} | ESERVICE_CHARGE | WASTE_CASHIER,
            Role.DEPARTMENT_HEAD: {
                "bill.view",
                "payment.record",
                "bank.reconcile",
                "bill.issue",
                "bill.adjust",
                "objection.file",
                "waste.bill",
            }
            | ESERVICE_CHARGE
            | WASTE_CASHIER,
        },
        Duty.ENGINEERING: {
            Role.OFFICER: {"iot.view", "iot.alarm_view", "iot.alarm_act", "lighting.view", "lighting.manage"}
            | ESERVICE_WORK,
            Role.DEPARTMENT_HEAD: {
                "iot.view",
                "iot.manage",
                "iot.alarm_view",
                "iot.alarm_act",
                "lighting.view",
                "lighting.manage",
            }
            | ESERVICE_DECIDE,
        },
        Duty.PUBLIC_HEALTH: {
            Role.OFFICER: {"environment.view"} | ESERVICE_WORK | WASTE_WORK,
            Role.DEPARTMENT_HEAD: {"environment.view", "environment.manage"} | ESERVICE_DECIDE | WASTE_WORK,
        },
        Duty.ADMINISTRATION: {Role.OFFICER: ESERVICE_WORK, Role.DEPARTMENT_HEAD: ESERVICE_DECIDE},
        Duty.SOCIAL_WELFARE: {Role.OFFICER: ESERVICE_WORK, Role.DEPARTMENT_HEAD: ESERVICE_DECIDE},
        Duty.EDUCATION: {Role.OFFICER: {"kpi.schools"}, Role.DEPARTMENT_HEAD: {"kpi.schools"}},
        Duty.DISASTER_PREVENTION: {
            Role.OFFICER: {"environment.view"},
            Role.DEPARTMENT_HEAD: {"environment.view", "environment.manage"},
        },
        Duty.CARE: {
            Role.OFFICER: {"care.view", "care.edit", "care.counts", *CARE_CENTRE, "ems.wristbands"},
            Role.DEPARTMENT_HEAD: {"care.view", "care.edit", "care.counts", *CARE_CENTRE, "ems.wristbands"},
        },
        Duty.EMERGENCY_MEDICAL: {
            Role.OFFICER: {"ems.view", "ems.dispatch", *CARE_CENTRE},
            Role.DEPARTMENT_HEAD: {"ems.view", "ems.dispatch", "ems.manage", *CARE_CENTRE},
        },
    }
    assert table.for_member(Role.OFFICER, [Duty.TAX, Duty.FINANCE]) == (
        {
            "org.view",
            "kpi.view",
            "kpi.enter",
            "property.view",
            "bill.view",
            "payment.record",
            "bank.reconcile",
        }
        | CASE_OFFICER
        | ESERVICE_CHARGE
        | WASTE_CASHIER
    )
    assert table.for_member(Role.EXECUTIVE, [Duty.FINANCE]) == table.by_role[Role.EXECUTIVE]


def test_core_holds_no_domain_permission_table():
    """Core grants only its own permissions: every domain right, by role or by duty, is its app's grant."""
    import muang.core.permissions as core_permissions

    (core,) = [p for p in registry.contracts() if p.label == "core"]
    own = core.contract.permission_codes()
    assert all({str(x) for x in grant.perms} <= own for grant in core.contract.grants)
    assert not any(grant.duty for grant in core.contract.grants)
    for name in ("ROLE_PERMISSIONS", "DUTY_PERMISSIONS", "SCOPE_PERMISSIONS", "Perm"):
        assert not hasattr(core_permissions, name)


def test_private_file_kinds_are_read_by_the_app_that_stores_them():
    from muang.core.checks import file_reader_errors

    assert set(registry.file_kinds()) == {
        "cases",
        "signboards",
        "parcels",
        "use-change",
        "kpi-evidence",
        "care-visits",
        "ems-wristband",
    }
    assert registry.file_reader("cases").__module__ == "muang.cases.selectors"
    assert registry.file_reader("nothing") is None
    assert file_reader_errors(registry.contracts()) == []
    without_cases = tuple(
        registry.Plugged(p.label, p.name, AppContract()) if p.label == "cases" else p
        for p in registry.contracts()
    )
    assert [e.id for e in file_reader_errors(without_cases)] == ["muang.E009"]


def _plugged(**contracts: AppContract) -> tuple[registry.Plugged, ...]:
    return tuple(registry.Plugged(label, f"muang.{label}", c) for label, c in contracts.items())


def test_a_duty_grant_needs_the_role_and_the_duty():
    from enum import StrEnum

    class P(StrEnum):
        READ = "thing.read"

    grant = Grant({P.READ}, roles={Role.OFFICER}, duty="public_health")
    contract = AppContract(permissions=[P], grants=[grant])
    assert contract_errors(_plugged(things=contract)) == []
    table = registry.build_permission_table(_plugged(things=contract))
    assert "thing.read" not in table.for_member(Role.OFFICER)
    assert "thing.read" in table.for_member(Role.OFFICER, ["finance", "public_health"])
    assert "thing.read" not in table.for_member(Role.OFFICER, ["finance"])
    assert "thing.read" not in table.for_member(Role.DEPARTMENT_HEAD, ["public_health"])
    assert "thing.read" in table.for_member(Role.SYSTEM_ADMIN)  # holds every declared permission
    with pytest.raises(ValueError, match="duty"):
        Grant({P.READ}, duty="public_health")
    # Only roles that belong to a department hold a department's duty; only duties core knows.
    for wrong in (
        Grant({P.READ}, roles={Role.EXECUTIVE}, duty="public_health"),
        Grant({P.READ}, roles={Role.OFFICER}, duty="karaoke"),
    ):
        bad = _plugged(things=AppContract(permissions=[P], grants=[wrong]))
        assert [e.id for e in contract_errors(bad)] == ["muang.E003"]
        with pytest.raises(ImproperlyConfigured, match="duty"):
            registry.build_permission_table(bad)


def test_a_restricted_permission_is_not_the_system_administrators_by_default():
    from enum import StrEnum

    class P(StrEnum):
        HEALTH = "health.read"

    contract = AppContract(
        permissions=[P],
        restricted={P.HEALTH},
        grants=[Grant({P.HEALTH}, roles={Role.OFFICER}, duty="social_welfare")],
    )
    table = registry.build_permission_table(_plugged(care=contract))
    assert "health.read" not in table.for_member(Role.SYSTEM_ADMIN)
    assert "health.read" in table.for_member(Role.OFFICER, ["social_welfare"])
    assert "health.read" in table.all  # the platform itself (SYSTEM) still holds it


def test_the_menu_follows_the_permissions_and_never_a_role_string():
    officer = registry.permission_table().by_role[Role.OFFICER]
    overseer = registry.permission_table().by_role[Role.OVERSEER]
    admin = registry.permission_table().by_role[Role.SYSTEM_ADMIN]
    labels = lambda perms: [link.url for link in registry.staff_menu(perms)]  # noqa: E731
    assert labels(officer) == ["/", "/kpi/", "/work/cases/"]
    tax_officer = registry.permission_table().for_member(Role.OFFICER, [Duty.TAX])
    assert labels(tax_officer) == ["/", "/kpi/", "/work/cases/", "/tax/", "/tax/map/"]
    engineer = registry.permission_table().for_member(Role.OFFICER, [Duty.ENGINEERING])
    assert labels(engineer) == [
        "/",
        "/kpi/",
        "/work/cases/",
        "/eservices/staff/applications/",
        "/lighting/",
        "/iot/devices/",
        "/iot/alarms/",
    ]
    assert labels(overseer) == ["/", "/kpi/rollup/", "/care/counts/"]
    assert labels(admin) == [
        "/",
        "/kpi/",
        "/kpi/rollup/",
        "/work/cases/",
        "/tax/",
        "/billing/bills/",
        "/tax/map/",
        "/eservices/staff/applications/",
        "/lighting/",
        "/care/counts/",
        "/waste/",
        "/waste/crew/",
        "/iot/devices/",
        "/env/staff/",
        "/iot/alarms/",
        "/ems/",
        "/ems/incidents/new/",
        "/open-data/staff/",
        "/tokens/",
        "/admin/",
        "/api/v1/docs",
    ]
    assert [link.url for link in registry.public_menu()] == [
        "/r/",
        "/reports/map/",
        "/reports/stats/",
        "/my-tax/",
        "/eservices/",
        "/env/",
        "/open-data/",
        "/accounts/login/",
    ]


@pytest.mark.django_db
def test_the_menu_runs_no_query_per_entry(areas, django_assert_num_queries, monkeypatch):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from muang.billing.tests.factories import billing_organization, revenue_member
    from muang.core import context_processors
    from muang.core.tests.factories import member

    admin = registry.permission_table().by_role[Role.SYSTEM_ADMIN]
    with django_assert_num_queries(0):
        assert len(registry.staff_menu(admin)) == 21
        assert len(registry.public_menu()) == 8

    def queries_of(user, *, menu: bool) -> int:
        client = Client()
        client.force_login(user)
        client.get("/")  # warm the session
        with monkeypatch.context() as m:
            if not menu:
                m.setattr(context_processors, "_menu", lambda request, membership: [])
            with CaptureQueriesContext(connection) as captured:
                client.get("/")
        return len(captured)

    org = billing_organization()
    system_admin = member(org, Role.SYSTEM_ADMIN)
    assert queries_of(system_admin, menu=True) == queries_of(system_admin, menu=False)
    # A member of the department holding the finance and tax duties: the duties come with the membership's
    # department, so the duty-aware menu costs no query either, and it shows what the duties grant.
    cashier = revenue_member(org)
    assert queries_of(cashier, menu=True) == queries_of(cashier, menu=False)
    client = Client()
    client.force_login(cashier)
    page = client.get("/").content.decode()
    assert 'href="/billing/bills/"' in page and 'href="/tax/"' in page
    client.force_login(member(org, Role.OFFICER))  # an officer of no department: neither
    page = client.get("/").content.decode()
    assert 'href="/billing/bills/"' not in page and 'href="/tax/"' not in page


def test_demo_loaders_run_after_what_they_need_whatever_the_app_order():
    assert [loader.name for loader in registry.demo_loaders()] == [
        "core.organizations",
        "cases.holidays",
        "property.tax_map",
        "property.bills",
        "billing.payments",
        "reports.reports",
        "selfservice.taxpayer",
        "iot.devices",
        "lighting.poles",
        "environment.stations",
        "care.people",
        "care.allowances",
        "care.visits",
        "ems.ems",
        "ems.wristbands",
        "eservices.catalogue",
        "eservices.applications",
        "waste.accounts",
        "kpi.snapshots",
        "opendata.publications",
    ]
    a, b, c = DemoLoader("x.a", "m.a", after=("x.c",)), DemoLoader("x.b", "m.b"), DemoLoader("x.c", "m.c")
    assert [d.name for d in registry.order_demo_loaders([a, b, c])] == ["x.b", "x.c", "x.a"]
    before = DemoLoader("x.d", "m.d", before=("x.b",))
    assert [d.name for d in registry.order_demo_loaders([b, before])] == ["x.d", "x.b"]
    missing = DemoLoader("x.e", "m.e", after=("parking.meters",))  # an app that is not installed
    assert registry.order_demo_loaders([missing]) == (missing,)
    with pytest.raises(ImproperlyConfigured, match="circle"):
        registry.order_demo_loaders(
            [DemoLoader("x.a", "m", after=("x.b",)), DemoLoader("x.b", "m", after=("x.a",))]
        )


def test_periodic_tasks_of_every_app_are_scheduled():
    assert {(p.task, p.every) for p in registry.periodic_tasks()} == {
        ("muang.core.tasks.deliver_notifications", 30),
        ("muang.cases.tasks.escalate_overdue_cases", 900),
        ("muang.property.tasks.fail_stale_assessment_runs", 300),
        ("muang.reports.tasks.send_overdue_digest", 900),
        ("muang.iot.tasks.maintain_telemetry_partitions", 6 * 3600),
        ("muang.iot.tasks.mark_silent_devices", 60),
        ("muang.iot.tasks.roll_up_telemetry", 300),
        ("muang.lighting.tasks.sweep_faults", 60),
        ("muang.lighting.tasks.send_schedule_commands", 60),
        ("muang.eservices.tasks.notify_late_applications", 6 * 3600),
        ("muang.eservices.tasks.settle_paid_applications", 600),
        ("muang.eservices.tasks.remind_licence_renewals", 24 * 3600),
        ("muang.waste.tasks.dispatch_missed_collections", 60),
        ("muang.kpi.tasks.snapshot_closed_month", 6 * 3600),
        ("muang.opendata.tasks.refresh_datasets", 900),
        ("muang.care.tasks.plan_visits_this_month", 6 * 3600),
        ("muang.ems.tasks.run_alert_timers", 5),
    }


def test_the_apps_offer_their_kpi_sources():
    assert {(k.code, k.unit, k.direction) for k in registry.kpi_sources()} == {
        ("cases.resolved_within_sla", "%", "up"),
        ("cases.median_days_to_resolve", "days", "down"),
        ("cases.satisfaction", "stars", "up"),
        ("billing.collected_share", "%", "up"),
        ("billing.arrears", "THB", "down"),
        ("care.socially_active", "count", "up"),
        ("care.home_bound", "count", "down"),
        ("care.bed_bound", "count", "down"),
        ("care.dependent_with_plan", "%", "up"),
        ("care.allowances_paid_on_time", "%", "up"),
        ("care.visits_done", "%", "up"),
        ("ems.response_minutes", "minutes", "down"),
        ("ems.red_within_8_minutes", "%", "up"),
        ("eservices.decided_on_time", "%", "up"),
        ("eservices.median_days", "days", "down"),
        ("eservices.fees_billed", "THB", "up"),
        ("eservices.fees_collected", "THB", "up"),
        ("waste.collection_rate", "%", "up"),
        ("waste.arrears", "THB", "down"),
        ("lighting.lamp_availability", "%", "up"),
        ("lighting.energy_saved", "kWh", "up"),
        ("environment.pm25_days", "days", "down"),
    }


def test_the_apps_offer_their_open_datasets_and_a_wrong_one_is_refused(monkeypatch):
    assert [d.code for d in registry.open_datasets()] == [
        "property.parcels",
        "reports.cases",
        "lighting.streetlights",
        "environment.air_quality",
        "environment.water_levels",
        "kpi.values",
    ]
    monkeypatch.setattr(registry, "collected", lambda name: ("muang.core.registry.Plugged",))
    with pytest.raises(ImproperlyConfigured, match="not an OpenDataset"):
        registry.open_datasets()
    with pytest.raises(ValueError, match="%\\(org\\)s"):
        OpenDataset("x.y", "t", "d", from_sql="t", tenant_sql="true", order_sql="1", columns=())


def test_the_installed_contracts_pass_their_checks():
    assert contract_errors(registry.contracts()) == []


def test_a_wrong_declaration_is_named_by_the_checks():
    from enum import StrEnum

    class Dup(StrEnum):
        VIEW = "org.view"  # core's

    bad = AppContract(
        urls=[Mount("billing/", "muang.billing.urls")],  # billing's prefix
        menu=[MenuEntry("x", "no-such-page", "nope.view")],
        permissions=[Dup],
        grants=[Grant({"ghost.perm"}, roles={"mayor"}, scopes={"ghost:scope"})],
        periodic_tasks=[PeriodicTask("muang.core.tasks.no_such_task", 60)],
        demo=[DemoLoader("bad.demo", "muang.core.demo.load_demo", after=("core.no_such_loader",))],
    )
    codes = {e.id for e in contract_errors((*registry.contracts(), *_plugged(bad=bad)))}
    assert codes == {f"muang.E00{n}" for n in (1, 2, 3, 4, 5, 6, 7)}


def test_permissions_are_plain_strings_and_the_enums_are_the_apps_own():
    assert CorePerm.ORG_VIEW == "org.view"
    owners = {p.label: p.contract.permission_codes() for p in registry.contracts()}
    assert "case.work" in owners["cases"] and "bill.view" in owners["billing"]
    assert "property.view" in owners["property"] and not owners["core"] & owners["cases"]
