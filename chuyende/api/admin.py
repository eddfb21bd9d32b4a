from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import PersonalAccessToken


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    """System administrators see every token (never the token itself: only its hash is kept)
    and revoke those of an account that no longer needs them."""

    list_display = [
        "name",
        "owner",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "owner__username", "prefix"]
    fields = list_display[:-1] + ["last_used_ip", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the audit log keeps who did it

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        n = services.tokens_revoke(tokens=queryset, acting_user=request.user)
        self.message_user(
            request,
            ngettext("%(n)s token revoked.", "%(n)s tokens revoked.", n) % {"n": n},
            messages.SUCCESS,
        )
