"""The report forms a plan implies, set up from its reporting duties (idempotent).

The seed plan (Kế hoạch 26/KH-LĐLĐ) ends with III.2: "Tổng hợp, báo cáo kết quả thực hiện về
LĐLĐ tỉnh (6 tháng, năm)" — the upper-level unions report to the provincial federation every six
months and every year; and the federation reports it to the Confederation (its "Nơi nhận":
"Ban TG Tỉnh ủy, TLĐ (Báo cáo)"). Each (reporting level, period kind) gets a ReportForm carrying
every computed indicator.
"""

from django.db import transaction
from django.utils import timezone

from chuyende.core.audit import audit_record
from chuyende.core.models import AuditAction
from chuyende.core.scoping import require
from chuyende.core.text import fold
from chuyende.org.choices import UnitKind
from chuyende.org.models import Unit

from .choices import PeriodKind
from .models import Indicator, ReportForm
from .registry import REGISTRY
from .services import indicators_sync, period_ensure

# Words of a duty's frequency → the kind of period (folded text).
FREQUENCIES = [
    ("6 thang", PeriodKind.SEMESTER),
    ("nua nam", PeriodKind.SEMESTER),
    ("quy", PeriodKind.QUARTER),
    ("thang", PeriodKind.MONTH),
    ("nam", PeriodKind.YEAR),
]
# Words naming a level of the tree (folded text), most specific first.
LEVELS = [
    ("cap tren", UnitKind.UPPER),
    ("cdcs", UnitKind.GRASSROOTS),
    ("co so", UnitKind.GRASSROOTS),
    ("tong lien doan", UnitKind.CONFEDERATION),
    ("tld", UnitKind.CONFEDERATION),
    ("tinh", UnitKind.PROVINCE),
]
PERIOD_WORDS = {
    PeriodKind.SEMESTER: "6 tháng",
    PeriodKind.YEAR: "năm",
    PeriodKind.QUARTER: "quý",
    PeriodKind.MONTH: "tháng",
}
DEFAULT_KINDS = (PeriodKind.SEMESTER, PeriodKind.YEAR)


def _words(text) -> str:
    return f" {fold(text).replace('đ', 'd')} "


def level_of(text: str) -> str | None:
    """The unit kind a phrase names ('Công đoàn cấp trên trực tiếp cơ sở' → upper)."""
    words = _words(text)
    for needle, kind in LEVELS:
        if f" {needle}" in words:
            return kind
    return None


def period_kinds(frequency) -> list[str]:
    kinds = []
    for item in frequency or []:
        words = _words(item)
        for needle, kind in FREQUENCIES:
            if f" {needle} " in words:
                if kind not in kinds:
                    kinds.append(kind)
                break
    return kinds


def _ancestor_of_kind(unit: Unit, kind: str) -> Unit | None:
    if unit.kind == kind:
        return unit
    above = [unit.path[:end] for end in range(Unit.steplen, len(unit.path), Unit.steplen)]
    return Unit.objects.filter(path__in=above, kind=kind).order_by("path").last()


def duties(plan) -> list[tuple[str, Unit, list[str]]]:
    """(reporting unit kind, recipient unit, period kinds) the plan implies.

    From its reporting duties, when the recipient is the issuing unit or a unit above it (a
    form has one recipient, who reviews); and the issuing unit's own report upward when its
    recipients list names the Confederation "(Báo cáo)".
    """
    found = []
    for duty in plan.reporting or []:
        by, to = level_of(duty.get("by") or ""), level_of(duty.get("to") or "")
        recipient = _ancestor_of_kind(plan.unit, to) if to else plan.unit
        if by is None or recipient is None or by == recipient.kind:
            continue
        found.append((by, recipient, period_kinds(duty.get("frequency")) or list(DEFAULT_KINDS)))
    upward_kinds = sorted({k for _by, _to, kinds in found for k in kinds}) or list(DEFAULT_KINDS)
    for entry in plan.recipients or []:
        purpose = _words(entry.get("purpose") or "")
        if " bao cao " not in purpose or level_of(entry.get("name") or "") != "confederation":
            continue
        parent = Unit.objects.filter(path=plan.unit.path[: -Unit.steplen]).first()
        if parent is not None and parent.kind == UnitKind.CONFEDERATION:
            found.append((plan.unit.kind, parent, upward_kinds))
    unique = []
    for by, recipient, kinds in found:
        if not any(b == by and r.pk == recipient.pk for b, r, _k in unique):
            unique.append((by, recipient, kinds))
    return unique


def _form_name(plan, kind) -> str:
    number = f"Kế hoạch số {plan.number}" if plan.number else "kế hoạch"
    return f"Báo cáo {PERIOD_WORDS.get(kind, kind)} kết quả thực hiện {number}"


def _period_codes(year: int, kind: str) -> list[str]:
    if kind == PeriodKind.SEMESTER:
        return [f"{year}S1", f"{year}S2"]
    if kind == PeriodKind.YEAR:
        return [str(year)]
    if kind == PeriodKind.QUARTER:
        return [f"{year}Q{q}" for q in range(1, 5)]
    if kind == PeriodKind.MONTH:
        return [f"{year}{m:02d}" for m in range(1, 13)]
    return []


@transaction.atomic
def report_setup_for_plan(*, plan, acting_user=None) -> list[ReportForm]:
    """Sync the computed indicators, ensure the plan year's periods and the report forms its
    duties imply; running it again changes nothing (a form's indicators are completed)."""
    if acting_user is not None:
        require(acting_user, "manage", plan.unit)
    indicators_sync()
    computed = list(Indicator.objects.filter(code__in=list(REGISTRY)))
    year = plan.issued_on.year if plan.issued_on else timezone.localdate().year
    for kind in DEFAULT_KINDS:
        for code in _period_codes(year, kind):
            period_ensure(code)
    forms = []
    for reporting_kind, recipient, kinds in duties(plan):
        for kind in kinds:
            for code in _period_codes(year, kind):
                period_ensure(code)
            form = ReportForm.objects.filter(
                plan=plan, period_kind=kind, reporting_kind=reporting_kind, recipient=recipient
            ).first()
            if form is None:
                form = ReportForm.objects.create(
                    plan=plan,
                    name=_form_name(plan, kind),
                    period_kind=kind,
                    reporting_kind=reporting_kind,
                    recipient=recipient,
                )
                audit_record(
                    actor=acting_user,
                    action=AuditAction.CREATE,
                    obj=form,
                    unit=plan.unit,
                    changes={"reporting_kind": reporting_kind, "period_kind": kind},
                )
            missing = set(computed) - set(form.indicators.all())
            if missing:
                form.indicators.add(*missing)
            forms.append(form)
    return forms
