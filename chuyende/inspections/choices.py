from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("Under inspection")
    CONCLUDED = "concluded", _("Concluded")
    CLOSED = "closed", _("Finished")


class Rating(models.TextChoices):
    GOOD = "good", _("Good")
    SATISFACTORY = "satisfactory", _("Satisfactory")
    WEAK = "weak", _("Weak")


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("Awaiting answer")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


# The words of the printed documents (always Vietnamese, whatever the screen language).
RATING_VI = {"good": "Tốt", "satisfactory": "Đạt", "weak": "Chưa đạt"}
