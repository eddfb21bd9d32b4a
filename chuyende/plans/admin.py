from django.contrib import admin

from .models import Assignment, Evidence, Occasion, Plan, Task


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["position", "ref", "title", "due_on"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "unit", "issued_on", "status"]
    list_filter = ["status"]
    search_fields = ["number", "title"]
    raw_id_fields = ["unit", "created_by"]
    inlines = [TaskInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["task", "unit", "status", "due_on"]
    list_filter = ["status"]
    raw_id_fields = ["task", "unit", "parent", "assigned_by"]
    list_select_related = ["task", "unit"]


admin.site.register(Occasion)
admin.site.register(Evidence)
