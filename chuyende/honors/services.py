"""Writes of `honors`: proposing, reviewing, deciding, quotas. Each is atomic, checks rights
with `require` and writes its own audit row; bad input raises a ValidationError with a message
the officer can act on, before anything is written."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chuyende.core.audit import audit_record, diff
from chuyende.core.models import AuditAction
from chuyende.core.scoping import require, user_scope
from chuyende.core.storage import delete_after_commit
from chuyende.core.text import fold, nfc
from chuyende.org.choices import MemberStatus, UnitKind
from chuyende.org.models import Member, Unit
from chuyende.org.selectors import ancestor_paths

from . import uploads
from .choices import (
    GRANTS,
    PENDING,
    PROPOSER_KINDS,
    REVIEWER_KINDS,
    AwardKind,
    Category,
    NominationStatus,
    NomineeKind,
    StepAction,
)
from .models import (
    Award,
    AwardDecision,
    Nomination,
    NominationFile,
    NominationPhoto,
    NominationStep,
    Quota,
)

NOMINATION_FIELDS = (
    "category",
    "title",
    "achievement",
    "figures",
    "task",
    "occasion",
    "year",
    "showcase",
    "nominee_position",
)
DECISION_FIELDS = (
    "award_kind",
    "number",
    "date",
    "reason",
    "occasion",
    "thematic_review",
    "signer_authority",
    "signer_position",
    "signer_name",
)
MAX_TEXT = 20_000


# Levels ---------------------------------------------------------------------------------------


def _nearest_above(unit: Unit, kinds) -> Unit | None:
    """The closest unit above `unit` whose kind is one of `kinds` (one query)."""
    return (
        Unit.objects.filter(path__in=ancestor_paths(unit.path), kind__in=kinds, active=True)
        .order_by("-depth")
        .first()
    )


def reviewer_of(unit: Unit) -> Unit | None:
    """Who reviews what `unit` proposes: its upper-level union, or the provincial federation
    for the units directly under it and for the upper-level unions themselves."""
    return _nearest_above(unit, REVIEWER_KINDS)


def province_of(unit: Unit) -> Unit | None:
    if unit.kind == UnitKind.PROVINCE:
        return unit
    return _nearest_above(unit, (UnitKind.PROVINCE,))


def award_kinds_for(unit: Unit) -> tuple:
    """What a unit may grant under QĐ 999/QĐ-TLĐ (2024)."""
    return GRANTS.get(unit.kind, ())


def grants_at_home(unit: Unit) -> bool:
    """Whether `unit` grants its own Giấy khen to the members and groups it proposes, without
    sending the nomination up: a grassroots union (CĐCS) under QĐ 999/QĐ-TLĐ (2024)."""
    return unit.kind == UnitKind.GRASSROOTS and bool(award_kinds_for(unit))


def is_kept(nomination: Nomination) -> bool:
    """A nomination kept by its proposing union for that union's own decision ("granted
    here"): waiting, and held by the unit that proposed it."""
    return nomination.status == NominationStatus.SUBMITTED and (
        nomination.holder_id == nomination.unit_id
    )


def allowed_actions(nomination: Nomination, user) -> list[str]:
    """The actions the user may take on the nomination now (buttons of the detail page)."""
    scope = user_scope(user)
    holder, status = nomination.holder, nomination.status
    proposer_edits = scope.allows("change", nomination.unit.path)
    actions = []
    if status in (NominationStatus.SUBMITTED, NominationStatus.RETURNED) and proposer_edits:
        actions.append("edit")
    if status == NominationStatus.RETURNED and proposer_edits:
        actions.append("resubmit")
    if is_kept(nomination):
        if proposer_edits:
            actions.append("send_up")
        if scope.allows("manage", holder.path):
            actions += ["reject", "grant"]
        return actions
    if (
        status in (NominationStatus.SUBMITTED, NominationStatus.RETURNED)
        and proposer_edits
        and grants_at_home(nomination.unit)
    ):
        actions.append("keep")
    if status in PENDING and scope.allows("manage", holder.path):
        actions += ["return", "reject"]
        if holder.kind == UnitKind.UPPER:
            actions.append("forward")
        if holder.kind == UnitKind.PROVINCE:
            actions += ["praise", "forward_tld"]
        if award_kinds_for(holder):
            actions.append("grant")
    return actions


