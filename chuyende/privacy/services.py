"""Writes of `privacy`: consent, correction requests, the member's own data export. Each is
atomic and writes its audit row in the same transaction."""

import copy
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuyende.core.audit import audit_record
from chuyende.core.models import AuditAction
from chuyende.core.scoping import require
from chuyende.org import services as org_services
from chuyende.org.models import Member

from . import notice
from .choices import CORRECTABLE_FIELDS, ConsentAction, ConsentMethod, CorrectionStatus
from .models import ConsentRecord, CorrectionRequest

# The member's own copy: the reason recorded with the export in the audit log.
OWN_DATA_REASON = "own data: access requested by the member (Law 91/2025/QH15, Decree 13/2023)"


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _own(member, acting_user) -> None:
    if acting_user is None or not acting_user.is_authenticated or member.user_id != acting_user.pk:
        raise PermissionDenied(_("Only the member can do this for their own record."))


# Consent ---------------------------------------------------------------------------------------


def _consent(member, acting_user, *, action, method, version, ip=None, **extra):
    record = ConsentRecord.objects.create(
        member=member,
        version=version,
        action=action,
        method=method,
        recorded_by=acting_user,
        recorded_by_name=_name(acting_user),
        ip_address=ip,
        **extra,
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=record,
        unit=member.unit,
        object_repr=f"{member.pk}: {action} {version} ({method})",
        changes={
            "member": member.pk,
            "version": version,
            "decision": action,
            "method": method,
            **{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in extra.items() if v},
        },
    )
    return record


@transaction.atomic
def consent_give(*, member: Member, acting_user, ip=None) -> ConsentRecord:
    """The member consents online to the current notice (the page shown once per version)."""
    _own(member, acting_user)
    return _consent(
        member,
        acting_user,
        action=ConsentAction.GIVEN,
        method=ConsentMethod.ONLINE,
        version=notice.CURRENT_VERSION,
        ip=ip,
    )


@transaction.atomic
def consent_withdraw(*, member: Member, acting_user, ip=None) -> ConsentRecord:
    """The member withdraws their consent online."""
    _own(member, acting_user)
    return _consent(
        member,
        acting_user,
        action=ConsentAction.WITHDRAWN,
        method=ConsentMethod.ONLINE,
        version=notice.CURRENT_VERSION,
        ip=ip,
    )


@transaction.atomic
def consent_record_paper(
    *,
    member: Member,
    acting_user,
    action: str,
    version: str,
    signed_on: datetime.date,
    reference: str = "",
    note: str = "",
) -> ConsentRecord:
    """An officer of the member's unit records a consent (or its withdrawal) signed on paper."""
    require(acting_user, "change", member.unit)
    errors = {}
    if action not in ConsentAction.values:
        errors["action"] = _("Choose whether consent was given or withdrawn.")
    if version not in notice.VERSIONS:
        errors["version"] = _("Choose a version of the notice.")
    if signed_on is None:
        errors["signed_on"] = _("Enter the day the form was signed.")
    elif signed_on > timezone.localdate():
        errors["signed_on"] = _("The form cannot be signed in the future.")
    elif version in notice.VERSIONS and signed_on < notice.VERSIONS[version]:
        errors["signed_on"] = _("This version of the notice took effect on %(day)s.") % {
            "day": notice.VERSIONS[version].strftime("%d/%m/%Y")
        }
    if errors:
        raise ValidationError(errors)
    return _consent(
        member,
        acting_user,
        action=action,
        method=ConsentMethod.PAPER,
        version=version,
        signed_on=signed_on,
        reference=" ".join((reference or "").split())[:120],
        note=" ".join((note or "").split())[:255],
    )


# Corrections -----------------------------------------------------------------------------------


def display_value(field: str, value) -> str:
    """A value of a member field as a person reads it."""
    if value in (None, ""):
        return ""
    model_field = Member._meta.get_field(field)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _stored(value) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def _from_stored(field: str, text: str):
    if isinstance(Member._meta.get_field(field), models.DateField):
        return datetime.date.fromisoformat(text) if text else None
    return text


def _choice_key(model_field, text: str) -> str:
    """The key of a choice typed as its key or its label, in Vietnamese or English, with or
    without accents."""
    from django.utils import translation

    from chuyende.core.text import fold

    known = {}
    for language in ("en", "vi"):
        with translation.override(language):
            for key, label in model_field.flatchoices:
                if key:
                    known.setdefault(fold(str(label)), key)
                    known.setdefault(fold(str(key)), key)
    found = known.get(fold(text))
    if found is None:
        labels = [str(label) for key, label in model_field.flatchoices if key]
        if len(labels) > 6:
            message = _("Write it as in the official list, e.g. %(examples)s.") % {
                "examples": ", ".join(labels[:3])
            }
        else:
            message = _("Write one of: %(choices)s.") % {"choices": ", ".join(labels)}
        raise ValidationError({"proposed_value": message})
    return found


