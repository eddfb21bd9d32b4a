from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chuyende.privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from . import signals  # noqa: F401  (the menu kept in the session at login)