# Nominations ----------------------------------------------------------------------------------


def _clean_text(fields: dict) -> dict:
    for key in ("title", "achievement", "figures", "occasion", "nominee_position"):
        if key in fields:
            value = nfc(fields[key] or "").replace("\r\n", "\n").strip()
            fields[key] = value if key in ("achievement", "figures") else " ".join(value.split())
    return fields


def _search_text(nomination: Nomination, home: Unit | None) -> str:
    parts = [nomination.nominee_name, nomination.title, nomination.achievement[:2000]]
    if home is not None:
        parts += [home.name, home.short_name]
    return fold(" ".join(p for p in parts if p))


def _check_nominee(unit: Unit, kind: str, member, nominee_unit) -> dict:
    """The nominee fields, or a ValidationError when the nominee is not of the unit's subtree."""
    if kind == NomineeKind.PERSON:
        if member is None:
            raise ValidationError({"member": _("Choose the member proposed.")})
        if not member.unit.path.startswith(unit.path):
            raise ValidationError(
                {
                    "member": _(
                        "%(name)s is not a member of %(unit)s: a union proposes only the "
                        "members of its own subtree."
                    )
                    % {"name": member.full_name, "unit": unit.name}
                }
            )
        if member.status != MemberStatus.ACTIVE:
            raise ValidationError(
                {
                    "member": _("%(name)s is no longer an active member.")
                    % {"name": member.full_name}
                }
            )
        return {"member": member, "nominee_unit": None, "nominee_name": member.full_name}
    if kind == NomineeKind.COLLECTIVE:
        if nominee_unit is None:
            raise ValidationError({"nominee_unit": _("Choose the collective proposed.")})
        if not nominee_unit.path.startswith(unit.path):
            raise ValidationError(
                {
                    "nominee_unit": _(
                        "%(name)s is not part of %(unit)s: a union proposes only collectives "
                        "of its own subtree."
                    )
                    % {"name": nominee_unit.name, "unit": unit.name}
                }
            )
        return {"member": None, "nominee_unit": nominee_unit, "nominee_name": nominee_unit.name}
    raise ValidationError({"kind": _("Choose whom the nomination is for.")})


def _check_fields(unit: Unit, fields: dict) -> None:
    errors = {}
    if fields.get("category") not in Category.values:
        errors["category"] = _("Choose a category.")
    if not fields.get("title"):
        errors["title"] = _("Give the story a title.")
    if not fields.get("achievement"):
        errors["achievement"] = _("Describe the achievements.")
    elif len(fields["achievement"]) > MAX_TEXT:
        errors["achievement"] = _("The text is too long (at most %(n)s characters).") % {
            "n": MAX_TEXT
        }
    year = fields.get("year")
    this_year = timezone.localdate().year
    if not year or year < 2000 or year > this_year + 1:
        errors["year"] = _("Check the year.")
    task = fields.get("task")
    if task is not None and not unit.path.startswith(task.plan.unit.path):
        errors["task"] = _("This task is not of a plan of %(unit)s or a level above it.") % {
            "unit": unit.name
        }
    if errors:
        raise ValidationError(errors)


def _step(nomination, action, acting_user, *, comment="", from_unit=None, to_unit=None, at=None):
    return NominationStep.objects.create(
        nomination=nomination,
        action=action,
        actor=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        actor_name=(acting_user.get_full_name() or acting_user.get_username())
        if acting_user is not None and acting_user.is_authenticated
        else "",
        at=at or timezone.now(),
        comment=comment,
        from_unit=from_unit,
        to_unit=to_unit,
    )


