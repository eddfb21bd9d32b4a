"""Pledges in the Django admin: for system administrators to look things up. Writes go through
the screens (services write the audit log), so the admin is read-only, except that stale import
batches (which hold members' data) may be deleted."""

from django.contrib import admin

from .models import Evaluation, Pledge, PledgeImport, PledgeSection, PledgeTemplate


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SectionInline(ReadOnlyMixin, admin.TabularInline):
    model = PledgeSection
    extra = 0
    fields = ["position", "code", "title", "min_items", "unit"]
    readonly_fields = fields
    ordering = ["position", "id"]


@admin.register(PledgeTemplate)
class PledgeTemplateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "unit", "year", "published", "min_actions", "max_actions"]
    list_filter = ["year", "published"]
    search_fields = ["title", "unit__name"]
    raw_id_fields = ["unit", "plan", "created_by"]
    list_select_related = ["unit"]
    inlines = [SectionInline]


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["full_name", "unit_name", "year", "status", "source", "version", "is_current"]
    list_filter = ["year", "status", "source", "is_current"]
    search_fields = ["full_name", "unit_name"]
    raw_id_fields = ["member", "template", "previous", "reviewer", "created_by"]
    list_select_related = ["member"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pledge", "proposed_rating", "final_rating", "union_title", "rated_at"]
    list_filter = ["final_rating", "union_title"]
    search_fields = ["pledge__full_name"]
    raw_id_fields = ["pledge", "rated_by", "proposed_exemplar_by"]
    list_select_related = ["pledge"]


@admin.register(PledgeImport)
class PledgeImportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["file_name", "unit", "template", "status", "total_rows", "imported"]
    list_filter = ["status"]
    raw_id_fields = ["unit", "template", "created_by"]
    list_select_related = ["unit", "template"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
