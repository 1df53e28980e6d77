"""Billing rights now come from the finance duty of a department (core.Department.duties), not from the
BillingProfile's revenue department: that department gets the finance duty, and the tax duty too, since the
revenue section that collects the tax sits in it (งานพัฒนาและจัดเก็บรายได้, กองคลัง) and the tax registry is
now the tax duty's. An organisation without a revenue department keeps no billing staff beyond its system
administrators and executives, as before; tax staff in other departments need their department given the tax
duty in the admin (Departments)."""

from django.db import migrations

DUTIES = ("finance", "tax")


def give_duties(apps, schema_editor):
    BillingProfile = apps.get_model("billing", "BillingProfile")
    Department = apps.get_model("core", "Department")
    ids = BillingProfile.objects.exclude(revenue_department=None).values_list("revenue_department_id", flat=True)
    for department in Department.objects.filter(pk__in=list(ids)):
        department.duties = [*department.duties, *(d for d in DUTIES if d not in department.duties)]
        department.save(update_fields=["duties"])


def name_revenue_departments(apps, schema_editor):
    BillingProfile = apps.get_model("billing", "BillingProfile")
    Department = apps.get_model("core", "Department")
    for profile in BillingProfile.objects.filter(revenue_department=None):
        department = (
            Department.objects.filter(organization_id=profile.organization_id, duties__contains=["finance"])
            .order_by("pk")
            .first()
        )
        if department is not None:
            profile.revenue_department = department
            profile.save(update_fields=["revenue_department"])


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0003_billline_source_index"),
        ("core", "0008_department_duties"),
    ]

    operations = [
        migrations.RunPython(give_duties, name_revenue_departments),
        migrations.RemoveField(model_name="billingprofile", name="revenue_department"),
    ]