def _attach(nomination, photos, photo_types, files, file_types):
    for upload, content_type in zip(photos, photo_types, strict=True):
        photo = NominationPhoto(nomination=nomination, image=upload, content_type=content_type)
        photo.save()
    for upload, content_type in zip(files, file_types, strict=True):
        name = (upload.name or "").rsplit("/", 1)[-1][:255]
        NominationFile.objects.create(
            nomination=nomination, file=upload, name=name, content_type=content_type
        )


@transaction.atomic
def nomination_create(
    *,
    unit: Unit,
    acting_user,
    kind: str,
    fields: dict,
    member: Member | None = None,
    nominee_unit: Unit | None = None,
    photos=(),
    files=(),
    source: str = "",
    keep: bool = False,
) -> Nomination:
    """A unit proposes one of its members or collectives; it goes to the level reviewing it.
    With `keep`, a grassroots union keeps it for its own Giấy khen ("granted here", QĐ
    999/QĐ-TLĐ): it waits at the proposing union for that union's decision instead."""
    require(acting_user, "change", unit)
    if not unit.active:
        raise ValidationError(_("This unit is closed."))
    if unit.kind not in PROPOSER_KINDS:
        raise ValidationError(
            {"unit": _("Nominations are proposed by a grassroots or an upper-level union.")}
        )
    if keep:
        if not grants_at_home(unit):
            raise ValidationError(
                {
                    "keep": _(
                        "Only a grassroots union grants its own Giấy khen; %(unit)s sends its "
                        "nominations up for review."
                    )
                    % {"unit": unit.name}
                }
            )
        reviewer = unit
    else:
        reviewer = reviewer_of(unit)
    if reviewer is None:
        raise ValidationError(
            {"unit": _("No level above %(unit)s reviews nominations.") % {"unit": unit.name}}
        )
    fields = _clean_text({key: fields[key] for key in NOMINATION_FIELDS if key in fields})
    fields.setdefault("year", timezone.localdate().year)
    nominee = _check_nominee(unit, kind, member, nominee_unit)
    _check_fields(unit, fields)
    photos, files = list(photos or []), list(files or [])
    photo_types = uploads.check_photos(photos)
    file_types = uploads.check_files(files)
    nomination = Nomination(
        unit=unit,
        holder=reviewer,
        kind=kind,
        status=NominationStatus.SUBMITTED,
        submitted_on=timezone.localdate(),
        created_by=acting_user,
        source=source[:40],
        **nominee,
        **fields,
    )
    nomination.search_text = _search_text(nomination, nomination.nominee_home)
    nomination.full_clean()
    nomination.save()
    _attach(nomination, photos, photo_types, files, file_types)
    _step(nomination, StepAction.SUBMIT, acting_user, from_unit=unit, to_unit=reviewer)
    warnings = [] if keep else quota_warnings(nomination, reviewer)
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=nomination,
        unit=unit,
        changes={
            "nominee": nomination.nominee_name,
            "category": nomination.category,
            "to": reviewer.pk,
            "photos": len(photos),
            "files": len(files),
            **({"kept": True} if keep else {}),
            **({"quota_full": warnings} if warnings else {}),
        },
    )
    nomination.quota_warnings = warnings
    return nomination


