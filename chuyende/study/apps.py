from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chuyende.study"
    verbose_name = _("Study sessions")

    def ready(self):
        # A member deleted takes their attendance rows with them: the member tallies tell the
        # session counts (chuyende.study.counts) before the delete.
        from chuyende.org import tallies as member_tallies

        from . import counts

        followers = getattr(member_tallies, "FOLLOWERS", None)
        if followers is not None and counts not in followers:
            followers.append(counts)