def parse_proposed(member: Member, field: str, text: str):
    """The proposed value as the member's record would hold it, checked as the member form
    checks it; ValidationError on `proposed_value` otherwise."""
    if field not in CORRECTABLE_FIELDS:
        raise ValidationError({"field": _("This field cannot be corrected this way.")})
    model_field = Member._meta.get_field(field)
    text = " ".join((text or "").split())
    if model_field.choices and text:
        text = _choice_key(model_field, text)
    form_field = model_field.formfield()
    try:
        value = form_field.clean(text)
        if field == "full_name" and len(value.split()) < 2:
            raise ValidationError(_("Enter the full name: family name and given name."))
        if value is None and not model_field.null:
            value = ""
    except ValidationError as error:
        raise ValidationError({"proposed_value": error.messages}) from error
    if value == getattr(member, field) or (value in ("", None) and not getattr(member, field)):
        raise ValidationError({"proposed_value": _("This is already the value held.")})
    candidate = copy.copy(member)
    setattr(candidate, field, value)
    try:
        candidate.full_clean()
    except ValidationError as error:
        found = getattr(error, "error_dict", {}).get(field)
        if found:
            raise ValidationError(
                {"proposed_value": [m for e in found for m in e.messages]}
            ) from error
    return value


@transaction.atomic
def correction_request(
    *, member: Member, acting_user, field: str, proposed: str, note: str = ""
) -> CorrectionRequest:
    """The member asks the union to correct one field of their record."""
    _own(member, acting_user)
    value = parse_proposed(member, field, proposed)
    if CorrectionRequest.objects.filter(
        member=member, field=field, status=CorrectionStatus.PENDING
    ).exists():
        raise ValidationError(
            {"field": _("A request to correct this field is already waiting for the union.")}
        )
    request = CorrectionRequest.objects.create(
        member=member,
        field=field,
        current_value=display_value(field, getattr(member, field)),
        proposed_value=_stored(value),
        note=(note or "").strip()[:2000],
        created_by=acting_user,
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=request,
        unit=member.unit,
        changes={"member": member.pk, "field": field, "status": request.status},
    )
    return request


def proposed_display(request: CorrectionRequest) -> str:
    return display_value(request.field, _from_stored(request.field, request.proposed_value))


def _decided(request, acting_user, status, reason):
    request.status = status
    request.decided_at = timezone.now()
    request.decided_by = acting_user
    request.decided_by_name = _name(acting_user)
    request.reason = reason
    request.save(update_fields=["status", "decided_at", "decided_by", "decided_by_name", "reason"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=request,
        unit=request.member.unit,
        changes={
            "member": request.member_id,
            "field": request.field,
            "status": {"from": CorrectionStatus.PENDING, "to": status},
            "reason": reason,
        },
    )


def _pending(request: CorrectionRequest, acting_user) -> CorrectionRequest:
    locked = (
        CorrectionRequest.objects.select_for_update()
        .select_related("member", "member__unit")
        .get(pk=request.pk)
    )
    require(acting_user, "change", locked.member.unit)
    if locked.member.user_id is not None and locked.member.user_id == acting_user.pk:
        raise PermissionDenied(_("Another officer decides a request about your own record."))
    if locked.status != CorrectionStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    return locked


@transaction.atomic
def correction_accept(*, request: CorrectionRequest, acting_user, note: str = "") -> Member:
    """Apply the correction through the member service (its checks, tallies and audit row) and
    close the request. Nothing changes if the value no longer passes the member's checks."""
    request = _pending(request, acting_user)
    value = _from_stored(request.field, request.proposed_value)
    member = org_services.member_update(
        member=Member.objects.get(pk=request.member_id),
        acting_user=acting_user,
        **{request.field: value},
    )
    _decided(request, acting_user, CorrectionStatus.ACCEPTED, (note or "").strip()[:2000])
    return member


@transaction.atomic
def correction_reject(*, request: CorrectionRequest, acting_user, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the member the reason for rejecting.")})
    request = _pending(request, acting_user)
    _decided(request, acting_user, CorrectionStatus.REJECTED, reason[:2000])


@transaction.atomic
def correction_values_shown(*, request: CorrectionRequest, acting_user) -> None:
    """An officer opens a request on a personal field: the values are shown in full, and the
    view is in the audit log with its reason (deciding the member's own request)."""
    if request.field not in Member.PERSONAL_FIELDS:
        return
    audit_record(
        actor=acting_user,
        action=AuditAction.REVEAL,
        obj=request.member,
        unit=request.member.unit,
        changes={
            "fields": [request.field],
            "reason": f"correction request #{request.pk} of the member",
        },
    )


# The member's own copy -------------------------------------------------------------------------


@transaction.atomic
def own_data_exported(*, member: Member, acting_user, fmt: str) -> None:
    """Record the member's download of everything held about them."""
    _own(member, acting_user)
    audit_record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        obj=member,
        unit=member.unit,
        changes={
            "what": "own data",
            "format": fmt,
            "fields": list(Member.PERSONAL_FIELDS),
            "reason": OWN_DATA_REASON,
        },
    )
