from django.db import models
from django.utils.translation import gettext_lazy as _


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    RATIO = "ratio", _("Ratio of two indicators (%)")
    MAX = "max", _("Maximum")
    YES_NO = "yesno", _("Yes / no")


class Source(models.TextChoices):
    COMPUTED = "computed", _("Counted from records")
    ENTERED = "entered", _("Entered by hand")


class PeriodKind(models.TextChoices):
    SEMESTER = "semester", _("6 months")
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")
    CAMPAIGN = "campaign", _("Campaign")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")
