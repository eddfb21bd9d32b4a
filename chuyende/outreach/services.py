"""Writes on outreach posts, occasions and unit websites. Each is atomic and audited."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chuyende.core.audit import audit_record, diff
from chuyende.core.models import AuditAction
from chuyende.core.scoping import require, user_scope
from chuyende.core.storage import delete_after_commit
from chuyende.core.text import fold, nfc
from chuyende.org.models import Unit
from chuyende.plans.models import Occasion

from . import links
from .choices import LINKED_CHANNELS, Channel, Decision, PostStatus
from .models import OutreachPost, UnitWebsite
from .occasions import NATIONAL_OCCASIONS
from .selectors import website_domains
from .validators import check_screenshot

POST_FIELDS = (
    "unit",
    "channel",
    "link",
    "title",
    "published_on",
    "occasion",
    "task",
    "views",
    "reactions",
    "shares",
)
# Changing one of these sends an approved post back for review (unless a manager changes it);
# reach figures and the screenshot can be brought up to date without a new review.
CONTENT_FIELDS = ("unit", "channel", "link", "title", "published_on", "occasion", "task")
EARLIEST = datetime.date(2000, 1, 1)


def _fill_from_link(values: dict, unit: Unit) -> None:
    """Normalise the link and fill the channel, date and title it tells, where left empty."""
    text = (values.get("link") or "").strip()
    if not text:
        values["link"] = ""
        return
    try:
        found = links.suggest(text, website_domains=website_domains(unit=unit))
    except ValidationError as error:
        raise ValidationError({"link": error.messages}) from error
    values["link"] = found.link
    if not values.get("channel") and found.channel:
        values["channel"] = found.channel
    if not values.get("published_on") and found.published_on:
        values["published_on"] = found.published_on
    if not (values.get("title") or "").strip() and found.title:
        values["title"] = found.title


def _on_line(ancestor_path: str, unit: Unit) -> bool:
    """True when the unit is the one at `ancestor_path` or below it."""
    return unit.path.startswith(ancestor_path)


def _check(post: OutreachPost) -> None:
    errors = {}
    today = timezone.localdate()
    if not post.channel:
        errors["channel"] = _("Choose a channel: it could not be told from the link.")
    elif post.channel in LINKED_CHANNELS and not post.link:
        errors["link"] = _("A post on %(channel)s needs its link.") % {
            "channel": Channel(post.channel).label
        }
    elif post.link and OutreachPost.objects.filter(link=post.link).exclude(pk=post.pk).exists():
        errors["link"] = _("This link has already been recorded.")
    if not post.title:
        errors["title"] = _("Give a title: it could not be read from the link.")
    if not post.published_on:
        errors["published_on"] = _("Give the date of publication: the link does not tell it.")
    elif post.published_on > today:
        errors["published_on"] = _("The date of publication cannot be in the future.")
    elif post.published_on < EARLIEST:
        errors["published_on"] = _("Please check the date: it is before 2000.")
    if post.occasion_id and not _on_line(post.occasion.unit.path, post.unit):
        errors["occasion"] = _("This occasion is not on the calendar of %(unit)s.") % {
            "unit": post.unit.name
        }
    if post.task_id and not _on_line(post.task.plan.unit.path, post.unit):
        errors["task"] = _("This task is not in a plan of %(unit)s or of a unit above it.") % {
            "unit": post.unit.name
        }
    try:
        post.full_clean(exclude=["screenshot", *errors])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)


def _apply(post: OutreachPost, values: dict) -> None:
    for key in POST_FIELDS:
        if key in values:
            setattr(post, key, values[key])
    post.title = " ".join(nfc(post.title or "").split())[:255]
    post.search_title = fold(post.title)[:255]


def _attach(post: OutreachPost, screenshot) -> None:
    """Store the screenshot under a random name (the original name may hold personal data)."""
    extension = check_screenshot(screenshot)
    post.screenshot = File(screenshot, name=f"{uuid.uuid4().hex}.{extension}")


def _snapshot(post: OutreachPost) -> dict:
    return {key: getattr(post, key) for key in POST_FIELDS}


def _can_manage(user, unit) -> bool:
    return user_scope(user).allows("manage", unit.path)


@transaction.atomic
def post_submit(*, unit: Unit, acting_user, fields: dict, screenshot=None) -> OutreachPost:
    """Record a post. Editors submit it for review; a manager's own post is approved at once."""
    require(acting_user, "change", unit)
    values = {**fields, "unit": unit}
    _fill_from_link(values, unit)
    post = OutreachPost(created_by=acting_user)
    _apply(post, values)
    _check(post)
    if screenshot:
        _attach(post, screenshot)
    if _can_manage(acting_user, unit):
        post.status = PostStatus.APPROVED
        post.reviewed_by = acting_user
        post.reviewed_at = timezone.now()
    post.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=post,
        unit=unit,
        changes={
            "channel": post.channel,
            "link": post.link,
            "published_on": post.published_on.isoformat(),
            "status": post.status,
        },
    )
    return post


