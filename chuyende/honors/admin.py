from django.contrib import admin

from .models import Award, AwardDecision, Nomination, NominationStep, Quota


class StepInline(admin.TabularInline):
    model = NominationStep
    extra = 0
    fields = ["action", "actor_name", "at", "from_unit", "to_unit", "comment"]
    readonly_fields = fields
    can_delete = False


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["nominee_name", "title", "unit", "holder", "category", "status", "year"]
    list_filter = ["status", "category", "kind", "year"]
    search_fields = ["nominee_name", "title"]
    raw_id_fields = ["unit", "holder", "member", "nominee_unit", "task", "created_by"]
    list_select_related = ["unit", "holder"]
    readonly_fields = ["status", "holder", "search_text"]
    inlines = [StepInline]


class AwardInline(admin.TabularInline):
    model = Award
    extra = 0
    raw_id_fields = ["nomination", "member", "unit"]
    readonly_fields = ["repeat_flag"]


@admin.register(AwardDecision)
class AwardDecisionAdmin(admin.ModelAdmin):
    list_display = ["number", "date", "unit", "award_kind", "thematic_review"]
    list_filter = ["award_kind", "thematic_review"]
    search_fields = ["number"]
    raw_id_fields = ["unit", "created_by"]
    inlines = [AwardInline]


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin):
    list_display = ["unit", "issuer", "year", "award_kind", "limit"]
    list_filter = ["year", "award_kind"]
    raw_id_fields = ["unit", "issuer"]
