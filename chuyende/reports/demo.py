"""Reports of 2024 for the Đắk Lắk demo: the seed plan's report forms (6 months and year) and the
upper-level unions' and the province's reports in every state — not started, draft, submitted on
time, submitted late, returned with a comment, accepted.

Reports go through the services (report_open counts the figures from the records, report_submit
recounts them, report_return and report_accept review); the narrative and the dates are then set
with one bulk update, because the demo is built long after 2024 (the entry period is locked and
time is not travelled here). Deterministic through the given generator only.
"""

import datetime
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from chuyende.core.models import AuditAction, AuditEvent
from chuyende.demo.names import person_name
from chuyende.org.choices import UnitKind
from chuyende.org.models import Unit

from .choices import Aggregation, ReportStatus, Source
from .models import Indicator, Report, ReportingPeriod, ReportValue
from .seeding import report_setup_for_plan
from .selectors import compute_figures
from .services import report_accept, report_open, report_return, report_submit

CITY_CODE = "DLK-BMT"  # captren's union: its first 6-month report is left as a draft
PERIODS = ("2024S1", "2024S2", "2024")
# States: (none, draft, on time, late, returned, accepted) — later periods less advanced.
STATES = ("none", "draft", "on_time", "late", "returned", "accepted")
WEIGHTS = {
    "2024S1": (0.04, 0.04, 0.10, 0.07, 0.10, 0.65),
    "2024S2": (0.08, 0.14, 0.25, 0.15, 0.12, 0.26),
    "2024": (0.15, 0.20, 0.22, 0.13, 0.12, 0.18),
}
PROVINCE_STATES = {"2024S1": "accepted", "2024S2": "late", "2024": "draft"}
SPAN_WORDS = {
    "2024S1": "6 tháng đầu năm 2024",
    "2024S2": "6 tháng cuối năm 2024",
    "2024": "năm 2024",
}

LEADERSHIP = (
    "Ngay sau khi nhận Kế hoạch số 26/KH-LĐLĐ ngày 22/02/2024 của LĐLĐ tỉnh, Ban Thường vụ "
    "{unit} đã ban hành kế hoạch triển khai, phân công đồng chí Phó Chủ tịch phụ trách, chỉ đạo "
    "các công đoàn cơ sở đưa nội dung Chuyên đề năm 2024 vào sinh hoạt định kỳ.",
    "Ban Thường vụ {unit} đã quán triệt Chuyên đề năm 2024 đến toàn thể cán bộ công đoàn chủ chốt, "
    "xây dựng kế hoạch tuyên truyền gắn với các ngày kỷ niệm 28/7 và 22/11, giao chỉ tiêu cụ thể "
    "cho từng công đoàn cơ sở.",
    "{unit} phối hợp với cấp ủy, chính quyền cùng cấp chỉ đạo triển khai Chuyên đề năm 2024, "
    "lồng ghép với phong trào thi đua và việc xây dựng Bản cam kết tu dưỡng, rèn luyện của đoàn viên.",
)
STRENGTHS = (
    "Việc học tập Chuyên đề được triển khai kịp thời, đúng đối tượng; nhiều công đoàn cơ sở "
    "chủ động đổi mới hình thức sinh hoạt, ứng dụng mạng xã hội trong tuyên truyền.",
    "Đoàn viên, người lao động tham gia đông đủ, nghiêm túc; nhiều mô hình hay, cách làm hiệu quả "
    "được giới thiệu, nhân rộng.",
)
LIMITS = (
    "Hạn chế: một số công đoàn cơ sở khu vực ngoài nhà nước chưa tổ chức được sinh hoạt chuyên đề; "
    "tỷ lệ người lao động tham gia còn thấp. Nguyên nhân: đặc thù sản xuất theo ca, "
    "người sử dụng lao động chưa tạo điều kiện về thời gian.",
    "Hạn chế: việc báo cáo của một số công đoàn cơ sở còn chậm, số liệu chưa đầy đủ. Nguyên nhân: "
    "cán bộ công đoàn kiêm nhiệm, thường xuyên thay đổi.",
)
PROPOSALS = (
    "Đề nghị LĐLĐ tỉnh tiếp tục cung cấp tài liệu, video clip tuyên truyền bằng tiếng Ê Đê, M'Nông; "
    "mở lớp tập huấn kỹ năng tuyên truyền trên mạng xã hội cho cán bộ công đoàn cơ sở.",
    "Thời gian tới, tiếp tục chỉ đạo các công đoàn cơ sở chưa tổ chức học tập hoàn thành trong quý "
    "tiếp theo; biểu dương, khen thưởng kịp thời các tập thể, cá nhân tiêu biểu.",
)
RETURN_COMMENTS = (
    "Đề nghị bổ sung số liệu đoàn viên là người dân tộc thiểu số tham gia học tập và làm rõ "
    "nguyên nhân các CĐCS chưa tổ chức sinh hoạt chuyên đề.",
    "Phần đánh giá hạn chế, nguyên nhân còn chung chung; đề nghị nêu cụ thể và bổ sung số văn bản, "
    "người ký.",
    "Số tin, bài tuyên truyền chưa khớp với số liệu trên hệ thống; đề nghị rà soát, hoàn chỉnh lại.",
)
ACCEPT_COMMENTS = ("", "", "Báo cáo đầy đủ, đúng thời gian.", "Tiếp nhận.")


