"""Writes on pledges and evaluations. Each is atomic and writes its own audit row.

Who may do what:
- the member (the user linked to the member record) writes, submits and self-evaluates their
  own pledge; an officer with "change" rights on the member's unit may do the same for them
  (entering a paper form);
- an officer with "change" rights on the member's unit reviews (accepts, returns) and rates.
"""

import copy
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chuyende.core.audit import audit_record
from chuyende.core.models import AuditAction
from chuyende.core.scoping import require, user_scope
from chuyende.core.text import nfc
from chuyende.org.choices import MemberStatus
from chuyende.org.models import Member

from . import selectors
from .choices import ItemResult, PledgeSource, PledgeStatus
from .models import (
    ITEM_MAX_LENGTH,
    MAX_ITEMS,
    Evaluation,
    Pledge,
    PledgeSection,
    PledgeTemplate,
)

TEXT_FIELDS = ("position", "union_group")


# Rights ----------------------------------------------------------------------------------------


def is_own(user, member: Member) -> bool:
    return user is not None and user.is_authenticated and member.user_id == user.pk


def can_write(user, member: Member) -> bool:
    return is_own(user, member) or user_scope(user).allows("change", member.unit.path)


def _require_write(user, member: Member) -> None:
    if not can_write(user, member):
        raise PermissionDenied(_("You can only write your own pledge."))


def _require_review(user, pledge: Pledge) -> None:
    require(user, "change", pledge.member.unit)
    if is_own(user, pledge.member):
        raise PermissionDenied(_("You cannot review or rate your own pledge."))


# Cleaning and checking --------------------------------------------------------------------------


def clean_lines(values) -> list[str]:
    """Non-empty lines, NFC, spaces collapsed, leading bullets dropped."""
    if isinstance(values, str):
        values = values.splitlines()
    lines = []
    for value in values or []:
        text = " ".join(nfc(str(value or "")).split()).lstrip("-–•+* ").strip()
        if text:
            lines.append(text)
    return lines


def _clean_content(template: PledgeTemplate, sections, fields: dict) -> dict:
    """The pledge's content from the form or the sheet; size limits only (a draft may be
    incomplete). Keys: commitments {code: lines}, actions, target_rating, position, union_group."""
    errors = {}
    commitments = {}
    given = fields.get("commitments") or {}
    for section in sections:
        lines = clean_lines(given.get(section.code))
        if len(lines) > MAX_ITEMS:
            errors[f"section_{section.code}"] = _("At most %(n)s commitments in a section.") % {
                "n": MAX_ITEMS
            }
        if any(len(line) > ITEM_MAX_LENGTH for line in lines):
            errors[f"section_{section.code}"] = _(
                "A commitment is at most %(n)s characters; split it in two."
            ) % {"n": ITEM_MAX_LENGTH}
        if lines:
            commitments[section.code] = lines
    actions = clean_lines(fields.get("actions"))
    if len(actions) > template.max_actions:
        errors["actions"] = _("Write at most %(max)s concrete actions.") % {
            "max": template.max_actions
        }
    elif any(len(line) > ITEM_MAX_LENGTH for line in actions):
        errors["actions"] = _("An action is at most %(n)s characters; split it in two.") % {
            "n": ITEM_MAX_LENGTH
        }
    target = (fields.get("target_rating") or "").strip()
    if target and target not in template.level_labels:
        errors["target_rating"] = _("Choose a rating of the scale.")
    content = {
        "commitments": commitments,
        "actions": actions,
        "target_rating": target,
    }
    for key in TEXT_FIELDS:
        value = " ".join(nfc(fields.get(key) or "").split())
        if len(value) > 160:
            errors[key] = _("At most 160 characters.")
        content[key] = value
    if errors:
        raise ValidationError(errors)
    return content


