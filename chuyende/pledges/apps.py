from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chuyende.pledges"
    verbose_name = _("Personal pledges")

    def ready(self):
        # The pledge tallies count pledges under their member's unit: the member tallies tell
        # them of every write to members and units (chuyende.pledges.tallies).
        from chuyende.org import tallies as member_tallies

        from . import tallies

        followers = getattr(member_tallies, "FOLLOWERS", None)
        if followers is not None and tallies not in followers:
            followers.append(tallies)