def _n(value) -> str:
    """1234 → '1.234'; a ratio keeps one decimal with a comma."""
    if value is None:
        return "—"
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", ".")


def _results(unit_name, span, v) -> str:
    return (
        f"Trong {span}, {unit_name} đã tổ chức {_n(v.get('study.sessions'))} hội nghị, buổi sinh "
        f"hoạt học tập Chuyên đề với {_n(v.get('study.participants'))} lượt người tham gia "
        f"(đạt {_n(v.get('study.participation_rate'))}% so với dự kiến), trong đó nữ "
        f"{_n(v.get('study.participants_women'))}, người dân tộc thiểu số "
        f"{_n(v.get('study.participants_minority'))}. Đăng tải {_n(v.get('outreach.posts'))} tin, "
        f"bài tuyên truyền (Facebook {_n(v.get('outreach.facebook'))}, fanpage "
        f"{_n(v.get('outreach.fanpage'))}, Zalo {_n(v.get('outreach.zalo'))}, trang thông tin "
        f"điện tử {_n(v.get('outreach.website'))}), thu hút {_n(v.get('outreach.views'))} lượt xem. "
        f"Hoàn thành {_n(v.get('plans.assignments_done'))}/{_n(v.get('plans.assignments'))} "
        f"nhiệm vụ được giao."
    )


def _moment(day: datetime.date, rng) -> datetime.datetime:
    at = datetime.datetime.combine(day, datetime.time(rng.randint(7, 16), rng.randint(0, 59)))
    return timezone.make_aware(at)


def _draw_states(units, period_code, rng) -> dict:
    """A state per unit; the first six (in a shuffled order) take each state once, so every
    state is in the demo whatever its size."""
    order = list(units)
    rng.shuffle(order)
    states = {}
    for index, unit in enumerate(order):
        if index < len(STATES):
            states[unit.pk] = STATES[index]
        else:
            states[unit.pk] = rng.choices(STATES, WEIGHTS[period_code])[0]
    return states


def _timeline(state, period, rng):
    """(submitted on, reviewed on, returned once before acceptance) for a state."""
    late = state == "late" or (state in ("returned", "accepted") and rng.random() < 0.3)
    sent = period.due - datetime.timedelta(days=rng.randint(0, 9))
    if late:
        sent = period.due + datetime.timedelta(days=rng.randint(1, 25))
    reviewed = sent + datetime.timedelta(days=rng.randint(1, 6))
    returned_once = state == "accepted" and rng.random() < 0.2
    if returned_once:  # returned, corrected, sent again, then accepted
        sent = reviewed + datetime.timedelta(days=rng.randint(1, 4))
        reviewed = sent + datetime.timedelta(days=rng.randint(1, 3))
    return sent, reviewed, returned_once


def _walk(state, *, form, period, unit, author, reviewer, rng, history):
    """Take one report to its state through the services; returns it (or None: not started)."""
    if state == "none":
        return None
    report = report_open(form=form, period=period, unit=unit, acting_user=author)
    if state == "draft":
        return report
    sent, reviewed, returned_once = _timeline(state, period, rng)
    report_submit(report=report, acting_user=author)
    if state == "returned" or returned_once:
        report_return(report=report, acting_user=reviewer, comment=rng.choice(RETURN_COMMENTS))
    if returned_once:
        report_submit(report=report, acting_user=author)
    if state == "accepted":
        report_accept(report=report, acting_user=reviewer, comment=rng.choice(ACCEPT_COMMENTS))
    reviewed_at = _moment(reviewed, rng) if state in ("returned", "accepted") else None
    history[report.pk] = (_moment(sent, rng), reviewed_at)
    return report