def completeness_errors(pledge: Pledge, sections) -> dict:
    """What a pledge lacks before it can be submitted, as {field: message}."""
    template = pledge.template
    errors = {}
    for section in sections:
        have = len(pledge.commitments.get(section.code, []))
        if have < section.min_items:
            errors[f"section_{section.code}"] = ngettext(
                "Write at least %(count)s commitment in “%(section)s”.",
                "Write at least %(count)s commitments in “%(section)s”.",
                section.min_items,
            ) % {"count": section.min_items, "section": section.title}
    count = len(pledge.actions)
    if not template.min_actions <= count <= template.max_actions:
        errors["actions"] = _(
            "Write between %(min)s and %(max)s concrete actions (you wrote %(count)s)."
        ) % {"min": template.min_actions, "max": template.max_actions, "count": count}
    if not pledge.target_rating:
        errors["target_rating"] = _("Choose the rating you aim for this year.")
    return errors


def _snapshot(pledge: Pledge, member: Member) -> None:
    """The identity block as the member record says it today."""
    pledge.full_name = member.full_name
    pledge.birth_year = member.date_of_birth.year if member.date_of_birth else None
    pledge.unit_name = member.unit.name
    if not pledge.position:
        pledge.position = member.job_title


def _apply(pledge: Pledge, content: dict) -> dict:
    """Set the content; returns the names of the fields that changed (for the audit row)."""
    changed = {}
    for key, value in content.items():
        if getattr(pledge, key) != value:
            changed[key] = True
            setattr(pledge, key, value)
    return changed


def _template_and_sections(member: Member, template: PledgeTemplate | None):
    template = template or selectors.template_for(unit=member.unit)
    if template is None:
        raise ValidationError(_("No pledge template has been published for your unit yet."))
    applies = selectors.templates_for(unit=member.unit).filter(pk=template.pk).exists()
    if not applies:
        raise ValidationError(_("This template does not apply to the member's unit."))
    return template, selectors.sections_for(template=template, unit=member.unit)


# Writing --------------------------------------------------------------------------------------


@transaction.atomic
def pledge_save(
    *, member: Member, acting_user, fields: dict, template=None, submit=False
) -> Pledge:
    """Create or update the member's current pledge for the template's year (a draft, or one
    returned for changes); with `submit`, check it is complete and send it for review."""
    _require_write(acting_user, member)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError(_("Only active members write a pledge."))
    template, sections = _template_and_sections(member, template)
    pledge = (
        Pledge.objects.select_for_update(of=("self",))
        .filter(member=member, year=template.year, is_current=True)
        .first()
    )
    created = pledge is None
    if created:
        pledge = Pledge(
            member=member,
            template=template,
            year=template.year,
            created_by=acting_user,
            source=PledgeSource.ONLINE if is_own(acting_user, member) else PledgeSource.PAPER,
        )
    elif pledge.status == PledgeStatus.SUBMITTED:
        raise ValidationError(_("This pledge is waiting for review and cannot be changed now."))
    elif pledge.status == PledgeStatus.ACCEPTED:
        raise ValidationError(
            _("This pledge was accepted and is locked; make a new version to change it.")
        )
    content = _clean_content(pledge.template, sections, fields)
    changed = _apply(pledge, content)
    _snapshot(pledge, member)
    if submit:
        errors = completeness_errors(pledge, sections)
        if errors:
            raise ValidationError(errors)
        pledge.status = PledgeStatus.SUBMITTED
        pledge.submitted_at = timezone.now()
    pledge.full_clean()
    pledge.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=pledge,
        unit=member.unit,
        changes={"fields": sorted(changed), "status": pledge.status, "version": pledge.version},
    )
    return pledge