@transaction.atomic
def nomination_update(
    *,
    nomination: Nomination,
    acting_user,
    kind: str,
    fields: dict,
    member: Member | None = None,
    nominee_unit: Unit | None = None,
    photos=(),
    files=(),
    remove_photos=(),
    remove_files=(),
) -> Nomination:
    """The proposer corrects a nomination not yet reviewed, or one returned to it."""
    require(acting_user, "change", nomination.unit)
    if nomination.status not in (NominationStatus.SUBMITTED, NominationStatus.RETURNED):
        raise ValidationError(_("This nomination has been reviewed; it can no longer be changed."))
    fields = _clean_text({key: fields[key] for key in NOMINATION_FIELDS if key in fields})
    nominee = _check_nominee(nomination.unit, kind, member, nominee_unit)
    merged = {key: getattr(nomination, key) for key in NOMINATION_FIELDS} | fields
    _check_fields(nomination.unit, merged)
    photos, files = list(photos or []), list(files or [])
    kept_photos = nomination.photos.exclude(pk__in=list(remove_photos or [])).count()
    if kept_photos + len(photos) > uploads.MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(n)s photos.") % {"n": uploads.MAX_PHOTOS}})
    photo_types = uploads.check_photos(photos)
    file_types = uploads.check_files(files)
    old = {key: getattr(nomination, key) for key in (*NOMINATION_FIELDS, "member", "nominee_unit")}
    nomination.kind = kind
    for key, value in {**nominee, **fields}.items():
        setattr(nomination, key, value)
    nomination.search_text = _search_text(nomination, nomination.nominee_home)
    nomination.full_clean()
    nomination.save()
    removed = 0
    for related, field, chosen in (
        (nomination.photos, "image", remove_photos),
        (nomination.files, "file", remove_files),
    ):
        if chosen:
            rows = related.filter(pk__in=list(chosen))
            names = list(rows.values_list(field, flat=True))
            removed += rows.delete()[0]
            delete_after_commit(related.model._meta.get_field(field).storage, names)
    _attach(nomination, photos, photo_types, files, file_types)
    changes = diff(old, {key: getattr(nomination, key) for key in old})
    if photos or files or removed:
        changes["attachments"] = {"added": len(photos) + len(files), "removed": removed}
    if changes:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=nomination,
            unit=nomination.unit,
            changes=changes,
        )
    return nomination


def _locked(nomination: Nomination) -> Nomination:
    """The nomination re-read under a row lock (two reviewers never act on the same state)."""
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("unit", "holder")
        .get(pk=nomination.pk)
    )


def _review(nomination: Nomination, acting_user) -> Nomination:
    nomination = _locked(nomination)
    if nomination.status not in PENDING:
        raise ValidationError(_("This nomination is not waiting for a review."))
    require(acting_user, "manage", nomination.holder)
    return nomination


def _comment(comment: str, required: bool) -> str:
    comment = nfc(comment or "").strip()
    if required and not comment:
        raise ValidationError({"comment": _("Say why, so the unit knows what to do.")})
    return comment[:4000]


def _moved(
    nomination, acting_user, action, *, status, holder, comment, audit_action, going_up=False
):
    """Move the nomination to `holder` with a step and an audit row. Going up to a level, the
    quota warnings of that level (`quota_warnings`) are recorded in the audit row and left on
    `nomination.quota_warnings` for the screen."""
    from_unit = nomination.holder
    old_status = nomination.status
    nomination.status = status
    nomination.holder = holder
    nomination.save(update_fields=["status", "holder", "updated_at"])
    _step(nomination, action, acting_user, comment=comment, from_unit=from_unit, to_unit=holder)
    warnings = quota_warnings(nomination, holder) if going_up else []
    audit_record(
        actor=acting_user,
        action=audit_action,
        obj=nomination,
        unit=from_unit,
        changes={
            "action": str(action),
            "status": {"from": old_status, "to": status},
            "holder": {"from": from_unit.pk, "to": holder.pk},
            **({"comment": comment} if comment else {}),
            **({"quota_full": warnings} if warnings else {}),
        },
    )
    nomination.quota_warnings = warnings
    return nomination


@transaction.atomic
def nomination_resubmit(*, nomination: Nomination, acting_user, comment: str = "") -> Nomination:
    """The proposer sends up a nomination returned to it, or one it had kept for its own
    decision ("send up instead"), to the level reviewing it."""
    nomination = _locked(nomination)
    require(acting_user, "change", nomination.unit)
    if nomination.status != NominationStatus.RETURNED and not is_kept(nomination):
        raise ValidationError(_("Only a nomination returned for changes is sent again."))
    reviewer = reviewer_of(nomination.unit)
    if reviewer is None:
        raise ValidationError(
            _("No level above %(unit)s reviews nominations.") % {"unit": nomination.unit.name}
        )
    return _moved(
        nomination,
        acting_user,
        StepAction.SUBMIT,
        status=NominationStatus.SUBMITTED,
        holder=reviewer,
        comment=_comment(comment, False),
        audit_action=AuditAction.UPDATE,
        going_up=True,
    )


