"""Writes on units, members and roles. Each is atomic and writes its own audit row."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chuyende.core.audit import audit_record, diff
from chuyende.core.models import AuditAction
from chuyende.core.scoping import forget_scope, require

from . import tallies
from .choices import UnitEventKind
from .models import Member, RoleAssignment, Unit, UnitEvent

PERSONAL = set(Member.PERSONAL_FIELDS)


# Units -----------------------------------------------------------------------------------------


@transaction.atomic
def unit_create(*, parent: Unit | None, acting_user, **fields) -> Unit:
    if parent is None:
        if not acting_user.is_superuser:
            raise PermissionDenied(_("Only a system administrator can create a top-level unit."))
        unit = Unit(**fields)
        unit.refresh_derived()
        unit.full_clean(exclude=["path", "depth", "numchild"])
        unit = Unit.objects.add_root(instance=unit)
    else:
        require(acting_user, "manage", parent)
        unit = Unit(**fields)
        unit.refresh_derived()
        unit.full_clean(exclude=["path", "depth", "numchild"])
        unit = Unit.objects.add_child(parent, instance=unit)
    UnitEvent.objects.create(unit=unit, kind=UnitEventKind.CREATED, actor=acting_user)
    audit_record(actor=acting_user, action=AuditAction.CREATE, obj=unit, unit=unit)
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, acting_user, **fields) -> Unit:
    require(acting_user, "manage", unit)
    old = {key: getattr(unit, key) for key in fields}
    for key, value in fields.items():
        setattr(unit, key, value)
    unit.refresh_derived()
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit.save()
    changes = diff(old, fields, hidden=PERSONAL)
    if changes:
        UnitEvent.objects.create(
            unit=unit, kind=UnitEventKind.UPDATED, actor=acting_user, details=changes
        )
        audit_record(
            actor=acting_user, action=AuditAction.UPDATE, obj=unit, unit=unit, changes=changes
        )
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, new_parent: Unit, acting_user) -> Unit:
    """Move a unit and its whole subtree under another parent, keeping the history."""
    require(acting_user, "manage", unit)
    require(acting_user, "manage", new_parent)
    if new_parent.pk == unit.pk or new_parent.path.startswith(unit.path):
        raise ValidationError(_("A unit cannot be moved under itself or one of its own units."))
    old_parent = Unit.objects.get_parent(unit)
    if old_parent is not None and old_parent.pk == new_parent.pk:
        return unit
    old_path = unit.path
    Unit.objects.move(unit, new_parent, pos="last-child")
    unit.refresh_from_db()
    details = {
        "from_parent": old_parent.pk if old_parent else None,
        "from_parent_name": old_parent.name if old_parent else None,
        "to_parent": new_parent.pk,
        "to_parent_name": new_parent.name,
        "old_path": old_path,
        "new_path": unit.path,
    }
    UnitEvent.objects.create(
        unit=unit,
        kind=UnitEventKind.MOVED,
        actor=acting_user,
        other_unit=new_parent,
        details=details,
    )
    audit_record(actor=acting_user, action=AuditAction.MOVE, obj=unit, unit=unit, changes=details)
    forget_scope(acting_user)
    return unit


@transaction.atomic
def unit_merge(*, source: Unit, target: Unit, acting_user) -> Unit:
    """Merge source into target: its child units and members move to target, it is closed."""
    require(acting_user, "manage", source)
    require(acting_user, "manage", target)
    if source.pk == target.pk or target.path.startswith(source.path):
        raise ValidationError(_("A unit cannot be merged into itself or one of its own units."))
    if not source.active:
        raise ValidationError(_("This unit is already closed."))
    children = list(Unit.objects.get_children(source))
    for child in children:
        child.refresh_from_db()
        Unit.objects.move(child, target, pos="last-child")
    counted = tallies.own_member_rows(source)
    moved_members = Member.objects.filter(unit=source).update(unit=target)
    tallies.members_moved(counted, source, target)
    RoleAssignment.objects.filter(unit=source).delete()
    source.refresh_from_db()
    source.active = False
    source.merged_into = target
    source.save(update_fields=["active", "merged_into", "updated_at"])
    details = {
        "source": source.pk,
        "source_name": source.name,
        "target": target.pk,
        "target_name": target.name,
        "children_moved": [c.pk for c in children],
        "members_moved": moved_members,
    }
    UnitEvent.objects.create(
        unit=source,
        kind=UnitEventKind.MERGED,
        actor=acting_user,
        other_unit=target,
        details=details,
    )
    UnitEvent.objects.create(
        unit=target,
        kind=UnitEventKind.ABSORBED,
        actor=acting_user,
        other_unit=source,
        details=details,
    )
    audit_record(
        actor=acting_user, action=AuditAction.MERGE, obj=source, unit=target, changes=details
    )
    return target


# Members ---------------------------------------------------------------------------------------

MEMBER_FIELDS = (
    "unit",
    "full_name",
    "gender",
    "date_of_birth",
    "ethnicity",
    "religion",
    "phone",
    "email",
    "id_number",
    "card_number",
    "job_title",
    "union_position",
    "joined_on",
    "status",
)


@transaction.atomic
def member_create(*, acting_user, **fields) -> Member:
    require(acting_user, "change", fields["unit"])
    member = Member(**fields)
    member.refresh_derived()
    member.full_clean()
    member.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=member,
        unit=member.unit,
        changes=diff({}, {k: getattr(member, k) for k in MEMBER_FIELDS}, hidden=PERSONAL),
    )
    return member


@transaction.atomic
def member_update(*, member: Member, acting_user, **fields) -> Member:
    require(acting_user, "change", member.unit)
    if "unit" in fields:
        require(acting_user, "change", fields["unit"])
    old = {key: getattr(member, key) for key in fields}
    for key, value in fields.items():
        setattr(member, key, value)
    member.refresh_derived()
    member.full_clean()
    member.save()
    changes = diff(old, fields, hidden=PERSONAL)
    if changes:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=member,
            unit=member.unit,
            changes=changes,
        )
    return member


REVEAL_REASON_MIN = 5


@transaction.atomic
def member_reveal(*, member: Member, acting_user, reason: str) -> dict:
    """Return the member's personal data in full and record who saw it, when, and why (the
    reason the user gives, required)."""
    require(acting_user, "reveal", member.unit)
    reason = " ".join((reason or "").split())
    if len(reason) < REVEAL_REASON_MIN:
        raise ValidationError(
            {"reason": _("Write why you need to see this member's personal data.")}
        )
    audit_record(
        actor=acting_user,
        action=AuditAction.REVEAL,
        obj=member,
        unit=member.unit,
        changes={"fields": list(Member.PERSONAL_FIELDS), "reason": reason[:500]},
    )
    return {name: getattr(member, name) for name in Member.PERSONAL_FIELDS}


# Roles -----------------------------------------------------------------------------------------


@transaction.atomic
def role_assign(*, user, unit: Unit, role: str, acting_user) -> RoleAssignment:
    if role == "admin" and not acting_user.is_superuser:
        raise PermissionDenied(_("Only a system administrator can grant the administrator role."))
    require(acting_user, "manage", unit)
    assignment, created = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=assignment,
            unit=unit,
            changes={"user": user.get_username(), "role": role},
        )
    forget_scope(user)
    return assignment
