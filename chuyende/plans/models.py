from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuyende.core.scoping import ScopedQuerySet
from chuyende.core.text import fold
from chuyende.core.uploads import UploadTo
from chuyende.org.tallied import TalliedQuerySet

from .choices import AssignmentStatus, PlanStatus


class Plan(models.Model):
    """A plan document (kế hoạch) and the work it drives."""

    scope_path = "unit__path"
    scope_sees_from_above = True

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="plans"
    )
    kind = models.CharField(_("document type"), max_length=60, default="KẾ HOẠCH")
    number = models.CharField(_("number"), max_length=60, blank=True)
    issuer = models.CharField(_("issuer as printed"), max_length=255, blank=True)
    issuer_parent = models.CharField(_("superior body as printed"), max_length=255, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    title = models.TextField(_("title"))
    references = models.JSONField(_("documents cited"), default=list, blank=True)
    sections = models.JSONField(_("sections"), default=list, blank=True)
    reporting = models.JSONField(_("reporting duties"), default=list, blank=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    signer = models.JSONField(_("signer"), default=dict, blank=True)
    source_text = models.TextField(_("original text"), blank=True)
    source_file = models.FileField(_("original file"), upload_to=UploadTo("plans"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    number_key = models.CharField(max_length=60, editable=False, db_index=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self):
        return f"{self.number} — {self.title[:80]}" if self.number else self.title[:100]

    def refresh_derived(self):
        self.number_key = fold(self.number).replace(" ", "")


class Task(models.Model):
    """An actionable task of a plan (a numbered item of its content or a unit's duties)."""

    scope_path = "plan__unit__path"
    scope_sees_from_above = True

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveIntegerField(default=0)
    ref = models.CharField(_("reference"), max_length=20)
    title = models.TextField(_("title"))
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    time_text = models.CharField(_("time"), max_length=120, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    form = models.TextField(_("form"), blank=True)
    responsible = models.JSONField(_("responsible"), default=list, blank=True)
    details = models.JSONField(_("details"), default=list, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="plans_task_unique_ref"),
        ]

    def __str__(self):
        return f"{self.ref}. {self.title[:80]}"


class Occasion(models.Model):
    """A dated anniversary: on a unit's calendar, and tied to a plan when the plan names it
    (28/7 and 22/11 in the seed). National ones belong to the root unit and are seen by all."""

    scope_path = "unit__path"
    scope_sees_from_above = True

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="occasions"
    )
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="occasions",
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=255)
    recurring = models.BooleanField(_("every year"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("occasion")
        verbose_name_plural = _("occasions")

    def __str__(self):
        return self.name


# The columns of an assignment the open-assignment tallies count by: a write touching none of
# them leaves the tallies alone (chuyende.plans.tallies).
ASSIGNMENT_TALLY_FIELDS = frozenset({"unit", "unit_id", "due_on", "status"})


class AssignmentQuerySet(TalliedQuerySet):
    """Bulk writes keep the open-assignment tallies: the tallies of the rows written are read
    before and after the write, in the same transaction, and the difference is added. (Deletes,
    cascades included, are counted row by row on `pre_delete`: chuyende.plans.tallies.)"""

    tallies_module = "chuyende.plans.tallies"
    tally_fields = ASSIGNMENT_TALLY_FIELDS

    def bulk_create(self, objs, *args, **kwargs):
        from . import tallies

        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
                # the ids of rows that were there already are not returned: read the rows of
                # the (task, unit) pairs written, before and after
                pairs = Q(pk__in=[])
                for obj in objs:
                    pairs |= Q(task_id=obj.task_id, unit_id=obj.unit_id)
                pending = tallies.changing(
                    Assignment.objects.filter(pairs).values_list("pk", flat=True)
                )
                created = super().bulk_create(objs, *args, **kwargs)
                tallies.changed(
                    pending, Assignment.objects.filter(pairs).values_list("pk", flat=True)
                )
                return created
            created = super().bulk_create(objs, *args, **kwargs)
            tallies.changed(tallies.changing([]), [obj.pk for obj in created])
        return created


class Assignment(models.Model):
    """A task handed to a unit; an upper-level union may pass it further down."""

    scope_path = "unit__path"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.NOT_STARTED,
    )
    progress_note = models.CharField(_("progress note"), max_length=500, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["task", "unit__path"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="plans_assignment_unique_unit"),
        ]
        indexes = [
            models.Index(fields=["task", "status"], name="plans_assignment_task_status"),
            # The overdue tasks of a subtree, most overdue first (the reports dashboard's box):
            # only the open assignments with a due date, in due-date order; the nation's open
            # ones are a fraction of all.
            models.Index(
                fields=["due_on", "unit"],
                condition=~Q(status=AssignmentStatus.DONE) & Q(due_on__isnull=False),
                name="plans_assignment_open_due",
            ),
        ]

    def __str__(self):
        return f"{self.task.ref} → {self.unit}"

    def save(self, *args, **kwargs):
        """Save, keeping the open-assignment tallies of its unit and the units above right."""
        fields = kwargs.get("update_fields")
        if fields is not None and not set(fields) & ASSIGNMENT_TALLY_FIELDS:
            return super().save(*args, **kwargs)
        from . import tallies

        with transaction.atomic(savepoint=False):
            pending = tallies.changing([self.pk])
            super().save(*args, **kwargs)
            tallies.changed(pending, [self.pk])

    @property
    def is_overdue(self) -> bool:
        return (
            self.status != AssignmentStatus.DONE
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )

    @property
    def board_status(self) -> str:
        return "overdue" if self.is_overdue else self.status


def overdue_q(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(due_on__lt=today) & ~Q(status=AssignmentStatus.DONE)


class AssignmentTally(models.Model):
    """Open assignments (not done, with a due date) of a unit's whole subtree by due date: the
    assignments overdue in a subtree today are its rows dated before today. Every unit has
    rows once something below it is assigned. Kept by `chuyende.plans.tallies`."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", db_index=False)
    due_on = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "due_on"], name="plans_assignmenttally_key")
        ]

    def __str__(self):
        return f"{self.unit_id} {self.due_on}: {self.n}"


class Evidence(models.Model):
    """A file or a link showing the work done for an assignment."""

    scope_path = "assignment__unit__path"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=UploadTo("evidence"), blank=True)
    name = models.CharField(_("file name"), max_length=255, blank=True)  # as uploaded
    link = models.URLField(_("link"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-added_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(link=""), name="plans_evidence_file_or_link"
            ),
        ]

    def __str__(self):
        return self.note or self.link or self.file.name
