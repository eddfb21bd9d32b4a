from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionKind(models.TextChoices):
    CONFERENCE = "conference", _("Study conference")
    PERIODIC = "periodic", _("Periodic union meeting")
    ONLINE = "online", _("Online session")


class SessionDelivery(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    COMBINED = "combined", _("In person and online")


class ExpectedMode(models.TextChoices):
    NUMBER = "number", _("A number of people")
    MEMBERS = "members", _("All members of the units chosen below")


class AttendanceSource(models.TextChoices):
    QR = "qr", _("Checked in by the code")
    REGISTER = "register", _("Ticked by an officer")


class CheckinState(models.TextChoices):
    NOT_OPEN = "not_open", _("Not open yet")
    OPEN = "open", _("Open for check-in")
    CLOSED = "closed", _("Closed")


# Hours before the session day when check-in may open (officers test the code beforehand).
OPENS_BEFORE_CHOICES = [
    (0, _("At the start of the session day")),
    (1, _("1 hour before the day")),
    (3, _("3 hours before the day")),
    (6, _("6 hours before the day")),
    (12, _("12 hours before the day")),
    (24, _("The day before")),
]
