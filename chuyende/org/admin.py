from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Member, RoleAssignment, Unit, UnitEvent


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    form = movenodeform_factory(Unit, exclude=["merged_into"])
    list_display = ["name", "code", "kind", "sub_kind", "active"]
    list_filter = ["kind", "sub_kind", "active"]
    search_fields = ["name", "code", "search_name"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
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