@transaction.atomic
def pledge_submit(*, pledge: Pledge, acting_user) -> Pledge:
    pledge = (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("member__unit", "template")
        .get(pk=pledge.pk)
    )
    _require_write(acting_user, pledge.member)
    if not pledge.is_editable:
        raise ValidationError(_("Only a draft or a returned pledge can be submitted."))
    sections = selectors.sections_for(template=pledge.template, unit=pledge.member.unit)
    errors = completeness_errors(pledge, sections)
    if errors:
        raise ValidationError(errors)
    pledge.status = PledgeStatus.SUBMITTED
    pledge.submitted_at = timezone.now()
    pledge.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=pledge,
        unit=pledge.member.unit,
        changes={"status": {"to": PledgeStatus.SUBMITTED.value}},
    )
    return pledge


def _locked(pledge: Pledge) -> Pledge:
    return (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("member__unit", "template")
        .get(pk=pledge.pk)
    )


@transaction.atomic
def pledge_return(*, pledge: Pledge, acting_user, comment: str) -> Pledge:
    """Send a submitted pledge back to the member with a comment saying what to change."""
    pledge = _locked(pledge)
    _require_review(acting_user, pledge)
    comment = nfc(comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the member should change.")})
    if len(comment) > 2000:
        raise ValidationError({"comment": _("At most 2,000 characters.")})
    if pledge.status != PledgeStatus.SUBMITTED or not pledge.is_current:
        raise ValidationError(_("Only a submitted pledge can be returned."))
    pledge.status = PledgeStatus.RETURNED
    pledge.return_comment = comment
    pledge.reviewer = acting_user
    pledge.reviewed_at = timezone.now()
    pledge.save(update_fields=["status", "return_comment", "reviewer", "reviewed_at", "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=pledge,
        unit=pledge.member.unit,
        changes={"status": {"from": "submitted", "to": "returned"}, "comment": comment},
    )
    return pledge


@transaction.atomic
def pledge_accept(*, pledge: Pledge, acting_user) -> Pledge:
    """Accept a submitted pledge: it is locked from now on."""
    pledge = _locked(pledge)
    _require_review(acting_user, pledge)
    if pledge.status != PledgeStatus.SUBMITTED or not pledge.is_current:
        raise ValidationError(_("Only a submitted pledge can be accepted."))
    pledge.status = PledgeStatus.ACCEPTED
    pledge.reviewer = acting_user
    pledge.reviewed_at = timezone.now()
    pledge.save(update_fields=["status", "reviewer", "reviewed_at", "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=pledge,
        unit=pledge.member.unit,
        changes={"status": {"from": "submitted", "to": "accepted"}},
    )
    return pledge


@transaction.atomic
def pledge_new_version(*, pledge: Pledge, acting_user) -> Pledge:
    """A new draft copied from an accepted pledge; the accepted one is kept as it was."""
    pledge = _locked(pledge)
    _require_write(acting_user, pledge.member)
    if pledge.status != PledgeStatus.ACCEPTED or not pledge.is_current:
        raise ValidationError(
            _("Only the current accepted pledge can be changed by a new version.")
        )
    evaluation = Evaluation.objects.filter(pledge=pledge).first()
    if evaluation is not None and evaluation.final_rating:
        raise ValidationError(_("The pledge has been rated for the year; it cannot change now."))
    pledge.is_current = False
    pledge.save(update_fields=["is_current", "updated_at"])
    new = Pledge(
        member=pledge.member,
        template=pledge.template,
        year=pledge.year,
        version=pledge.version + 1,
        previous=pledge,
        source=pledge.source,
        full_name=pledge.full_name,
        birth_year=pledge.birth_year,
        position=pledge.position,
        unit_name=pledge.unit_name,
        union_group=pledge.union_group,
        commitments=pledge.commitments,
        actions=pledge.actions,
        target_rating=pledge.target_rating,
        created_by=acting_user,
    )
    _snapshot(new, pledge.member)
    new.full_clean()
    new.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=new,
        unit=pledge.member.unit,
        changes={"version": new.version, "previous": pledge.pk},
    )
    return new


@transaction.atomic
def pledge_enter_from_paper(
    *, member: Member, acting_user, fields: dict, template=None, accept=True
) -> Pledge:
    """An officer types in a pledge the member wrote and signed on paper; accepted at once
    unless `accept` is False (then it is left submitted for review)."""
    require(acting_user, "change", member.unit)
    pledge = pledge_save(
        member=member, acting_user=acting_user, fields=fields, template=template, submit=True
    )
    if pledge.source != PledgeSource.PAPER:
        pledge.source = PledgeSource.PAPER
        pledge.save(update_fields=["source"])
    if accept:
        pledge.status = PledgeStatus.ACCEPTED
        pledge.reviewer = acting_user
        pledge.reviewed_at = timezone.now()
        pledge.save(update_fields=["status", "reviewer", "reviewed_at", "updated_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=pledge,
            unit=member.unit,
            changes={"status": {"to": "accepted"}, "source": PledgeSource.PAPER.value},
        )
    return pledge


# Templates -------------------------------------------------------------------------------------


@transaction.atomic
def section_add(
    *,
    template: PledgeTemplate,
    unit,
    acting_user,
    title: str,
    guidance: str = "",
    min_items: int = 1,
) -> PledgeSection:
    """A unit adds a section of its own to the template, for its subtree only."""
    require(acting_user, "change", unit)
    if not unit.path.startswith(template.unit.path):
        raise ValidationError(_("This template does not apply to the unit."))
    if unit.pk == template.unit_id:
        # A section of the template itself: the managers' rules (see section_create).
        require(acting_user, "manage", unit)
        if selectors.has_pledges(template):
            raise ValidationError(_pledges_lock_message())
    title = " ".join(nfc(title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the section a title.")})
    if not 0 <= (min_items or 0) <= MAX_ITEMS:
        raise ValidationError({"min_items": _("Between 0 and %(n)s.") % {"n": MAX_ITEMS}})
    codes = set(PledgeSection.objects.filter(template=template).values_list("code", flat=True))
    count = len(codes) + 1
    while f"u{unit.pk}-{count}" in codes:
        count += 1
    last = PledgeSection.objects.filter(template=template).order_by("-position").first()
    section = PledgeSection(
        template=template,
        unit=unit if unit.pk != template.unit_id else None,
        code=f"u{unit.pk}-{count}",
        title=title[:255],
        guidance=nfc(guidance or "").strip(),
        min_items=min_items or 0,
        position=(last.position + 1) if last else 1,
    )
    section.full_clean()
    section.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=section,
        unit=unit,
        changes={"template": template.pk, "title": section.title},
    )
    return section


# Managing templates (the publishing unit's managers) ---------------------------------------------

MAX_ACTIONS_LIMIT = 10
MIN_LEVELS, MAX_LEVELS = 2, 6
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,19}$")
TEMPLATE_WORDING = ("title", "topic", "introduction")
TEMPLATE_RULES = ("min_actions", "max_actions", "rating_levels")


def _one_line(value, limit=255) -> str:
    return " ".join(nfc(value or "").split())[:limit]


def _text(value) -> str:
    return nfc(value or "").strip()


def parse_levels(value) -> list[dict]:
    """The rating scale from lines "code | label" (or a list of {"code", "label"}), best first."""
    if isinstance(value, str):
        rows = []
        for line in value.splitlines():
            if not line.strip():
                continue
            code, sep, label = line.partition("|")
            if not sep:
                raise ValidationError(
                    {"rating_levels": _("Write each level as “code | label”, one a line.")}
                )
            rows.append({"code": code, "label": label})
        value = rows
    levels = []
    for row in value or []:
        code = _one_line(row.get("code"), 40).lower()
        label = _one_line(row.get("label"))
        if not CODE_RE.match(code) or not label:
            raise ValidationError(
                {
                    "rating_levels": _(
                        "Each level needs a code (lowercase letters, digits, - or _, at most 20) "
                        "and a label."
                    )
                }
            )
        levels.append({"code": code, "label": label})
    codes = [level["code"] for level in levels]
    if len(set(codes)) != len(codes):
        raise ValidationError({"rating_levels": _("Two levels have the same code.")})
    if not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        raise ValidationError(
            {
                "rating_levels": _("The scale has between %(min)s and %(max)s levels.")
                % {"min": MIN_LEVELS, "max": MAX_LEVELS}
            }
        )
    return levels


def levels_text(levels) -> str:
    return "\n".join(f"{level['code']} | {level['label']}" for level in levels or [])


def _clean_template_fields(fields: dict) -> dict:
    """Title, topic, introduction, the rule on concrete actions and the rating scale."""
    errors = {}
    cleaned = {
        "title": _one_line(fields.get("title")),
        "topic": _text(fields.get("topic"))[:2000],
        "introduction": _text(fields.get("introduction"))[:5000],
    }
    if not cleaned["title"]:
        errors["title"] = _("Give the template a title.")
    try:
        low = int(fields.get("min_actions"))
        high = int(fields.get("max_actions"))
    except (TypeError, ValueError):
        errors["min_actions"] = _("Give the fewest and the most concrete actions as numbers.")
    else:
        if not 1 <= low <= high <= MAX_ACTIONS_LIMIT:
            errors["max_actions"] = _(
                "The fewest actions is at least 1, the most at most %(n)s, and the fewest not "
                "above the most."
            ) % {"n": MAX_ACTIONS_LIMIT}
        cleaned.update(min_actions=low, max_actions=high)
    try:
        cleaned["rating_levels"] = parse_levels(fields.get("rating_levels"))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _locked_template(template: PledgeTemplate) -> PledgeTemplate:
    return (
        PledgeTemplate.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=template.pk)
    )


@transaction.atomic
def template_create(*, unit, acting_user, year: int, plan=None, fields: dict) -> PledgeTemplate:
    """A new draft template of a year for the unit's subtree; members write against it once it
    is published."""
    require(acting_user, "manage", unit)
    if plan is not None and not unit.path.startswith(plan.unit.path):
        raise ValidationError({"plan": _("Choose a plan issued by this unit or a unit above it.")})
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    cleaned = _clean_template_fields(fields)
    template = PledgeTemplate(
        unit=unit, plan=plan, year=year, published=False, created_by=acting_user, **cleaned
    )
    template.full_clean()
    template.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=template,
        unit=unit,
        changes={"year": year, "plan": plan.pk if plan else None, "published": False},
    )
    return template


@transaction.atomic
def template_update(*, template: PledgeTemplate, acting_user, fields: dict) -> PledgeTemplate:
    """Change the wording at any time; the rule on actions and the rating scale only while no
    pledge has been written against the template."""
    template = _locked_template(template)
    require(acting_user, "manage", template.unit)
    cleaned = _clean_template_fields(fields)
    changed = [key for key, value in cleaned.items() if getattr(template, key) != value]
    rules = [key for key in changed if key in TEMPLATE_RULES]
    if rules and selectors.has_pledges(template):
        raise ValidationError(
            {
                rules[0]: _(
                    "Pledges have already been written against this template: the number of "
                    "actions and the rating scale can no longer change; only the wording can."
                )
            }
        )
    for key in changed:
        setattr(template, key, cleaned[key])
    template.full_clean()
    template.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=template,
        unit=template.unit,
        changes={"fields": changed},
    )
    return template


