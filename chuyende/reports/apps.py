from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chuyende.reports"
    verbose_name = _("Reports")

    def ready(self):
        # Each module declares its computed indicators in <module>/indicators.py.
        from . import registry

        registry.autodiscover()
