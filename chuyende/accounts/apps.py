from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chuyende.accounts"
    verbose_name = _("Account security")

    def ready(self):
        from . import signals  # noqa: F401  (receivers that call services)