@transaction.atomic
def template_publish(*, template: PledgeTemplate, acting_user) -> PledgeTemplate:
    """Publish a draft: from now on the members of the unit's subtree write against it."""
    template = _locked_template(template)
    require(acting_user, "manage", template.unit)
    if template.published:
        raise ValidationError(_("This template is already published."))
    if not PledgeSection.objects.filter(template=template, unit__isnull=True).exists():
        raise ValidationError(_("Add at least one section before publishing the template."))
    template.published = True
    template.save(update_fields=["published"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=template,
        unit=template.unit,
        changes={"published": {"from": False, "to": True}},
    )
    return template


def _shift_year(text: str, old: int, new: int) -> str:
    return text.replace(str(old), str(new)) if text else text


@transaction.atomic
def template_copy(*, template: PledgeTemplate, acting_user, year: int | None = None):
    """Start another year from this template: a draft of the same unit with the same rule, scale
    and sections (the unit's own, not those units below added), the year in the texts moved on."""
    require(acting_user, "manage", template.unit)
    year = year or template.year + 1
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    if PledgeTemplate.objects.filter(unit=template.unit, year=year).exists():
        raise ValidationError(
            {"year": _("This unit already has a pledge template for %(year)s.") % {"year": year}}
        )
    old = template.year
    new = PledgeTemplate(
        unit=template.unit,
        plan=template.plan,
        year=year,
        title=_shift_year(template.title, old, year),
        topic=_shift_year(template.topic, old, year),
        introduction=_shift_year(template.introduction, old, year),
        rating_levels=copy.deepcopy(template.rating_levels),
        min_actions=template.min_actions,
        max_actions=template.max_actions,
        published=False,
        created_by=acting_user,
    )
    new.full_clean()
    new.save()
    sections = PledgeSection.objects.filter(template=template, unit__isnull=True).order_by(
        "position", "id"
    )
    PledgeSection.objects.bulk_create(
        PledgeSection(
            template=new,
            code=section.code,
            title=_shift_year(section.title, old, year),
            guidance=_shift_year(section.guidance, old, year),
            min_items=section.min_items,
            position=index,
        )
        for index, section in enumerate(sections, start=1)
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=new,
        unit=new.unit,
        changes={"copied_from": template.pk, "year": year},
    )
    return new


def _section_owner(section: PledgeSection):
    return section.unit or section.template.unit


def _clean_section(fields: dict) -> dict:
    errors = {}
    cleaned = {
        "code": _one_line(fields.get("code"), 40).lower(),
        "title": _one_line(fields.get("title")),
        "guidance": _text(fields.get("guidance"))[:5000],
    }
    if not CODE_RE.match(cleaned["code"]):
        errors["code"] = _(
            "A code is lowercase letters, digits, - or _, at most 20 characters (e.g. “ethics”)."
        )
    if not cleaned["title"]:
        errors["title"] = _("Give the section a title.")
    try:
        cleaned["min_items"] = int(fields.get("min_items") or 0)
    except (TypeError, ValueError):
        cleaned["min_items"] = -1
    if not 0 <= cleaned["min_items"] <= MAX_ITEMS:
        errors["min_items"] = _("Between 0 and %(n)s.") % {"n": MAX_ITEMS}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _pledges_lock_message() -> str:
    return _(
        "Pledges have already been written against this template: its sections can be reworded "
        "and reordered, but not added, removed, given another code or a higher minimum."
    )


@transaction.atomic
def section_create(*, template: PledgeTemplate, acting_user, fields: dict) -> PledgeSection:
    """The publishing unit adds a section of the template (for its whole subtree), last."""
    template = _locked_template(template)
    require(acting_user, "manage", template.unit)
    cleaned = _clean_section(fields)
    if selectors.has_pledges(template):
        raise ValidationError(_pledges_lock_message())
    last = PledgeSection.objects.filter(template=template).order_by("-position").first()
    section = PledgeSection(template=template, position=(last.position + 1) if last else 1)
    for key, value in cleaned.items():
        setattr(section, key, value)
    section.full_clean()
    section.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=section,
        unit=template.unit,
        changes={"template": template.pk, **cleaned},
    )
    return section