@transaction.atomic
def nomination_keep(*, nomination: Nomination, acting_user, comment: str = "") -> Nomination:
    """A grassroots union keeps its own nomination for its own Giấy khen ("granted here")
    instead of sending it up: one returned to it, or one sent up that the reviewing level has
    not acted on yet. It then waits at the union for a decision of the union's managers."""
    nomination = _locked(nomination)
    require(acting_user, "change", nomination.unit)
    if not grants_at_home(nomination.unit):
        raise ValidationError(
            _(
                "Only a grassroots union grants its own Giấy khen; %(unit)s sends its "
                "nominations up for review."
            )
            % {"unit": nomination.unit.name}
        )
    if nomination.status not in (NominationStatus.SUBMITTED, NominationStatus.RETURNED) or (
        is_kept(nomination)
    ):
        raise ValidationError(
            _("This nomination has been reviewed or is already kept; it cannot be kept now.")
        )
    return _moved(
        nomination,
        acting_user,
        StepAction.SUBMIT,
        status=NominationStatus.SUBMITTED,
        holder=nomination.unit,
        comment=_comment(comment, False),
        audit_action=AuditAction.UPDATE,
    )


@transaction.atomic
def nomination_return(*, nomination: Nomination, acting_user, comment: str) -> Nomination:
    """Back to the proposing unit with a comment saying what to change."""
    nomination = _review(nomination, acting_user)
    return _moved(
        nomination,
        acting_user,
        StepAction.RETURN,
        status=NominationStatus.RETURNED,
        holder=nomination.unit,
        comment=_comment(comment, True),
        audit_action=AuditAction.UPDATE,
    )


@transaction.atomic
def nomination_reject(*, nomination: Nomination, acting_user, comment: str) -> Nomination:
    nomination = _review(nomination, acting_user)
    return _moved(
        nomination,
        acting_user,
        StepAction.REJECT,
        status=NominationStatus.REJECTED,
        holder=nomination.holder,
        comment=_comment(comment, True),
        audit_action=AuditAction.UPDATE,
    )


def forward_target(holder: Unit) -> tuple[Unit | None, str]:
    """Where a nomination held by `holder` is forwarded, and the status it then has."""
    if holder.kind == UnitKind.PROVINCE:
        target = _nearest_above(holder, (UnitKind.CONFEDERATION,))
        return target, NominationStatus.FORWARDED_TLD
    return province_of(holder), NominationStatus.FORWARDED


@transaction.atomic
def nomination_forward(*, nomination: Nomination, acting_user, comment: str = "") -> Nomination:
    """An upper-level union forwards to the provincial federation; the provincial federation
    forwards to the Confederation (a proposal for its Bằng khen, decided outside this system).

    When the receiving level's quota for the nominee's unit is already full, the forward still
    happens, with a warning (`nomination.quota_warnings`, and in the audit row): a quota caps
    the awards a level *grants* (see `Quota`), not the nominations it receives, and the level
    may still praise, propose to the Confederation, not accept, or raise its quota. The cap
    itself is enforced, hard, when a decision is made (`decision_create`)."""
    nomination = _review(nomination, acting_user)
    if is_kept(nomination):
        raise ValidationError(
            _("This nomination is kept by its union for its own Giấy khen; send it up instead.")
        )
    target, status = forward_target(nomination.holder)
    if target is None:
        raise ValidationError(_("There is no level above to forward to."))
    return _moved(
        nomination,
        acting_user,
        StepAction.FORWARD,
        status=status,
        holder=target,
        comment=_comment(comment, False),
        audit_action=AuditAction.UPDATE,
        going_up=True,
    )


