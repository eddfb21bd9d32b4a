from django.contrib import admin

from .models import Material, MaterialDownload


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "unit", "plan", "published", "created_at"]
    list_filter = ["kind", "published"]
    search_fields = ["title", "search_title", "original_name"]
    raw_id_fields = ["unit", "plan", "uploaded_by"]
    list_select_related = ["unit", "plan"]
    readonly_fields = ["search_title", "audience_keys", "file_size"]


@admin.register(MaterialDownload)
class MaterialDownloadAdmin(admin.ModelAdmin):
    list_display = ["material", "unit", "user", "at"]
    raw_id_fields = ["material", "unit", "user"]
    list_select_related = ["material", "unit", "user"]
    date_hierarchy = "at"
