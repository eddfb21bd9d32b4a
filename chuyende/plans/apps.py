from django.apps import AppConfig


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chuyende.plans"
    verbose_name = "Kế hoạch"

    def ready(self):
        # The open-assignment tallies (chuyende.plans.tallies) count assignments under their
        # unit: they follow subtree moves (the member tallies tell their followers) and take
        # each deleted assignment off, cascades included.
        from django.db.models.signals import pre_delete

        from chuyende.org import tallies as member_tallies

        from . import tallies
        from .models import Assignment

        followers = getattr(member_tallies, "FOLLOWERS", None)
        if followers is not None and tallies not in followers:
            followers.append(tallies)
        pre_delete.connect(
            _assignment_deleting, sender=Assignment, dispatch_uid="plans_assignment_tally"
        )


def _assignment_deleting(sender, instance, **kwargs):
    from . import tallies

    tallies.deleting(instance)
