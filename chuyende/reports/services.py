"""Writes on reports: each atomic, audited; saving a report is optimistically locked."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chuyende.core.audit import audit_record, diff
from chuyende.core.models import AuditAction
from chuyende.core.scoping import require, user_scope
from chuyende.core.uploads import check_upload, original_name

from .choices import ReportStatus, Source
from .models import Indicator, Report, ReportAttachment, ReportingPeriod, ReportValue
from .periods import parse_period
from .registry import REGISTRY
from .selectors import follows_reports, unit_figures

NARRATIVE = (
    "leadership",
    "results",
    "assessment",
    "proposals",
    "number",
    "signer_authority",
    "signer_position",
    "signer_name",
)


class ReportConflict(ValidationError):
    """Someone else saved the report since this copy was opened."""


def indicators_sync() -> int:
    """Mirror the registry's computed indicators into the database (idempotent). Names are
    stored as their English msgids and translated when shown (Indicator.label)."""
    with translation.override("en"):
        return _indicators_sync()


def _indicators_sync() -> int:
    existing = {i.code: i for i in Indicator.objects.all()}
    created = 0
    for spec in REGISTRY.values():
        fields = {
            "name": str(spec.name)[:255],
            "unit_of_measure": str(spec.unit_of_measure)[:40],
            "aggregation": spec.aggregation,
            "source": Source.COMPUTED,
            "numerator": spec.numerator,
            "denominator": spec.denominator,
            "position": spec.position,
        }
        row = existing.get(spec.code)
        if row is None:
            Indicator.objects.create(code=spec.code, **fields)
            created += 1
        elif any(getattr(row, k) != v for k, v in fields.items()):
            Indicator.objects.filter(pk=row.pk).update(**fields)
    return created


def period_ensure(code: str) -> ReportingPeriod:
    with translation.override("en"):  # the stored name is a fallback; ReportingPeriod.label
        fields = parse_period(code)
    period, _created = ReportingPeriod.objects.get_or_create(
        code=fields.pop("code"), defaults=fields
    )
    return period


@transaction.atomic
def report_open(*, form, period, unit, acting_user) -> Report:
    """The unit's report for a form and period, created as a draft with its figures prefilled
    from the records of the unit's whole subtree."""
    require(acting_user, "view", unit)
    if not unit_writes_on(form, unit):
        existing = Report.objects.filter(form=form, period=period, unit=unit).first()
        if existing is None:
            raise ValidationError(
                _("%(unit)s does not write a report on the form “%(form)s”.")
                % {"unit": unit, "form": form.name}
            )
        return existing  # made before the rule: still readable
    report, created = Report.objects.get_or_create(form=form, period=period, unit=unit)
    if created:
        require(acting_user, "change", unit)
        _refresh_values(report)
        audit_record(actor=acting_user, action=AuditAction.CREATE, obj=report, unit=unit)
    return report


def unit_writes_on(form, unit) -> bool:
    """Whether the unit may hold a report on the form (the rule of
    `selectors.report_units`, for one unit): a reporting unit below the recipient, the recipient
    itself, or a unit between them that follows the reports and writes its own part."""
    if not unit.path.startswith(form.recipient.path):
        return False
    return (
        unit.kind == form.reporting_kind
        or unit.pk == form.recipient_id
        or follows_reports(unit.kind, form.reporting_kind)
    )


def _refresh_values(report):
    """Recount the computed figures (declared ones are kept as typed)."""
    indicators = list(report.form.indicators.all())
    figures = unit_figures(
        indicators=[i for i in indicators if i.source == Source.COMPUTED],
        unit=report.unit,
        start=report.period.start,
        end=report.period.end,
        plan=report.form.plan,
    )
    declared = {v.indicator_id for v in report.values.filter(declared=True)}
    report.values.filter(declared=False).delete()
    ReportValue.objects.bulk_create(
        ReportValue(report=report, indicator=i, value=figures.get(i.code))
        for i in indicators
        if i.source == Source.COMPUTED and i.pk not in declared
    )


def _decimal(value):
    if value in (None, ""):
        return None
    try:
        number = (
            Decimal(str(value).replace(".", "").replace(",", "."))
            if isinstance(value, str)
            else Decimal(value)
        )
    except InvalidOperation as error:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}) from error
    if number < 0:
        raise ValidationError(_("Figures cannot be negative."))
    return number


def _require_open(report):
    """Entry closes on the period's locks_on date, for saving and for submitting alike."""
    if report.period.is_locked:
        raise ValidationError(
            _("Entry for this period is locked. Ask the upper level to reopen it.")
        )