@transaction.atomic
def nomination_praise(*, nomination: Nomination, acting_user, comment: str = "") -> Nomination:
    """The provincial federation praises the example (biểu dương) without an award."""
    nomination = _review(nomination, acting_user)
    if nomination.holder.kind != UnitKind.PROVINCE:
        raise ValidationError(_("Praise without an award is decided by the provincial federation."))
    return _moved(
        nomination,
        acting_user,
        StepAction.PRAISE,
        status=NominationStatus.PRAISED,
        holder=nomination.holder,
        comment=_comment(comment, False),
        audit_action=AuditAction.UPDATE,
    )


def nominate_member(
    *, member: Member, category: str, achievement: str, acting_user, source: str, title: str = ""
) -> Nomination:
    """A hook for other modules (pledges: members rated excellent): the member's grassroots
    union proposes the member, with the achievement text given."""
    paths = [*ancestor_paths(member.unit.path), member.unit.path]
    unit = (
        Unit.objects.filter(path__in=paths, kind__in=(UnitKind.GRASSROOTS, UnitKind.AFFILIATE))
        .order_by("-depth")
        .first()
    )
    if unit is None:
        raise ValidationError(
            _("%(name)s has no grassroots union to propose them.") % {"name": member.full_name}
        )
    label = Category(category).label if category in Category.values else ""
    return nomination_create(
        unit=unit,
        acting_user=acting_user,
        kind=NomineeKind.PERSON,
        member=member,
        fields={
            "category": category,
            "title": title or f"{member.full_name} — {label}",
            "achievement": achievement,
            "nominee_position": member.job_title,
        },
        source=source,
    )


# Decisions ------------------------------------------------------------------------------------


def _quota_used(quota: Quota) -> int:
    """Awards already granted against a quota (one query)."""
    return Award.objects.filter(
        decision__unit_id=quota.issuer_id,
        decision__award_kind=quota.award_kind,
        decision__date__year=quota.year,
        nomination__unit__path__startswith=quota.unit.path,
    ).count()


def quota_warnings(nomination: Nomination, target: Unit) -> list[str]:
    """Messages for each quota of `target` that is already full for the nomination's proposing
    unit, in the nomination's year, for the awards `target` grants (a query for the quotas,
    one per quota found). A warning, not a refusal: see `nomination_forward`."""
    kinds = award_kinds_for(target) if target is not None else ()
    if not kinds:
        return []
    paths = [*ancestor_paths(nomination.unit.path), nomination.unit.path]
    quotas = Quota.objects.filter(
        issuer=target, award_kind__in=kinds, year=nomination.year, unit__path__in=paths
    ).select_related("unit", "issuer")
    warnings = []
    for quota in quotas:
        used = _quota_used(quota)
        if used >= quota.limit:
            warnings.append(
                _(
                    "Quota full: %(unit)s may receive at most %(limit)s %(award)s from "
                    "%(issuer)s in %(year)s; %(used)s already granted. %(issuer)s cannot "
                    "grant this nomination that award unless the quota is raised."
                )
                % {
                    "unit": quota.unit.name,
                    "limit": quota.limit,
                    "award": AwardKind(quota.award_kind).label,
                    "issuer": target.name,
                    "year": quota.year,
                    "used": used,
                }
            )
    return warnings


def _quota_errors(unit: Unit, award_kind: str, year: int, nominations) -> list[str]:
    """Messages for each quota the decision would exceed (a few queries, one per quota)."""
    errors = []
    quotas = Quota.objects.filter(issuer=unit, award_kind=award_kind, year=year).select_related(
        "unit"
    )
    for quota in quotas:
        adding = sum(1 for n in nominations if n.unit.path.startswith(quota.unit.path))
        if not adding:
            continue
        used = _quota_used(quota)
        if used + adding > quota.limit:
            errors.append(
                _(
                    "Quota exceeded: %(unit)s may receive at most %(limit)s %(award)s from "
                    "%(issuer)s in %(year)s; %(used)s already granted, this decision adds "
                    "%(adding)s."
                )
                % {
                    "unit": quota.unit.name,
                    "limit": quota.limit,
                    "award": AwardKind(award_kind).label,
                    "issuer": unit.name,
                    "year": year,
                    "used": used,
                    "adding": adding,
                }
            )
    return errors


