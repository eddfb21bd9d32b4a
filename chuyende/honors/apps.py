from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chuyende.honors"
    verbose_name = _("Honors and awards")
