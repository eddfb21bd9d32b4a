from django.contrib import admin
from django.db import transaction
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from chuyende.core.audit import audit_record
from chuyende.core.models import AuditAction

from .models import Member, RoleAssignment, Unit, UnitEvent


class DerivedColumnsAdmin:
    """Saves from the admin keep the derived search and sort columns (the screens' services do
    the same) and leave an audit row like every other write."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            obj.refresh_derived()
            super().save_model(request, obj, form, change)
            unit = obj if isinstance(obj, Unit) else obj.unit
            action = AuditAction.UPDATE if change else AuditAction.CREATE
            audit_record(actor=request.user, action=action, obj=obj, unit=unit)


@admin.register(Unit)
class UnitAdmin(DerivedColumnsAdmin, TreeAdmin):
    form = movenodeform_factory(Unit, exclude=["merged_into"])
    list_display = ["name", "code", "kind", "sub_kind", "active"]
    list_filter = ["kind", "sub_kind", "active"]
    search_fields = ["name", "code", "search_name"]


@admin.register(Member)
class MemberAdmin(DerivedColumnsAdmin, admin.ModelAdmin):
    list_display = ["full_name", "unit", "gender", "ethnicity", "status"]
    list_filter = ["gender", "status", "union_position"]
    search_fields = ["search_name", "card_number"]
    raw_id_fields = ["unit", "user"]
    list_select_related = ["unit"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


@admin.register(UnitEvent)
class UnitEventAdmin(admin.ModelAdmin):
    list_display = ["at", "unit", "kind", "actor"]
    raw_id_fields = ["unit", "other_unit", "actor"]
    list_select_related = ["unit", "actor"]