@transaction.atomic
def report_save(
    *, report: Report, version: int, acting_user, narrative: dict, declared: dict | None = None
) -> Report:
    """Save the narrative and the declared figures of a draft.

    `version` is the version the editor opened; if someone saved in between, nothing is
    written and ReportConflict says so (the editor's text is still in their form).
    """
    require(acting_user, "change", report.unit)
    if not report.is_editable:
        raise ValidationError(
            _("This report is %(status)s and can no longer be edited.")
            % {"status": report.get_status_display()}
        )
    _require_open(report)
    fields = {k: (narrative.get(k) or "").strip() for k in NARRATIVE if k in narrative}
    old = {k: getattr(report, k) for k in fields}
    updated = Report.objects.filter(pk=report.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise ReportConflict(
            _(
                "Someone else saved this report while you were editing it. "
                "Your text is still below: copy it, reload the page and "
                "merge the changes."
            )
        )
    for code, raw in (declared or {}).items():
        indicator = Indicator.objects.get(code=code, source=Source.ENTERED)
        ReportValue.objects.update_or_create(
            report=report, indicator=indicator, defaults={"value": _decimal(raw), "declared": True}
        )
    report.refresh_from_db()
    changes = diff(old, fields)
    if changes or declared:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=report,
            unit=report.unit,
            changes={**changes, "declared": sorted(declared or {})},
        )
    return report


def _reviewer_check(report, acting_user):
    """The upper level reviews: a manager or editor of the unit the report goes to, above the
    reporting unit."""
    recipient = report.form.recipient
    if report.unit.path == recipient.path or not report.unit.path.startswith(recipient.path):
        raise PermissionDenied
    if not user_scope(acting_user).allows("change", recipient.path):
        raise PermissionDenied(_("Only the upper level that receives this report can review it."))


def _transition(report, acting_user, *, allowed_from, to, action, comment="", review=False):
    if report.status not in allowed_from:
        raise ValidationError(
            _("This report is %(status)s.") % {"status": report.get_status_display()}
        )
    old = report.status
    report.status = to
    now = timezone.now()
    if review:
        report.reviewed_at, report.reviewed_by = now, acting_user
        report.review_comment = comment
    else:
        report.submitted_at, report.submitted_by = now, acting_user
    report.version += 1
    report.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=report,
        unit=report.unit,
        changes={"status": {"from": old, "to": to}, "comment": comment, "step": action},
    )
    return report


@transaction.atomic
def report_submit(*, report: Report, acting_user) -> Report:
    require(acting_user, "change", report.unit)
    _require_open(report)
    _refresh_values(report)
    return _transition(
        report,
        acting_user,
        allowed_from={ReportStatus.DRAFT, ReportStatus.RETURNED},
        to=ReportStatus.SUBMITTED,
        action="submit",
    )


@transaction.atomic
def report_return(*, report: Report, acting_user, comment: str) -> Report:
    _reviewer_check(report, acting_user)
    if not comment.strip():
        raise ValidationError(_("Say what must be changed."))
    return _transition(
        report,
        acting_user,
        allowed_from={ReportStatus.SUBMITTED},
        to=ReportStatus.RETURNED,
        action="return",
        comment=comment.strip(),
        review=True,
    )


@transaction.atomic
def report_accept(*, report: Report, acting_user, comment: str = "") -> Report:
    _reviewer_check(report, acting_user)
    return _transition(
        report,
        acting_user,
        allowed_from={ReportStatus.SUBMITTED},
        to=ReportStatus.ACCEPTED,
        action="accept",
        comment=comment.strip(),
        review=True,
    )


@transaction.atomic
def report_reopen(*, report: Report, acting_user, comment: str) -> Report:
    """An accepted report is locked; the upper level may reopen it, with a reason."""
    _reviewer_check(report, acting_user)
    if not comment.strip():
        raise ValidationError(_("Say why the report is reopened."))
    return _transition(
        report,
        acting_user,
        allowed_from={ReportStatus.ACCEPTED},
        to=ReportStatus.RETURNED,
        action="reopen",
        comment=comment.strip(),
        review=True,
    )


ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_KINDS = ("pdf", "docx", "xlsx", "jpeg", "png", "zip")


@transaction.atomic
def report_attach(*, report: Report, upload, acting_user) -> ReportAttachment:
    """Attach a file to a report that can still be edited."""
    require(acting_user, "change", report.unit)
    if not report.is_editable:
        raise ValidationError(
            _("This report is %(status)s and can no longer be edited.")
            % {"status": report.get_status_display()}
        )
    check_upload(  # name, size and content
        upload,
        ATTACHMENT_KINDS,
        limit=ATTACHMENT_MAX_BYTES,
        messages={
            "extension": _("Attach a PDF, Word, Excel, JPEG, PNG or ZIP file."),
            "empty": _("The file is empty."),
            "too_big": _("The file is larger than 20 MB."),
        },
    )
    name = original_name(upload.name)
    attachment = ReportAttachment(report=report, name=name[:255], uploaded_by=acting_user)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=attachment,
        unit=report.unit,
        object_repr=f"{report} — {name}"[:255],
    )
    return attachment


@transaction.atomic
def attachment_downloaded(*, attachment, acting_user) -> None:
    audit_record(
        actor=acting_user, action=AuditAction.EXPORT, obj=attachment, unit=attachment.report.unit
    )
