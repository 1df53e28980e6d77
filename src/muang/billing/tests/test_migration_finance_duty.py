"""An installation upgraded past billing 0004 keeps its billing staff: the BillingProfile's revenue department
becomes a department holding the finance duty (and the tax duty: the revenue section keeps the registry)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("billing", "0003_billline_source_index")]
AFTER = [("billing", "0004_finance_duty_replaces_revenue_department")]


@pytest.mark.django_db(transaction=True)
def test_the_revenue_department_gets_the_finance_and_tax_duties():
    executor = MigrationExecutor(connection)
    # Only billing goes back: core (with Department.duties) stays where it is.
    core = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "core"]
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE + core).apps
    Province = old.get_model("core", "Province")
    Organization = old.get_model("core", "Organization")
    Department = old.get_model("core", "Department")
    BillingProfile = old.get_model("billing", "BillingProfile")
    province = Province.objects.create(code="40", name_th="ขอนแก่น", name_en="Khon Kaen")

    def organization(slug: str):
        return Organization.objects.create(
            slug=slug, kind="sao", name_th=slug, name_en=slug, province=province
        )

    with_profile, without = organization("a"), organization("b")
    revenue = Department.objects.create(
        organization=with_profile, code="revenue", name_th="กองคลัง", name_en="F"
    )
    works = Department.objects.create(organization=with_profile, code="works", name_th="กองช่าง", name_en="W")
    other = Department.objects.create(organization=without, code="finance", name_th="กองคลัง", name_en="F")
    BillingProfile.objects.create(
        organization=with_profile, biller_id="099400016550100", revenue_department=revenue
    )
    BillingProfile.objects.create(organization=without, biller_id="099400016550101")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER + core).apps
    departments = new.get_model("core", "Department").objects.filter(organization__slug__in=["a", "b"])
    duties = dict(departments.values_list("pk", "duties"))
    assert duties == {revenue.pk: ["finance", "tax"], works.pk: [], other.pk: []}

    # And back: the department holding the finance duty is named the revenue department again.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    profile = executor.loader.project_state(BEFORE + core).apps.get_model("billing", "BillingProfile")
    assert profile.objects.get(organization__slug="a").revenue_department_id == revenue.pk
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
