"""Choices of `honors` and the reward rules of QĐ 999/QĐ-TLĐ (2024) the flow follows."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from chuyende.org.choices import UnitKind


class NomineeKind(models.TextChoices):
    PERSON = "person", _("A member")
    COLLECTIVE = "collective", _("A collective (union unit)")


class Category(models.TextChoices):
    GOOD_DEEDS = "good_deeds", _("Good people, good deeds")
    FOLLOWING_UNCLE_HO = (
        "following_uncle_ho",
        _("Exemplar in studying and following Ho Chi Minh's ideology, ethics and style"),
    )
    GOOD_MODEL = "good_model", _("Good model")
    EFFECTIVE_PRACTICE = "effective_practice", _("Effective practice")


class NominationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    RETURNED = "returned", _("Returned for changes")
    FORWARDED = "forwarded", _("Forwarded to the provincial federation")
    REJECTED = "rejected", _("Not accepted")
    GRANTED = "granted", _("Awarded")
    PRAISED = "praised", _("Praised")
    FORWARDED_TLD = "forwarded_tld", _("Proposed to the Confederation")


PENDING = (NominationStatus.SUBMITTED, NominationStatus.FORWARDED)
# Approved: what the public showcase may show (when the proposer allowed it).
APPROVED = (NominationStatus.GRANTED, NominationStatus.PRAISED, NominationStatus.FORWARDED_TLD)
CLOSED = (*APPROVED, NominationStatus.REJECTED)


class StepAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    RETURN = "return", _("Returned with a comment")
    REJECT = "reject", _("Not accepted")
    FORWARD = "forward", _("Forwarded")
    GRANT = "grant", _("Awarded")
    PRAISE = "praise", _("Praised")


class AwardKind(models.TextChoices):
    GIAY_KHEN = "giay_khen", _("Certificate of merit (Giấy khen)")
    BANG_KHEN = "bang_khen", _("Certificate of commendation (Bằng khen)")


# QĐ 999/QĐ-TLĐ (2024): Giấy khen from a grassroots union or an upper-level union; Bằng khen
# from the provincial federation or the Confederation.
GRANTS = {
    UnitKind.GRASSROOTS: (AwardKind.GIAY_KHEN,),
    UnitKind.UPPER: (AwardKind.GIAY_KHEN,),
    UnitKind.PROVINCE: (AwardKind.BANG_KHEN,),
    UnitKind.CONFEDERATION: (AwardKind.BANG_KHEN,),
}
# Units that propose (the federation's departments and the province itself decide instead).
PROPOSER_KINDS = (UnitKind.GRASSROOTS, UnitKind.UPPER, UnitKind.AFFILIATE)
# Levels that review what the units below them propose.
REVIEWER_KINDS = (UnitKind.UPPER, UnitKind.PROVINCE)