@transaction.atomic
def post_update(
    *, post: OutreachPost, acting_user, fields: dict, screenshot=None, remove_screenshot=False
) -> OutreachPost:
    """Edit a post. An editor's change of its content sends it back for review; reach figures
    and the screenshot can be updated without one."""
    require(acting_user, "change", post.unit)
    new_unit = fields.get("unit") or post.unit
    if new_unit.pk != post.unit_id:
        require(acting_user, "change", new_unit)
    before = _snapshot(post)
    values = {**before, **fields, "unit": new_unit}
    _fill_from_link(values, new_unit)
    _apply(post, values)
    _check(post)
    changes = diff(before, _snapshot(post))
    old_file = post.screenshot.name if post.screenshot else ""
    if screenshot:
        _attach(post, screenshot)
        changes["screenshot"] = {"changed": True}
    elif remove_screenshot and old_file:
        post.screenshot = ""
        changes["screenshot"] = {"changed": True}
    if not changes:
        return post
    content_changed = any(key in changes for key in CONTENT_FIELDS)
    if content_changed and not _can_manage(acting_user, post.unit):
        if post.status != PostStatus.SUBMITTED:
            changes["status"] = {"from": post.status, "to": PostStatus.SUBMITTED}
        post.status = PostStatus.SUBMITTED
        post.reviewed_by = None
        post.reviewed_at = None
    post.save()
    if old_file and "screenshot" in changes:
        delete_after_commit(post.screenshot.storage, [old_file])
    audit_record(
        actor=acting_user, action=AuditAction.UPDATE, obj=post, unit=post.unit, changes=changes
    )
    return post


@transaction.atomic
def post_review(*, post: OutreachPost, acting_user, decision: str, note: str = "") -> OutreachPost:
    """Approve or reject a post: a manager of the post's unit or of a unit above it."""
    require(acting_user, "manage", post.unit)
    note = " ".join((note or "").split())[:500]
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose approve or reject.")})
    if decision == Decision.REJECT and not note:
        raise ValidationError({"note": _("Say why the post is rejected.")})
    status = PostStatus.APPROVED if decision == Decision.APPROVE else PostStatus.REJECTED
    if post.status == status:
        raise ValidationError(
            _("The post is already %(status)s.") % {"status": PostStatus(status).label.lower()}
        )
    changes = {"status": {"from": post.status, "to": status}}
    if note:
        changes["note"] = note
    post.status = status
    post.review_note = note
    post.reviewed_by = acting_user
    post.reviewed_at = timezone.now()
    post.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(
        actor=acting_user, action=AuditAction.UPDATE, obj=post, unit=post.unit, changes=changes
    )
    return post


@transaction.atomic
def post_delete(*, post: OutreachPost, acting_user) -> None:
    """Delete a post: its unit's editors while it is not approved, managers at any time."""
    require(acting_user, "change", post.unit)
    if post.status == PostStatus.APPROVED and not _can_manage(acting_user, post.unit):
        raise PermissionDenied(_("Only a manager can delete an approved post."))
    audit_record(
        actor=acting_user,
        action=AuditAction.DELETE,
        obj=post,
        unit=post.unit,
        changes={"link": post.link, "status": post.status},
    )
    if post.screenshot:
        delete_after_commit(post.screenshot.storage, [post.screenshot.name])
    post.delete()