def _locked_section(section: PledgeSection) -> PledgeSection:
    section = (
        PledgeSection.objects.select_for_update(of=("self",))
        .select_related("template", "template__unit", "unit")
        .get(pk=section.pk)
    )
    return section


@transaction.atomic
def section_update(*, section: PledgeSection, acting_user, fields: dict) -> PledgeSection:
    """Edit a section. Once pledges exist in the owner's subtree only the wording (title,
    guidance) and a lower minimum may change: members' commitments are kept by the code."""
    section = _locked_section(section)
    owner = _section_owner(section)
    require(acting_user, "manage", owner)
    cleaned = _clean_section(fields)
    changed = [key for key, value in cleaned.items() if getattr(section, key) != value]
    structural = "code" in changed or cleaned["min_items"] > section.min_items
    if structural and selectors.has_pledges(section.template, section.unit):
        field = "code" if "code" in changed else "min_items"
        raise ValidationError({field: _pledges_lock_message()})
    for key in changed:
        setattr(section, key, cleaned[key])
    section.full_clean()
    section.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=section,
        unit=owner,
        changes={"fields": changed, "template": section.template_id},
    )
    return section


@transaction.atomic
def section_move(*, section: PledgeSection, acting_user, up: bool) -> PledgeSection:
    """Swap the section with the one above (or below) it; positions are renumbered 1..n."""
    section = _locked_section(section)
    owner = _section_owner(section)
    require(acting_user, "manage", owner)
    ordered = list(
        PledgeSection.objects.select_for_update()
        .filter(template=section.template)
        .order_by("position", "id")
    )
    index = next(i for i, s in enumerate(ordered) if s.pk == section.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    PledgeSection.objects.bulk_update(ordered, ["position"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=section,
        unit=owner,
        changes={"moved": "up" if up else "down", "template": section.template_id},
    )
    return section


@transaction.atomic
def section_remove(*, section: PledgeSection, acting_user) -> None:
    """Remove a section while no pledge of the owner's subtree was written against the
    template; afterwards it can only be reworded."""
    section = _locked_section(section)
    owner = _section_owner(section)
    require(acting_user, "manage", owner)
    if selectors.has_pledges(section.template, section.unit):
        raise ValidationError(
            _(
                "Pledges have already been written against this template, so the section "
                "“%(title)s” cannot be removed; you can only change its wording."
            )
            % {"title": section.title}
        )
    audit_record(
        actor=acting_user,
        action=AuditAction.DELETE,
        obj=section,
        unit=owner,
        changes={"template": section.template_id, "code": section.code},
    )
    section.delete()


# Year-end evaluation ---------------------------------------------------------------------------


def _evaluable(pledge: Pledge) -> None:
    if pledge.status != PledgeStatus.ACCEPTED or not pledge.is_current:
        raise ValidationError(_("Only an accepted pledge is evaluated at the end of the year."))


def evaluation_keys(pledge: Pledge, sections) -> list[str]:
    keys = [
        f"{section.code}:{index}"
        for section in sections
        for index in range(len(pledge.commitments.get(section.code, [])))
    ]
    keys += [f"action:{index}" for index in range(len(pledge.actions))]
    return keys


@transaction.atomic
def evaluation_self(
    *, pledge: Pledge, acting_user, results: dict, proposed_rating: str, note: str = ""
) -> Evaluation:
    """The member assesses each commitment and action (done / partly / not done, a note) and
    proposes a rating. Can be changed until the union has set the final rating."""
    pledge = _locked(pledge)
    _require_write(acting_user, pledge.member)
    _evaluable(pledge)
    evaluation, _created = Evaluation.objects.select_for_update(of=("self",)).get_or_create(
        pledge=pledge
    )
    if evaluation.final_rating:
        raise ValidationError(_("The union has already rated this pledge."))
    sections = selectors.sections_for(template=pledge.template, unit=pledge.member.unit)
    valid = set(ItemResult.values)
    errors = {}
    cleaned = {}
    for key in evaluation_keys(pledge, sections):
        item = results.get(key) or {}
        result = item.get("result") or ""
        if result not in valid:
            errors[f"result_{key}"] = _("Say whether this was done, partly done or not done.")
            continue
        cleaned[key] = {"result": result, "note": nfc(item.get("note") or "").strip()[:500]}
    if proposed_rating not in pledge.template.level_labels:
        errors["proposed_rating"] = _("Propose a rating of the scale.")
    if errors:
        raise ValidationError(errors)
    evaluation.results = cleaned
    evaluation.proposed_rating = proposed_rating
    evaluation.self_note = nfc(note or "").strip()[:2000]
    evaluation.self_evaluated_at = timezone.now()
    evaluation.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=evaluation,
        unit=pledge.member.unit,
        changes={"proposed_rating": proposed_rating, "items": len(cleaned)},
    )
    return evaluation


@transaction.atomic
def evaluation_rate(
    *, pledge: Pledge, acting_user, final_rating: str, union_title: bool = False, note: str = ""
) -> Evaluation:
    """The union (its officer, after the meeting) sets the final rating; the title "Đoàn viên
    công đoàn xuất sắc" only on top of the highest level."""
    pledge = _locked(pledge)
    _require_review(acting_user, pledge)
    _evaluable(pledge)
    template = pledge.template
    if final_rating not in template.level_labels:
        raise ValidationError({"final_rating": _("Choose a rating of the scale.")})
    if union_title and final_rating != template.top_level:
        raise ValidationError(
            {"union_title": _("The title is granted only with the highest rating.")}
        )
    evaluation, _created = Evaluation.objects.select_for_update(of=("self",)).get_or_create(
        pledge=pledge
    )
    old = (evaluation.final_rating, evaluation.union_title)
    evaluation.final_rating = final_rating
    evaluation.union_title = bool(union_title)
    evaluation.rating_note = nfc(note or "").strip()[:2000]
    evaluation.rated_by = acting_user
    evaluation.rated_at = timezone.now()
    if final_rating != template.top_level:
        evaluation.proposed_exemplar_at = None
        evaluation.proposed_exemplar_by = None
    evaluation.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=evaluation,
        unit=pledge.member.unit,
        changes={
            "final_rating": {"from": old[0], "to": final_rating},
            "union_title": {"from": old[1], "to": bool(union_title)},
        },
    )
    return evaluation


