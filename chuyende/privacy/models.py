from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuyende.core.scoping import ScopedQuerySet

from .choices import CORRECTABLE_FIELDS, ConsentAction, ConsentMethod, CorrectionStatus


def _field_label(name):
    from chuyende.org.models import Member

    return Member._meta.get_field(name).verbose_name


class ConsentRecord(models.Model):
    """One consent given or withdrawn by a member for one version of the privacy notice.
    Records are never changed: a member's consent is their latest record."""

    scope_path = "member__unit__path"
    scope_owner = "member__user"

    member = models.ForeignKey(
        "org.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="consents"
    )
    version = models.CharField(_("notice version"), max_length=20)
    action = models.CharField(_("decision"), max_length=10, choices=ConsentAction.choices)
    method = models.CharField(_("how"), max_length=10, choices=ConsentMethod.choices)
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # A paper form: the day it was signed and where it is filed.
    signed_on = models.DateField(_("form signed on"), null=True, blank=True)
    reference = models.CharField(_("form reference"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by_name = models.CharField(_("recorded by"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [models.Index(fields=["member", "-at", "-id"], name="privacy_consent_member_at")]

    def __str__(self):
        return f"{self.member_id} {self.version} {self.action}"


class CorrectionRequest(models.Model):
    """A member's request to correct one field of their record, decided by the union."""

    scope_path = "member__unit__path"
    scope_owner = "member__user"

    member = models.ForeignKey(
        "org.Member",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="correction_requests",
    )
    field = models.CharField(
        _("field"),
        max_length=30,
        choices=[(name, name) for name in CORRECTABLE_FIELDS],
    )
    current_value = models.TextField(_("value held"), blank=True)
    # As typed and checked: dates in ISO form (YYYY-MM-DD), choices by their key.
    proposed_value = models.TextField(_("proposed value"), blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.PENDING,
    )
    created_at = models.DateTimeField(_("asked on"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by_name = models.CharField(_("decided by"), max_length=150, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        indexes = [
            models.Index(fields=["status", "created_at"], name="privacy_correction_status"),
            models.Index(fields=["member", "created_at"], name="privacy_correction_member"),
        ]

    def __str__(self):
        return f"{self.member_id} {self.field} {self.status}"

    @property
    def field_label(self):
        return _field_label(self.field)


class AnonymisationRun(models.Model):
    """One run of the anonymisation of members who left more than the retention period ago."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    trigger = models.CharField(max_length=20)  # "command", "task"
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retention_days = models.PositiveIntegerField()
    cutoff = models.DateTimeField()
    members = models.PositiveIntegerField(default=0)
    batches = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("anonymisation run")
        verbose_name_plural = _("anonymisation runs")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.trigger}: {self.members}"


class AnonymisedMember(models.Model):
    """A member whose personal data was replaced: never processed twice."""

    member = models.OneToOneField(
        "org.Member", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    run = models.ForeignKey(AnonymisationRun, on_delete=models.PROTECT, related_name="+")
    left_at = models.DateTimeField()
    anonymised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("anonymised member")
        verbose_name_plural = _("anonymised members")

    def __str__(self):
        return str(self.member_id)
