from django.contrib import admin

from .models import Indicator, Report, ReportForm, ReportingPeriod


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "aggregation", "source", "position"]
    list_filter = ["source", "aggregation"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "start", "end", "due", "locks_on"]


@admin.register(ReportForm)
class ReportFormAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "period_kind", "reporting_kind", "recipient"]
    raw_id_fields = ["plan", "recipient"]
    filter_horizontal = ["indicators"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["unit", "period", "form", "status", "submitted_at"]
    list_filter = ["status", "period"]
    raw_id_fields = ["unit", "form", "submitted_by", "reviewed_by"]
    list_select_related = ["unit", "period", "form"]