@transaction.atomic
def propose_exemplar(*, evaluation: Evaluation, acting_user) -> Evaluation:
    """Mark an excellently rated member as proposed for praise (the honors module picks the
    marked evaluations up). Proposing twice changes nothing."""
    evaluation = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("pledge__member__unit", "pledge__template")
        .get(pk=evaluation.pk)
    )
    pledge = evaluation.pledge
    require(acting_user, "change", pledge.member.unit)
    if evaluation.final_rating != pledge.template.top_level:
        raise ValidationError(_("Only a member rated at the highest level can be proposed."))
    if evaluation.proposed_exemplar_at is None:
        evaluation.proposed_exemplar_at = timezone.now()
        evaluation.proposed_exemplar_by = acting_user
        evaluation.save(update_fields=["proposed_exemplar_at", "proposed_exemplar_by"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=evaluation,
            unit=pledge.member.unit,
            changes={"proposed_exemplar": True},
        )
    return evaluation


def proposed_exemplars(*, unit, year: int):
    """Evaluations proposed as exemplars in a subtree (for the honors module)."""
    return (
        Evaluation.objects.filter(
            proposed_exemplar_at__isnull=False,
            pledge__year=year,
            pledge__member__unit__path__startswith=unit.path,
        )
        .select_related("pledge__member__unit")
        .order_by("pledge__member__sort_key")
    )


@transaction.atomic
def pledge_exported(*, pledge: Pledge, acting_user, what: str) -> None:
    """A printed pledge names a person: each download is an export in the audit log."""
    audit_record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        obj=pledge,
        unit=pledge.member.unit,
        changes={"what": what},
    )


@transaction.atomic
def import_template_exported(*, unit, acting_user) -> None:
    """The import template lists the union's members: an export in the audit log."""
    require(acting_user, "change", unit)
    audit_record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        obj=unit,
        unit=unit,
        changes={"what": "pledge_import_template"},
    )
