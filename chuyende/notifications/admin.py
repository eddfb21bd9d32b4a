from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "kind", "unit", "created_at", "read_at", "emailed_at")
    list_filter = ("kind", "day")
    search_fields = ("title", "user__username")
    raw_id_fields = ("user", "unit")