def _figures_by_unit(form, period, units, *, root, plan) -> dict:
    """{unit path: {code: value}} for the units, in one grouped query per indicator and depth
    (the same figures report_open counts for each unit's subtree)."""
    indicators = list(form.indicators.filter(source=Source.COMPUTED))
    figures = {}
    for depth in sorted({u.depth for u in units}):
        figures.update(
            compute_figures(
                indicators=indicators,
                root_path=root.path,
                width=Unit.steplen * depth,
                start=period.start,
                end=period.end,
                plan=plan,
            )
        )
    return {
        u.path: {
            i.code: figures.get(u.path, {}).get(
                i.code, None if i.aggregation == Aggregation.RATIO else 0
            )
            for i in indicators
        }
        for u in units
    }


class _Bulk:
    """Reports written in bulk with the figures the services would count, and the audit rows
    the services would write (dated when each step happened)."""

    def __init__(self):
        self.reports, self.values, self.events = [], [], []

    def add(self, state, *, form, period, unit, figures, author, reviewer, rng, history):
        if state == "none":
            return
        report = Report(form=form, period=period, unit=unit, status=ReportStatus.DRAFT)
        opened = period.end - datetime.timedelta(days=rng.randint(5, 25))
        steps = [(opened, author, AuditAction.CREATE, {})]
        if state != "draft":
            sent, reviewed, returned_once = _timeline(state, period, rng)
            plan = [("submit", sent, author, ReportStatus.SUBMITTED, "")]
            if state == "returned" or returned_once:
                first = sent - datetime.timedelta(days=6) if returned_once else sent
                plan = [
                    ("submit", first, author, ReportStatus.SUBMITTED, ""),
                    (
                        "return",
                        reviewed if state == "returned" else first + datetime.timedelta(days=2),
                        reviewer,
                        ReportStatus.RETURNED,
                        rng.choice(RETURN_COMMENTS),
                    ),
                ]
                if returned_once:
                    plan.append(("submit", sent, author, ReportStatus.SUBMITTED, ""))
            if state == "accepted":
                plan.append(
                    (
                        "accept",
                        reviewed,
                        reviewer,
                        ReportStatus.ACCEPTED,
                        rng.choice(ACCEPT_COMMENTS),
                    )
                )
            status = ReportStatus.DRAFT
            for step, day, actor, to, comment in plan:
                changes = {"status": {"from": status, "to": to}, "comment": comment, "step": step}
                steps.append((day, actor, AuditAction.UPDATE, changes))
                status = to
                if step == "submit":
                    report.submitted_at, report.submitted_by = _moment(day, rng), actor
                else:
                    report.reviewed_at, report.reviewed_by = _moment(day, rng), actor
                    report.review_comment = comment
            report.status = status
            history[id(report)] = (report.submitted_at, report.reviewed_at)
        report.version = len(steps)
        self.reports.append((report, figures, steps))

    def write(self, rng):
        created = Report.objects.bulk_create([r for r, _f, _s in self.reports], batch_size=500)
        indicators = {i.code: i for i in Indicator.objects.filter(source=Source.COMPUTED)}
        for report, (_r, figures, steps) in zip(created, self.reports, strict=True):
            for code, value in figures.items():
                self.values.append(
                    ReportValue(report=report, indicator=indicators[code], value=value)
                )
            for day, actor, action, changes in steps:
                self.events.append(
                    AuditEvent(
                        at=_moment(day, rng),
                        actor=actor,
                        actor_name=actor.get_username(),
                        action=action,
                        object_type=Report._meta.label_lower,
                        object_id=str(report.pk),
                        object_repr=str(report)[:255],
                        unit=report.unit,
                        changes=changes,
                    )
                )
        ReportValue.objects.bulk_create(self.values, batch_size=2000)
        AuditEvent.objects.bulk_create(self.events, batch_size=2000)
        return created


