from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from chuyende.core.scoping import ScopedQuerySet
from chuyende.core.text import SORT_KEY_LENGTH, fold, name_sort_key, sort_key

from .choices import (
    ETHNICITY_CHOICES,
    MAJORITY_ETHNICITY,
    Gender,
    MemberStatus,
    Role,
    UnionPosition,
    UnitEventKind,
    UnitKind,
    UnitSubKind,
)

phone_validator = RegexValidator(
    r"^(\+?84|0)\d{9,10}$", _("Enter a Vietnamese phone number, e.g. 0912345678.")
)
id_number_validator = RegexValidator(
    r"^\d{12}$", _("The citizen ID number (CCCD) has exactly 12 digits.")
)
MEMBER_UNIT_KINDS = {UnitKind.GRASSROOTS, UnitKind.SECTION, UnitKind.AFFILIATE, UnitKind.DEPARTMENT}

code_validator = RegexValidator(
    r"^[A-Za-z0-9_.-]+$", _("Use only letters without accents, digits, '.', '_' and '-'.")
)


class UnitQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    def delete(self, *args, **kwargs):
        """Delete the units and their subtrees; the ancestors' tallies lose what they held."""
        from . import tallies

        with transaction.atomic(using=self.db):
            removed = tallies.before_units_deleted(self)
            result = super().delete(*args, **kwargs)
            tallies.after_units_deleted(removed)
        return result

    delete.alters_data = True
    delete.queryset_only = True


class MemberQuerySet(ScopedQuerySet):
    def delete(self):
        """Delete the members; their units' and ancestors' tallies lose them (one grouped
        read of what is deleted, then one delta per tally row)."""
        from collections import Counter

        from django.db.models import Count

        from . import tallies

        with transaction.atomic(using=self.db):
            tallies.members_deleting(self)
            removed = Counter()
            for unit_id, status, gender, ethnicity, position, n in (
                self.order_by()
                .values_list("unit_id", "status", "gender", "ethnicity", "union_position")
                .annotate(n=Count("id"))
            ):
                key = tallies.member_key(unit_id, status, gender, ethnicity, position)
                removed[key] -= n
            result = super().delete()
            tallies.apply(members=Counter({k: v for k, v in removed.items() if v}))
        return result

    delete.alters_data = True
    delete.queryset_only = True


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):
    def get_queryset(self):
        return UnitQuerySet(self.model).order_by("path")

    def move(self, node, target, pos=None):
        """Move a subtree (treebeard); the tallies of the old and new ancestors follow it."""
        from . import tallies

        with transaction.atomic(using=self.db):
            moving = tallies.before_move(node)
            result = super().move(node, target, pos)
            tallies.after_move(moving)
        return result


