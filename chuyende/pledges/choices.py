from django.db import models
from django.utils.translation import gettext_lazy as _


class PledgeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft pledge")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")


class PledgeSource(models.TextChoices):
    ONLINE = "online", _("Written online")
    PAPER = "paper", _("Entered from a paper form")
    IMPORT = "import", _("Imported from a spreadsheet")


class Rating(models.TextChoices):
    """The four levels civil servants, public employees and Party members are rated on."""

    EXCELLENT = "excellent", _("Excellently fulfilled duties")
    GOOD = "good", _("Well fulfilled duties")
    FULFILLED = "fulfilled", _("Fulfilled duties")
    NOT_FULFILLED = "not_fulfilled", _("Did not fulfil duties")


TOP_RATING = Rating.EXCELLENT.value

# The scale a template uses unless it says otherwise: (code, label as printed, in Vietnamese).
DEFAULT_RATING_LEVELS = [
    {"code": "excellent", "label": "Hoàn thành xuất sắc nhiệm vụ"},
    {"code": "good", "label": "Hoàn thành tốt nhiệm vụ"},
    {"code": "fulfilled", "label": "Hoàn thành nhiệm vụ"},
    {"code": "not_fulfilled", "label": "Không hoàn thành nhiệm vụ"},
]
UNION_TITLE = "Đoàn viên công đoàn xuất sắc"


class ItemResult(models.TextChoices):
    DONE = "done", _("Carried out")
    PARTLY = "partly", _("Partly done")
    NOT_DONE = "not_done", _("Not done")


class ImportStatus(models.TextChoices):
    CHECKED = "checked", _("Checked, waiting")
    IMPORTED = "imported", _("Imported")
    DISCARDED = "discarded", _("Discarded")