def _write_narratives(reports, history, rng):
    """The narrative (quoting the counted figures), number, signer and dates, in one update."""
    figures: dict[int, dict] = {}
    for report_id, code, value in ReportValue.objects.filter(
        report__in=[r.pk for r in reports]
    ).values_list("report_id", "indicator__code", "value"):
        figures.setdefault(report_id, {})[code] = value
    for serial, report in enumerate(reports, start=1):
        name = report.unit.short_name or report.unit.name
        report.leadership = rng.choice(LEADERSHIP).format(unit=name)
        moments = history.get(report.pk) or history.get(id(report))
        if moments is not None:
            report.submitted_at, report.reviewed_at = moments
        if report.status == ReportStatus.DRAFT and rng.random() < 0.5:
            continue  # a draft just started: only its first section written
        values = figures.get(report.pk, {})
        span = SPAN_WORDS.get(report.period.code, report.period.name)
        report.results = _results(name, span, values)
        report.assessment = f"Ưu điểm: {rng.choice(STRENGTHS)}\n{rng.choice(LIMITS)}"
        report.proposals = rng.choice(PROPOSALS)
        report.number = f"{10 + serial % 80:02d}/BC-LĐLĐ"
        report.signer_authority = "TM. BAN THƯỜNG VỤ"
        report.signer_position = rng.choice(("CHỦ TỊCH", "PHÓ CHỦ TỊCH"))
        report.signer_name = person_name(rng, "Kinh", rng.random() < 0.5)
    Report.objects.bulk_update(
        reports,
        [
            "leadership",
            "results",
            "assessment",
            "proposals",
            "number",
            "signer_authority",
            "signer_position",
            "signer_name",
            "submitted_at",
            "reviewed_at",
        ],
        batch_size=500,
    )


def load_demo(*, province, plan, rng, stdout=None) -> None:
    started = time.perf_counter()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=("admin", "tinh", "captren"))
    }
    admin, tinh = users.get("admin"), users.get("tinh")
    if admin is None or tinh is None:
        return
    forms = {
        (f.reporting_kind, f.period_kind): f
        for f in report_setup_for_plan(plan=plan, acting_user=tinh)
    }
    if Report.objects.filter(form__plan=plan).exists():
        return
    # The demo shows 2024 as if entry were still open, so its drafts can be tried today; a real
    # period locks LOCK_AFTER_DAYS after its due date.
    ReportingPeriod.objects.filter(code__in=PERIODS).update(locks_on=None)
    periods = {p.code: p for p in ReportingPeriod.objects.filter(code__in=PERIODS)}
    uppers = list(
        Unit.objects.filter(
            path__startswith=province.path, kind=UnitKind.UPPER, active=True
        ).order_by("path")
    )
    captren = users.get("captren") or admin
    history: dict[int, tuple] = {}
    reports: list[Report] = []
    bulk = _Bulk()
    with transaction.atomic():
        for code in PERIODS:
            period = periods[code]
            form = forms.get((UnitKind.UPPER, period.kind))
            if form is not None and uppers:
                states = _draw_states(uppers, code, rng)
                figures = _figures_by_unit(form, period, uppers, root=province, plan=plan)
                for unit in uppers:
                    if unit.code == CITY_CODE:  # captren's own, through the services
                        state = "draft" if code == "2024S1" else "none"
                        report = _walk(
                            state,
                            form=form,
                            period=period,
                            unit=unit,
                            author=captren,
                            reviewer=tinh,
                            rng=rng,
                            history=history,
                        )
                        reports += [report] if report is not None else []
                        continue
                    bulk.add(
                        states[unit.pk],
                        form=form,
                        period=period,
                        unit=unit,
                        figures=figures[unit.path],
                        author=admin,
                        reviewer=tinh,
                        rng=rng,
                        history=history,
                    )
            form = forms.get((province.kind, period.kind))
            if form is not None:  # the province's own (tinh writes, the Confederation reviews)
                report = _walk(
                    PROVINCE_STATES[code],
                    form=form,
                    period=period,
                    unit=province,
                    author=tinh,
                    reviewer=admin,
                    rng=rng,
                    history=history,
                )
                reports += [report] if report is not None else []
        reports += bulk.write(rng)
        _write_narratives(reports, history, rng)
    if stdout is not None:
        counts = {}
        for report in Report.objects.filter(form__plan=plan).only("status"):
            counts[report.status] = counts.get(report.status, 0) + 1
        summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ReportStatus.values)
        stdout.write(
            f"  reports: {len(forms)} forms, {sum(counts.values())} reports ({summary}), "
            f"{time.perf_counter() - started:.1f} s\n"
        )
