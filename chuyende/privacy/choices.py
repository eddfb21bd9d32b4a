from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentAction(models.TextChoices):
    GIVEN = "given", _("Consent given")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")


class ConsentMethod(models.TextChoices):
    ONLINE = "online", _("Online, by the member")
    PAPER = "paper", _("Paper form, recorded by an officer")


class ConsentState(models.TextChoices):
    """A member's consent as of now (derived from the latest record)."""

    CURRENT = "current", _("Consented to the current notice")
    OUTDATED = "outdated", _("Consented to an earlier notice")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NONE = "none", _("No consent recorded")


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the union")
    ACCEPTED = "accepted", _("Accepted and corrected")
    REJECTED = "rejected", _("Rejected")


# Member fields a member may ask to have corrected (the organisational ones — unit, status,
# union position — are decisions of the union, changed through its own procedures).
CORRECTABLE_FIELDS = (
    "full_name",
    "gender",
    "date_of_birth",
    "ethnicity",
    "religion",
    "phone",
    "email",
    "id_number",
    "card_number",
    "job_title",
    "joined_on",
)
