from django.contrib import admin

from .models import Attendance, SessionPhoto, StudySession


class PhotoInline(admin.TabularInline):
    model = SessionPhoto
    extra = 0
    fields = ["caption", "content_type", "added_at"]
    readonly_fields = ["content_type", "added_at"]


@admin.register(StudySession)
class StudySessionAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "date", "kind", "code", "expected_count", "headcount_total"]
    list_filter = ["kind", "delivery"]
    search_fields = ["title", "code"]
    date_hierarchy = "date"
    raw_id_fields = ["unit", "task", "created_by", "expected_units"]
    list_select_related = ["unit"]
    readonly_fields = ["code", "expected_count"]
    inlines = [PhotoInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "member", "source", "checked_in_at"]
    list_filter = ["source"]
    raw_id_fields = ["session", "member", "recorded_by"]
    list_select_related = ["session", "member"]