def repeats(*, unit: Unit, award_kind: str, year: int, nominations, exclude_decision=None):
    """The nominations whose nominee already received this kind of award from the same level in
    the same year, outside thematic reviews: {nomination pk: earlier decision numbers}."""
    members = {n.member_id: n.pk for n in nominations if n.member_id}
    collectives = {n.nominee_unit_id: n.pk for n in nominations if n.nominee_unit_id}
    if not members and not collectives:
        return {}
    earlier = Award.objects.filter(
        Q(member_id__in=list(members)) | Q(unit_id__in=list(collectives)),
        decision__award_kind=award_kind,
        decision__unit__kind=unit.kind,
        decision__date__year=year,
        decision__thematic_review=False,
    )
    if exclude_decision is not None:
        earlier = earlier.exclude(decision=exclude_decision)
    found: dict[int, list[str]] = {}
    for member_id, unit_id, number in earlier.values_list(
        "member_id", "unit_id", "decision__number"
    ):
        pk = members.get(member_id) if member_id else collectives.get(unit_id)
        if pk is not None:
            found.setdefault(pk, []).append(number)
    return found


@transaction.atomic
def decision_create(
    *, unit: Unit, acting_user, fields: dict, nominations, confirm_repeats: bool = False
) -> AwardDecision:
    """A unit's award decision granting the nominations waiting at it. Refused with no awardee,
    with a nomination not waiting at this unit, over a quota, or — unless confirmed or a
    thematic review — when an awardee already has this award from this level this year."""
    require(acting_user, "manage", unit)
    fields = {key: fields[key] for key in DECISION_FIELDS if key in fields}
    for key in ("number", "occasion", "signer_authority", "signer_position", "signer_name"):
        fields[key] = " ".join(nfc(fields.get(key) or "").split())
    fields["reason"] = nfc(fields.get("reason") or "").strip()
    errors = {}
    allowed = award_kinds_for(unit)
    if not allowed:
        raise ValidationError(_("%(unit)s does not grant awards.") % {"unit": unit.name})
    if fields.get("award_kind") not in allowed:
        errors["award_kind"] = _("%(unit)s grants only: %(allowed)s (QĐ 999/QĐ-TLĐ).") % {
            "unit": unit.name,
            "allowed": ", ".join(str(AwardKind(k).label) for k in allowed),
        }
    pks = sorted({n.pk for n in nominations or []})
    if not pks:
        errors["nominations"] = _("A decision lists at least one awardee.")
    if errors:
        raise ValidationError(errors)
    chosen = list(
        Nomination.objects.select_for_update(of=("self",))
        .filter(pk__in=pks)
        .select_related("unit", "holder", "member", "member__unit", "nominee_unit")
        .order_by("kind", "id")
    )
    waiting = [n for n in chosen if n.status in PENDING and n.holder_id == unit.pk]
    if len(waiting) != len(pks):
        raise ValidationError(
            {
                "nominations": _(
                    "Some nominations chosen are not waiting for a decision of %(unit)s."
                )
                % {"unit": unit.name}
            }
        )
    date = fields.get("date")
    if date is None:
        raise ValidationError({"date": _("Give the date of the decision.")})
    quota = _quota_errors(unit, fields["award_kind"], date.year, chosen)
    if quota:
        raise ValidationError({"nominations": quota})
    repeated = {}
    if not fields.get("thematic_review"):
        repeated = repeats(
            unit=unit, award_kind=fields["award_kind"], year=date.year, nominations=chosen
        )
        if repeated and not confirm_repeats:
            names = ", ".join(n.nominee_name for n in chosen if n.pk in repeated)
            message = _(
                "Already awarded this year by the same level: %(names)s. A second award of the "
                "same kind in one year is only for a thematic review; tick the box to confirm."
            ) % {"names": names}
            raise ValidationError({"confirm_repeats": ValidationError(message, code="repeat")})
    decision = AwardDecision(unit=unit, created_by=acting_user, **fields)
    decision.full_clean()
    decision.save()
    Award.objects.bulk_create(
        [
            Award(
                decision=decision,
                nomination=n,
                member_id=n.member_id,
                unit_id=n.nominee_unit_id,
                position=index,
                repeat_flag=n.pk in repeated,
            )
            for index, n in enumerate(chosen, start=1)
        ]
    )
    label = _("Decision %(number)s of %(date)s") % {
        "number": decision.number,
        "date": decision.date.strftime("%d/%m/%Y"),
    }
    now = timezone.now()
    for n in chosen:
        n.status = NominationStatus.GRANTED
    Nomination.objects.bulk_update(chosen, ["status"])
    Nomination.objects.filter(pk__in=pks).update(updated_at=now)
    NominationStep.objects.bulk_create(
        [
            NominationStep(
                nomination=n,
                action=StepAction.GRANT,
                actor=acting_user,
                actor_name=acting_user.get_full_name() or acting_user.get_username(),
                at=now,
                comment=label,
                from_unit=unit,
                to_unit=unit,
            )
            for n in chosen
        ]
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=decision,
        unit=unit,
        changes={
            "award_kind": decision.award_kind,
            "awardees": [n.pk for n in chosen],
            "repeats": sorted(repeated),
            "thematic_review": decision.thematic_review,
        },
    )
    return decision


