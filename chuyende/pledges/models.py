"""Personal commitment pledges (Bản cam kết tu dưỡng, rèn luyện) and their year-end evaluation.

A template (of a plan and a year) is published by a unit; its sections hold the commitments a
member writes. A unit below may add sections for its own subtree. A member's pledge goes
draft -> submitted -> accepted (or returned with a comment and submitted again); an accepted
pledge is locked, and a later change makes a new version, the old one kept.
"""

import copy

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuyende.core.scoping import ScopedQuerySet
from chuyende.org.tallied import TalliedQuerySet

from .choices import (
    DEFAULT_RATING_LEVELS,
    ImportStatus,
    PledgeSource,
    PledgeStatus,
)

MIN_ACTIONS = 3
MAX_ACTIONS = 5
MAX_ITEMS = 15  # commitments in one section
ITEM_MAX_LENGTH = 500

# The columns of a pledge and of an evaluation that the pledge tallies count by: a write that
# touches none of them leaves the tallies alone (chuyende.pledges.tallies).
PLEDGE_TALLY_FIELDS = frozenset({"member", "member_id", "year", "status", "is_current"})
EVALUATION_TALLY_FIELDS = frozenset({"pledge", "pledge_id", "final_rating", "union_title"})


class PledgeQuerySet(TalliedQuerySet):
    """Bulk writes keep the pledge tallies: the tallies of the pledges written are read before
    and after the write, in the same transaction, and the difference is added."""

    tallies_module = "chuyende.pledges.tallies"
    tally_fields = PLEDGE_TALLY_FIELDS

    def delete(self):
        return self._kept(super().delete)

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        from . import tallies

        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            pending = tallies.changing([], member_ids={o.member_id for o in objs})
            created = super().bulk_create(objs, *args, **kwargs)
            if any(o.pk is None for o in created):  # ignore_conflicts: which rows went in?
                raise ValueError("The pledge tallies need the ids of the pledges created.")
            tallies.changed(pending, [o.pk for o in created])
        return created


class EvaluationQuerySet(TalliedQuerySet):
    """Bulk writes of ratings keep the pledge tallies, as for pledges (through their pledges)."""

    tallies_module = "chuyende.pledges.tallies"
    tally_fields = EVALUATION_TALLY_FIELDS

    def _tally_ids(self):
        return self.order_by().values_list("pledge_id", flat=True)

    def delete(self):
        return self._kept(super().delete)

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        from . import tallies

        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            pending = tallies.changing([o.pledge_id for o in objs])
            created = super().bulk_create(objs, *args, **kwargs)
            tallies.changed(pending)
        return created


def default_rating_levels():
    return copy.deepcopy(DEFAULT_RATING_LEVELS)


class PledgeTemplate(models.Model):
    """The pledge form of a year, published by a unit for its whole subtree."""

    scope_path = "unit__path"
    scope_sees_from_above = True

    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pledge_templates",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("publishing unit"),
        on_delete=models.PROTECT,
        related_name="pledge_templates",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=255)
    topic = models.TextField(_("topic of the year"), blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    rating_levels = models.JSONField(_("rating scale"), default=default_rating_levels)
    min_actions = models.PositiveSmallIntegerField(_("fewest concrete actions"), default=3)
    max_actions = models.PositiveSmallIntegerField(_("most concrete actions"), default=5)
    published = models.BooleanField(_("published"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "unit__path", "id"]
        verbose_name = _("pledge template")
        verbose_name_plural = _("pledge templates")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="pledges_template_unit_year",
                violation_error_message=_("This unit already has a pledge template for the year."),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def level_labels(self) -> dict:
        return {level["code"]: level["label"] for level in self.rating_levels}

    @property
    def level_choices(self) -> list[tuple[str, str]]:
        return [(level["code"], level["label"]) for level in self.rating_levels]

    @property
    def top_level(self) -> str:
        return self.rating_levels[0]["code"] if self.rating_levels else ""


class PledgeSection(models.Model):
    """A section of commitments; `unit` set: added by that unit for its own subtree."""

    scope_path = "template__unit__path"
    scope_sees_from_above = True

    template = models.ForeignKey(PledgeTemplate, on_delete=models.CASCADE, related_name="sections")
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=255)
    guidance = models.TextField(_("guidance"), blank=True)
    min_items = models.PositiveSmallIntegerField(_("fewest commitments"), default=1)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("pledge section")
        verbose_name_plural = _("pledge sections")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "code"],
                name="pledges_section_code",
                violation_error_message=_("The template already has a section with this code."),
            )
        ]

    def __str__(self):
        return self.title


