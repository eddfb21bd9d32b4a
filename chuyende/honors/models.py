from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuyende.core.scoping import ScopedQuerySet
from chuyende.core.uploads import UploadTo

from .choices import APPROVED, AwardKind, Category, NominationStatus, NomineeKind, StepAction


class Nomination(models.Model):
    """A proposal to praise or reward a member or a collective (đề xuất biểu dương, khen
    thưởng). It is proposed by `unit` and travels up the tree: `holder` is the unit whose turn
    it is. Visible to the proposing unit's subtree and to every level above it."""

    scope_path = "unit__path"

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("proposing unit"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    holder = models.ForeignKey(
        "org.Unit",
        verbose_name=_("now with"),
        on_delete=models.PROTECT,
        related_name="held_nominations",
    )
    kind = models.CharField(
        _("nominee"), max_length=12, choices=NomineeKind.choices, default=NomineeKind.PERSON
    )
    member = models.ForeignKey(
        "org.Member",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    nominee_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("collective"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collective_nominations",
    )
    # The name printed in decisions and on the showcase, kept as it was when proposed.
    nominee_name = models.CharField(_("name"), max_length=255)
    nominee_position = models.CharField(_("position, job"), max_length=255, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title of the story"), max_length=255)
    achievement = models.TextField(_("achievements"))
    figures = models.TextField(_("figures"), blank=True)
    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("plan task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occasion = models.CharField(_("occasion of the award"), max_length=255, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=NominationStatus.choices,
        default=NominationStatus.SUBMITTED,
    )
    showcase = models.BooleanField(_("show on the public showcase once approved"), default=True)
    source = models.CharField(_("proposed through"), max_length=40, blank=True)
    search_text = models.TextField(editable=False, default="")
    submitted_on = models.DateField(_("proposed on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_on", "-id"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        indexes = [
            models.Index(fields=["status", "holder"], name="honors_nom_status_holder"),
            models.Index(fields=["unit", "submitted_on"], name="honors_nom_unit_date"),
            models.Index(fields=["status", "showcase"], name="honors_nom_public"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=NomineeKind.PERSON) & Q(member__isnull=False))
                | (Q(kind=NomineeKind.COLLECTIVE) & Q(nominee_unit__isnull=False)),
                name="honors_nomination_nominee",
                violation_error_message=_("Choose the member or the collective proposed."),
            ),
        ]

    def __str__(self):
        return f"{self.nominee_name} — {self.title}"

    @property
    def is_approved(self) -> bool:
        return self.status in APPROVED

    @property
    def nominee_home(self):
        """The unit the nominee belongs to (the member's unit, or the collective itself)."""
        return self.member.unit if self.kind == NomineeKind.PERSON else self.nominee_unit


class NominationStep(models.Model):
    """One step of a nomination's way up: who did what, when, why, from which unit to which."""

    scope_path = "nomination__unit__path"

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=10, choices=StepAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("time"))
    comment = models.TextField(_("comment"), blank=True)
    from_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("nomination step")
        verbose_name_plural = _("nomination steps")

    def __str__(self):
        return f"{self.nomination_id} {self.action}"

    @property
    def is_keep(self) -> bool:
        """A submission to the proposing union itself: kept for its own Giấy khen."""
        return self.action == StepAction.SUBMIT and self.to_unit_id == self.nomination.unit_id


class NominationPhoto(models.Model):
    """A photo of the nominee or the model; shown publicly only once the nomination is
    approved for the showcase, and always through a view, never from a media URL."""

    scope_path = "nomination__unit__path"

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=UploadTo("honors/photos"))
    content_type = models.CharField(max_length=30)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("nomination photo")
        verbose_name_plural = _("nomination photos")

    def __str__(self):
        return self.caption or self.image.name.rsplit("/", 1)[-1]


class NominationFile(models.Model):
    """Evidence (a report of achievements, a certificate): never public."""

    scope_path = "nomination__unit__path"

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=UploadTo("honors/evidence"))
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    added_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.name


class Quota(models.Model):
    """At most `limit` awards of `award_kind` granted by `issuer` in `year` to nominees
    proposed from `unit`'s subtree."""

    scope_path = "unit__path"

    issuer = models.ForeignKey(
        "org.Unit", verbose_name=_("granting level"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="honor_quotas",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    award_kind = models.CharField(_("award"), max_length=12, choices=AwardKind.choices)
    limit = models.PositiveIntegerField(_("at most"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "issuer__path", "unit__path", "award_kind"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "unit", "year", "award_kind"],
                name="honors_quota_unique",
                violation_error_message=_("This quota is already set; change its number."),
            ),
        ]

    def __str__(self):
        return f"{self.unit_id} {self.year} {self.award_kind} ≤ {self.limit}"


class AwardDecision(models.Model):
    """An award decision (quyết định khen thưởng) of a unit: its awardees are the nominations
    it grants, listed in the annex of the printed decision."""

    scope_path = "unit__path"

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("issuing unit"),
        on_delete=models.PROTECT,
        related_name="award_decisions",
    )
    award_kind = models.CharField(_("award"), max_length=12, choices=AwardKind.choices)
    number = models.CharField(_("number"), max_length=40)
    date = models.DateField(_("date"))
    reason = models.TextField(_("for"))
    occasion = models.CharField(_("occasion of the award"), max_length=255, blank=True)
    thematic_review = models.BooleanField(
        _("thematic review (e.g. the 3-year review of Conclusion 01-KL/TW)"), default=False
    )
    signer_authority = models.CharField(_("signing on behalf of"), max_length=120, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=120)
    signer_name = models.CharField(_("signer"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "number"],
                name="honors_decision_unique_number",
                violation_error_message=_("This unit already has a decision with this number."),
            ),
        ]

    def __str__(self):
        return self.number


class Award(models.Model):
    """One awardee of a decision: the nomination granted, for a person or a collective."""

    scope_path = "decision__unit__path"

    decision = models.ForeignKey(AwardDecision, on_delete=models.CASCADE, related_name="awards")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="awards")
    member = models.ForeignKey(
        "org.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    repeat_flag = models.BooleanField(_("second award of this kind this year"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["decision", "position", "id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "nomination"], name="honors_award_once_per_decision"
            ),
        ]

    def __str__(self):
        return f"{self.decision_id} — {self.nomination_id}"


__all__ = [
    "Award",
    "AwardDecision",
    "AwardKind",
    "Nomination",
    "NominationFile",
    "NominationPhoto",
    "NominationStep",
    "Quota",
]
