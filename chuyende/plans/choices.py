from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    CLOSED = "closed", _("Closed")


class AssignmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("task status", "In progress")
    DONE = "done", _("Done")


# Shown on the board; "overdue" is derived from the due date, never stored.
BOARD_STATUSES = [
    ("not_started", _("Not started")),
    ("in_progress", pgettext_lazy("task status", "In progress")),
    ("overdue", _("Overdue")),
    ("done", _("Done")),
]