@transaction.atomic
def screenshot_viewed(*, post: OutreachPost, acting_user) -> None:
    """Opening a screenshot is recorded like a download of evidence (it may show people)."""
    audit_record(actor=acting_user, action=AuditAction.EXPORT, obj=post, unit=post.unit)


# --- Occasions -----------------------------------------------------------------------------------

OCCASION_FIELDS = ("name", "date", "recurring")


@transaction.atomic
def occasion_create(*, unit: Unit, acting_user, fields: dict) -> Occasion:
    require(acting_user, "manage", unit)
    occasion = Occasion(unit=unit, **{key: fields.get(key) for key in OCCASION_FIELDS})
    occasion.name = " ".join(nfc(occasion.name or "").split())
    occasion.recurring = bool(occasion.recurring)
    occasion.full_clean()
    occasion.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=occasion,
        unit=unit,
        changes={"date": occasion.date.isoformat(), "recurring": occasion.recurring},
    )
    return occasion


@transaction.atomic
def occasion_update(*, occasion: Occasion, acting_user, fields: dict) -> Occasion:
    require(acting_user, "manage", occasion.unit)
    values = {key: fields[key] for key in OCCASION_FIELDS if key in fields}
    if "name" in values:
        values["name"] = " ".join(nfc(values["name"] or "").split())
    changes = diff({key: getattr(occasion, key) for key in values}, values)
    for key, value in values.items():
        setattr(occasion, key, value)
    occasion.full_clean()
    occasion.save()
    if changes:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=occasion,
            unit=occasion.unit,
            changes=changes,
        )
    return occasion


@transaction.atomic
def occasion_delete(*, occasion: Occasion, acting_user) -> None:
    """Delete an occasion no post is linked to (its posts would lose their tie)."""
    require(acting_user, "manage", occasion.unit)
    linked = OutreachPost.objects.filter(occasion=occasion).count()
    if linked:
        raise ValidationError(
            ngettext(
                "%(n)s post is linked to this occasion. Link it to another occasion "
                "before deleting it.",
                "%(n)s posts are linked to this occasion. Link them to another occasion "
                "before deleting it.",
                linked,
            )
            % {"n": linked}
        )
    audit_record(
        actor=acting_user,
        action=AuditAction.DELETE,
        obj=occasion,
        unit=occasion.unit,
        changes={"date": occasion.date.isoformat(), "name": occasion.name},
    )
    occasion.delete()


@transaction.atomic
def occasions_seed_national(*, root: Unit, acting_user) -> list[Occasion]:
    """The recurring national anniversaries on the root unit (seen by every unit below).
    Those already there (same day, month and name) are left alone."""
    require(acting_user, "manage", root)
    if root.depth != 1:
        raise ValidationError(_("National occasions belong to the top of the union tree."))
    existing = {
        (d.month, d.day, name)
        for d, name in Occasion.objects.filter(unit=root, recurring=True).values_list(
            "date", "name"
        )
    }
    rows = [
        Occasion(unit=root, date=day, name=name, recurring=True)
        for day, name in NATIONAL_OCCASIONS
        if (day.month, day.day, name) not in existing
    ]
    created = Occasion.objects.bulk_create(rows)
    if created:
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type="plans.occasion",
            object_repr=_("National occasions"),
            unit=root,
            changes={"count": len(created), "names": [o.name for o in created]},
        )
    return created


# --- Unit websites -------------------------------------------------------------------------------


@transaction.atomic
def website_add(*, unit: Unit, acting_user, domain: str) -> UnitWebsite:
    require(acting_user, "manage", unit)
    domain = links.clean_domain(domain)
    if UnitWebsite.objects.filter(domain=domain).exists():
        raise ValidationError({"domain": _("This domain is already recorded for a unit.")})
    website = UnitWebsite.objects.create(unit=unit, domain=domain)
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=website,
        unit=unit,
        changes={"domain": domain},
    )
    return website


@transaction.atomic
def website_remove(*, website: UnitWebsite, acting_user) -> None:
    require(acting_user, "manage", website.unit)
    audit_record(
        actor=acting_user,
        action=AuditAction.DELETE,
        obj=website,
        unit=website.unit,
        changes={"domain": website.domain},
    )
    website.delete()