@transaction.atomic
def decision_exported(*, decision: AwardDecision, acting_user) -> None:
    """The printed decision names people: each download is an export in the audit log."""
    audit_record(actor=acting_user, action=AuditAction.EXPORT, obj=decision, unit=decision.unit)


@transaction.atomic
def evidence_exported(*, item: NominationFile, acting_user) -> None:
    """Evidence files name people and their records: each download is an export in the audit
    log, under the proposing unit. The caller has fetched `item` through the user's scope."""
    nomination = item.nomination
    require(acting_user, "export", nomination.unit)
    audit_record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        obj=item,
        unit=nomination.unit,
        object_repr=f"{nomination.nominee_name} — {item.name}",
        changes={"nomination": nomination.pk},
    )


# Quotas ---------------------------------------------------------------------------------------


@transaction.atomic
def quota_set(
    *, issuer: Unit, unit: Unit, year: int, award_kind: str, limit: int, acting_user
) -> Quota:
    require(acting_user, "manage", issuer)
    errors = {}
    if not unit.path.startswith(issuer.path):
        errors["unit"] = _("%(unit)s is not part of %(issuer)s.") % {
            "unit": unit.name,
            "issuer": issuer.name,
        }
    if award_kind not in award_kinds_for(issuer):
        errors["award_kind"] = _("%(unit)s does not grant this award (QĐ 999/QĐ-TLĐ).") % {
            "unit": issuer.name
        }
    if limit is None or limit < 0:
        errors["limit"] = _("Enter a number, 0 or more.")
    if not year or year < 2000:
        errors["year"] = _("Check the year.")
    if errors:
        raise ValidationError(errors)
    quota = Quota.objects.filter(issuer=issuer, unit=unit, year=year, award_kind=award_kind).first()
    old = quota.limit if quota else None
    if quota is None:
        quota = Quota(issuer=issuer, unit=unit, year=year, award_kind=award_kind, limit=limit)
    quota.limit = limit
    quota.full_clean()
    quota.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE if old is None else AuditAction.UPDATE,
        obj=quota,
        unit=issuer,
        object_repr=f"{unit.name} {year} {award_kind}",
        changes={"limit": {"from": old, "to": limit}},
    )
    return quota


@transaction.atomic
def quota_delete(*, quota: Quota, acting_user) -> None:
    require(acting_user, "manage", quota.issuer)
    audit_record(
        actor=acting_user,
        action=AuditAction.DELETE,
        obj=quota,
        unit=quota.issuer,
        object_repr=f"{quota.unit.name} {quota.year} {quota.award_kind}",
    )
    quota.delete()


def require_view(user, nomination) -> None:
    if not user_scope(user).allows("view", nomination.unit.path):
        raise PermissionDenied
