from django.contrib import admin

from muang.core.admin import ScopedAdmin
from muang.ems.models import Unit


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ("call_sign", "organization", "kind", "level", "status")