class Pledge(models.Model):
    """One member's pledge for a year (one version of it)."""

    scope_path = "member__unit__path"
    scope_owner = "member__user"

    member = models.ForeignKey(
        "org.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="pledges"
    )
    template = models.ForeignKey(
        PledgeTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.DRAFT
    )
    source = models.CharField(
        _("source"), max_length=10, choices=PledgeSource.choices, default=PledgeSource.ONLINE
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_version",
    )
    is_current = models.BooleanField(_("current version"), default=True)
    # The identity block as written on the pledge.
    full_name = models.CharField(_("full name"), max_length=120)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    position = models.CharField(_("job or position"), max_length=160, blank=True)
    unit_name = models.CharField(_("unit"), max_length=255)
    union_group = models.CharField(_("union group"), max_length=160, blank=True)
    # {section code: [commitment, …]}
    commitments = models.JSONField(_("commitments"), default=dict, blank=True)
    actions = models.JSONField(_("concrete actions"), default=list, blank=True)
    target_rating = models.CharField(_("rating aimed for"), max_length=20, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_comment = models.TextField(_("comment of the reviewer"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "full_name", "id"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                condition=Q(is_current=True),
                name="pledges_one_current_per_year",
                violation_error_message=_("This member already has a pledge for the year."),
            )
        ]
        indexes = [
            models.Index(fields=["year", "is_current", "status"], name="pledges_year_status"),
            # The figures count a subtree's current pledges by status, from its members: this
            # narrow index answers without reading the wide pledge rows (PostgreSQL index-only
            # scans; SQLite ignores INCLUDE).
            models.Index(
                fields=["member", "year"],
                include=["status"],
                condition=Q(is_current=True),
                name="pledges_current_member_status",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} — {self.year}"

    def save(self, *args, **kwargs):
        """Save, keeping the pledge tallies of the member's unit and the units above right."""
        fields = kwargs.get("update_fields")
        if fields is not None and not set(fields) & PLEDGE_TALLY_FIELDS:
            return super().save(*args, **kwargs)
        from . import tallies

        with transaction.atomic(savepoint=False):
            pending = tallies.pledge_saving(self)
            super().save(*args, **kwargs)
            tallies.changed(pending, [self.pk])

    def delete(self, *args, **kwargs):
        from . import tallies

        with transaction.atomic(savepoint=False):
            pending = tallies.changing([self.pk])
            result = super().delete(*args, **kwargs)
            tallies.changed(pending)
        return result

    @property
    def is_editable(self) -> bool:
        return self.is_current and self.status in (PledgeStatus.DRAFT, PledgeStatus.RETURNED)

    @property
    def is_locked(self) -> bool:
        return self.status == PledgeStatus.ACCEPTED or not self.is_current

    def items(self, sections):
        """(section, [commitments]) in the order of the sections given."""
        return [(s, list(self.commitments.get(s.code, []))) for s in sections]


class Evaluation(models.Model):
    """The year-end self-evaluation of a pledge and the rating the union gives."""

    scope_path = "pledge__member__unit__path"
    scope_owner = "pledge__member__user"

    pledge = models.OneToOneField(Pledge, on_delete=models.CASCADE, related_name="evaluation")
    # {"<section code>:<index>" or "action:<index>": {"result": "done", "note": "…"}}
    results = models.JSONField(_("self-assessment"), default=dict, blank=True)
    self_note = models.TextField(_("self-assessment note"), blank=True)
    proposed_rating = models.CharField(_("rating proposed"), max_length=20, blank=True)
    self_evaluated_at = models.DateTimeField(_("self-evaluated at"), null=True, blank=True)
    final_rating = models.CharField(_("final rating"), max_length=20, blank=True)
    union_title = models.BooleanField(_("outstanding union member"), default=False)
    rating_note = models.TextField(_("note of the union"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    proposed_exemplar_at = models.DateTimeField(_("proposed as exemplar"), null=True, blank=True)
    proposed_exemplar_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [
            models.Index(fields=["final_rating"], name="pledges_eval_rating"),
            # The figures count ratings per subtree from the pledges: no read of the wide rows.
            models.Index(
                fields=["pledge"],
                include=["final_rating", "union_title"],
                name="pledges_eval_pledge_rating",
            ),
        ]

    def __str__(self):
        return f"{self.pledge} — {self.final_rating or self.proposed_rating}"

    def save(self, *args, **kwargs):
        """Save, keeping the pledge tallies right (they count the final ratings)."""
        fields = kwargs.get("update_fields")
        if fields is not None and not set(fields) & EVALUATION_TALLY_FIELDS:
            return super().save(*args, **kwargs)
        from . import tallies

        with transaction.atomic(savepoint=False):
            pending = tallies.evaluation_saving(self)
            super().save(*args, **kwargs)
            tallies.changed(pending)

    def delete(self, *args, **kwargs):
        from . import tallies

        with transaction.atomic(savepoint=False):
            pending = tallies.changing([self.pledge_id])
            result = super().delete(*args, **kwargs)
            tallies.changed(pending)
        return result


class PledgeImport(models.Model):
    """A checked spreadsheet of paper pledges, waiting for the officer's go-ahead."""

    scope_path = "unit__path"

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(PledgeTemplate, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(_("file"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    total_rows = models.PositiveIntegerField(default=0)
    # [{"row": n, "member": pk, "fields": {...}}]
    valid_rows = models.JSONField(default=list, blank=True)
    # [{"row": n, "column": "…", "message": "…"}]
    errors = models.JSONField(default=list, blank=True)
    imported = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pledge import")
        verbose_name_plural = _("pledge imports")

    def __str__(self):
        return self.file_name

    @property
    def error_rows(self) -> int:
        return len({e["row"] for e in self.errors})


class PledgeTally(models.Model):
    """Current pledges of a unit's whole subtree (the unit and every unit below it), counted by
    year, status, whether the member is active, the member's gender and ethnic group (minority
    or not), and the final rating and title of the year-end evaluation ('' and False before it).
    The figures page and the pledge list read a unit's own rows and its children's, never the
    pledge rows. Kept by `chuyende.pledges.tallies`."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10)
    active = models.BooleanField()
    gender = models.CharField(max_length=10)
    minority = models.BooleanField()
    rating = models.CharField(max_length=20)
    title = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "unit",
                    "year",
                    "status",
                    "active",
                    "gender",
                    "minority",
                    "rating",
                    "title",
                ],
                name="pledges_tally_key",
            )
        ]
        indexes = [
            # The units holding pledges of a year in a status (the list filtered by a status
            # starts from them: chuyende.pledges.selectors.pledge_page).
            models.Index(
                fields=["year", "status", "unit"],
                condition=Q(n__gt=0),
                name="pledges_tally_status_unit",
            )
        ]

    def __str__(self):
        return (
            f"{self.unit_id} {self.year} {self.status} {self.active} {self.gender} "
            f"{self.minority} {self.rating} {self.title}: {self.n}"
        )