class Unit(MP_Node):
    """A node of the union tree; a role held on it holds over its whole subtree."""

    steplen = 4
    scope_path = "path"
    scope_member_sees_own_unit = True

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    sub_kind = models.CharField(
        _("sub-kind"), max_length=20, choices=UnitSubKind.choices, blank=True, default=""
    )
    active = models.BooleanField(_("active"), default=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="absorbed_units",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("email"), blank=True)
    search_name = models.CharField(max_length=255, editable=False, db_index=True)
    sort_key = models.CharField(max_length=SORT_KEY_LENGTH, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [
            models.Index(fields=["kind", "active"], name="org_unit_kind_active"),
            # A unit's children: depth = d + 1 and a path prefix, one index range even under the
            # root's 130,000 descendants (the pattern operator class serves LIKE 'prefix%' in
            # any collation on PostgreSQL; SQLite ignores operator classes).
            models.Index(
                fields=["depth", "path"],
                name="org_unit_depth_path",
                opclasses=["int4_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Save, keeping the unit tallies (active units by kind) of it and its ancestors."""
        from . import tallies

        fields = kwargs.get("update_fields")
        if fields is not None and not set(fields) & tallies.UNIT_FIELDS:
            return super().save(*args, **kwargs)
        with transaction.atomic(savepoint=False):
            old = tallies.unit_row(self.pk) if self.pk is not None else None
            super().save(*args, **kwargs)
            tallies.unit_saved(old, self, fields)

    def refresh_derived(self):
        """Recompute the search and sort columns from the name."""
        self.search_name = fold(f"{self.name} {self.short_name} {self.code}")
        self.sort_key = name_sort_key(self.name)

    @property
    def display_name(self):
        return self.short_name or self.name


class UnitEvent(models.Model):
    """History of a unit: creation, moves, merges (unions were reorganised in 2025)."""

    scope_path = "unit__path"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=UnitEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    other_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    details = models.JSONField(default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("unit history event")
        verbose_name_plural = _("unit history")

    def __str__(self):
        return f"{self.at:%Y-%m-%d} {self.kind} {self.unit_id}"


def member_date_errors(date_of_birth, joined_on, today=None) -> dict:
    """Field → message for a date of birth or a date joined that cannot be right."""
    today = today or timezone.localdate()
    errors = {}
    if date_of_birth:
        age = (
            today.year
            - date_of_birth.year
            - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
        )
        if date_of_birth > today:
            errors["date_of_birth"] = _("The date of birth cannot be in the future.")
        elif age < 15:
            errors["date_of_birth"] = _("A union member must be at least 15 years old.")
        elif age > 100:
            errors["date_of_birth"] = _("Please check the date of birth: over 100 years old.")
    if joined_on:
        if joined_on > today:
            errors["joined_on"] = _("The date joined cannot be in the future.")
        elif date_of_birth and joined_on <= date_of_birth:
            errors["joined_on"] = _("The date joined must be after the date of birth.")
    return errors


class Member(models.Model):
    """A union member (đoàn viên) in a grassroots unit or a group below it."""

    scope_path = "unit__path"
    scope_owner = "user"
    # Shown masked until an audited reveal (with its reason), kept out of audit diffs; ethnicity
    # and religion are sensitive personal data (Decree 13/2023/NĐ-CP, art. 2.4).
    PERSONAL_FIELDS = ("date_of_birth", "phone", "id_number", "email", "ethnicity", "religion")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="members"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    full_name = models.CharField(_("full name"), max_length=120)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=30, choices=ETHNICITY_CHOICES, default=MAJORITY_ETHNICITY
    )
    religion = models.CharField(_("religion"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("email"), blank=True)
    id_number = models.CharField(
        _("citizen ID number"), max_length=12, blank=True, validators=[id_number_validator]
    )
    card_number = models.CharField(_("union card number"), max_length=30, blank=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    union_position = models.CharField(
        _("union position"), max_length=20, choices=UnionPosition.choices, blank=True, default=""
    )
    joined_on = models.DateField(_("date joined the union"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    # Indexed on PostgreSQL by a trigram index (migration 0003) for `contains`, and carried in
    # org_member_sort so that a filtered walk in name order reads the index alone.
    search_name = models.CharField(max_length=255, editable=False)
    sort_key = models.CharField(max_length=SORT_KEY_LENGTH, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="org_member_unique_id_number",
                violation_error_message=_("Another member already has this citizen ID number."),
            ),
            models.UniqueConstraint(
                fields=["card_number"],
                condition=~Q(card_number=""),
                name="org_member_unique_card_number",
                violation_error_message=_("Another member already has this union card number."),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="org_member_unit_status"),
            # The member list in name order, keyset-paged on (sort_key, id). On PostgreSQL the
            # columns the list filters on ride along (the scope's owner clause reads user_id),
            # so that a walk filtered by a name fragment, a unit, gender, ethnicity or status
            # is an index-only scan.
            models.Index(
                fields=["sort_key", "id"],
                include=["search_name", "unit", "user", "status", "gender", "ethnicity"],
                name="org_member_sort",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        """Save, keeping the member tallies of its unit and the units above right."""
        from . import tallies

        fields = kwargs.get("update_fields")
        if fields is not None and not set(fields) & tallies.MEMBER_FIELDS:
            return super().save(*args, **kwargs)
        with transaction.atomic(savepoint=False):
            old = tallies.member_row(self.pk) if self.pk is not None else None
            super().save(*args, **kwargs)
            tallies.member_saved(old, self, fields)

    def delete(self, *args, **kwargs):
        from . import tallies

        with transaction.atomic(savepoint=False):
            old = tallies.member_row(self.pk)
            if old is not None:
                tallies.members_deleting(Member.objects.filter(pk=self.pk))
            result = super().delete(*args, **kwargs)
            tallies.member_saved(old, None, None)
        return result

    def clean(self):
        self.full_name = " ".join((self.full_name or "").split())
        errors = member_date_errors(self.date_of_birth, self.joined_on)
        for field, message in (
            ("id_number", _("Another member already has this citizen ID number.")),
            ("card_number", _("Another member already has this union card number.")),
        ):
            value = getattr(self, field)
            if value and Member.objects.filter(**{field: value}).exclude(pk=self.pk).exists():
                errors[field] = message
        if self.unit_id and self.unit.kind not in MEMBER_UNIT_KINDS:
            errors["unit"] = _("Members belong to a grassroots union or a union section.")
        if errors:
            raise ValidationError(errors)

    def refresh_derived(self):
        self.search_name = fold(f"{self.full_name} {self.card_number}")
        self.sort_key = sort_key(self.full_name)

    @property
    def is_officer(self) -> bool:
        return bool(self.union_position)

    @property
    def is_ethnic_minority(self) -> bool:
        return self.ethnicity != MAJORITY_ETHNICITY


class RoleAssignment(models.Model):
    """(user, unit, role): the role holds over the unit's whole subtree."""

    scope_path = "unit__path"
    scope_owner = "user"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="org_role_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class MemberTally(models.Model):
    """Members of a unit's whole subtree (the unit and every unit below it), counted by status,
    gender, ethnicity and whether they hold a union position. Every unit has its rows, so the
    figures of a unit, of a user's scope or of each child in a list are a few rows read by key,
    never a count over millions of member rows. Kept by `chuyende.org.tallies`."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    status = models.CharField(max_length=15)
    gender = models.CharField(max_length=10)
    ethnicity = models.CharField(max_length=30)
    officer = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "status", "gender", "ethnicity", "officer"],
                name="org_membertally_key",
            )
        ]

    def __str__(self):
        return (
            f"{self.unit_id} {self.status} {self.gender} {self.ethnicity} {self.officer}: {self.n}"
        )


class UnitTally(models.Model):
    """Active units of a unit's subtree (itself included) by kind. Kept by `chuyende.org.tallies`."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=20)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="org_unittally_key"),
        ]

    def __str__(self):
        return f"{self.unit_id} {self.kind}: {self.n}"
