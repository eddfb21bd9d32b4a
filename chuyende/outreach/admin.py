from django.contrib import admin

from .models import OutreachPost, UnitWebsite


@admin.register(OutreachPost)
class OutreachPostAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "channel", "published_on", "status"]
    list_filter = ["status", "channel"]
    search_fields = ["title", "link"]
    raw_id_fields = ["unit", "occasion", "task", "created_by", "reviewed_by"]
    list_select_related = ["unit"]
    date_hierarchy = "published_on"


@admin.register(UnitWebsite)
class UnitWebsiteAdmin(admin.ModelAdmin):
    list_display = ["domain", "unit"]
    search_fields = ["domain"]
    raw_id_fields = ["unit"]
