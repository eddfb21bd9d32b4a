"""Reads for study sessions: lists, figures, the register, the roll-up — fixed query counts."""

import datetime
from dataclasses import dataclass, field, fields
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Substr

from chuyende.org.choices import MemberStatus, UnitKind
from chuyende.org.models import Member, Unit
from chuyende.org.search import matching
from chuyende.org.selectors import ancestor_paths
from chuyende.plans.choices import PlanStatus
from chuyende.plans.models import Assignment, Task

from .choices import ExpectedMode
from .models import Attendance, StudySession

STEP = Unit.steplen
REGISTER_LIMIT = 400
SHEET_LIMIT = 1000
QUIET_KINDS = (UnitKind.DEPARTMENT, UnitKind.SECTION)  # rows left out of a roll-up when empty


def rate(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


# Choosing the task and the audience --------------------------------------------------------------


def selectable_tasks(*, unit: Unit, keep: int | None = None):
    """Tasks a session of `unit` can belong to: those handed to the unit or to a unit above it
    (a grassroots union carries out its upper levels' tasks) and those of plans it issued;
    `keep`: a session's current task, offered even if no longer handed down."""
    paths = [*ancestor_paths(unit.path), unit.path]
    handed = Assignment.objects.filter(unit__path__in=paths).values("task_id")
    return (
        Task.objects.filter(Q(pk__in=handed) | Q(plan__unit=unit) | Q(pk=keep))
        .exclude(plan__status=PlanStatus.DRAFT)
        .select_related("plan")
        .order_by("-plan__issued_on", "plan_id", "position", "id")
    )


def expected_unit_choices(*, unit: Unit):
    """The units whose members can make up the expected audience: the unit and the units
    directly below it (each standing for its whole subtree)."""
    return Unit.objects.filter(
        Q(pk=unit.pk) | Q(path__startswith=unit.path, depth=unit.depth + 1), active=True
    ).order_by("depth", "sort_key")


def _subtrees_q(paths, lookup="unit__path") -> Q:
    return reduce(or_, [Q(**{f"{lookup}__startswith": p}) for p in paths])


def count_expected(*, unit: Unit, units) -> int:
    """Active members of the chosen units (inside `unit`'s subtree), each counted once."""
    paths = sorted({u.path for u in units if u.path.startswith(unit.path)})
    if not paths:
        return 0
    return Member.objects.filter(_subtrees_q(paths), status=MemberStatus.ACTIVE).count()


def _expected_q(session: StudySession) -> Q:
    """Which members the session expects: the chosen units' members, else the whole subtree."""
    if session.expected_mode == ExpectedMode.MEMBERS:
        paths = [
            p
            for p in session.expected_units.values_list("path", flat=True)
            if p.startswith(session.unit.path)
        ]
        if paths:
            return _subtrees_q(paths)
    return Q(unit__path__startswith=session.unit.path)


def expected_members(*, session: StudySession, limit=SHEET_LIMIT):
    """The members expected at a session, in name order (for the printed attendance sheet).

    When the session only gives a number, nobody is named: the sheet has blank lines.
    """
    if session.expected_mode != ExpectedMode.MEMBERS:
        return [], 0
    qs = Member.objects.filter(_expected_q(session), status=MemberStatus.ACTIVE)
    total = qs.count()
    return list(qs.select_related("unit").order_by("sort_key", "id")[:limit]), total


# Lists and figures ------------------------------------------------------------------------------


def session_list(*, user, unit: Unit | None = None, task: Task | None = None, query: str = ""):
    qs = StudySession.objects.for_user(user).select_related("unit", "task")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if task is not None:
        qs = qs.filter(task=task)
    words = query.strip()
    if words:
        qs = qs.filter(Q(title__icontains=words) | Q(code=words.upper()))
    return qs.order_by("-date", "-id")


def with_participants(sessions) -> list[StudySession]:
    """Each session of a page with `participants` (listed members + head count), from the
    sessions' own counts: no query beyond the page's."""
    sessions = list(sessions)
    for s in sessions:
        s.participants = s.listed_count + s.headcount_total
        s.rate = rate(s.participants, s.expected_count)
    return sessions


@dataclass
class SessionFigures:
    listed: int
    listed_women: int
    listed_minority: int
    headcount: int
    headcount_women: int
    headcount_minority: int
    expected: int

    @property
    def participants(self) -> int:
        return self.listed + self.headcount

    @property
    def women(self) -> int:
        return self.listed_women + self.headcount_women

    @property
    def minority(self) -> int:
        return self.listed_minority + self.headcount_minority

    @property
    def rate(self) -> float | None:
        return rate(self.participants, self.expected)


def session_figures(*, session: StudySession) -> SessionFigures:
    """Participants = distinct listed members + the head count of people on no list, from the
    session's own counts (chuyende.study.counts): no query."""
    return SessionFigures(
        listed=session.listed_count,
        listed_women=session.listed_women,
        listed_minority=session.listed_minority,
        headcount=session.headcount_total,
        headcount_women=session.headcount_women,
        headcount_minority=session.headcount_minority,
        expected=session.expected_count,
    )


def session_participants(*, session: StudySession, limit=None):
    qs = (
        Attendance.objects.filter(session=session)
        .select_related("member", "member__unit")
        .order_by("member__sort_key", "member_id")
    )
    return list(qs[:limit] if limit else qs)


def register_rows(*, session: StudySession, query: str = "", limit=REGISTER_LIMIT):
    """The names an officer ticks: the expected members (active) and whoever is already
    present, in name order, each with `present`. Returns (members, total matching)."""
    attending = Attendance.objects.filter(session=session, member=OuterRef("pk"))
    qs = Member.objects.filter(
        Q(unit__path__startswith=session.unit.path),
        (_expected_q(session) & Q(status=MemberStatus.ACTIVE)) | Q(Exists(attending)),
    )
    qs = matching(qs, query)
    total = qs.count()
    rows = list(
        qs.annotate(present=Exists(attending))
        .select_related("unit")
        .order_by("sort_key", "id")[:limit]
    )
    return rows, total


def sheet_header(*, session: StudySession) -> tuple[str, str]:
    """(superior body, locality) for the attendance sheet's header: the unit above the
    organiser, and 'Đắk Lắk' from the province above it (one query)."""
    from chuyende.org.selectors import ancestors_by_path

    above = ancestors_by_path([session.unit.path])
    parent = above.get(session.unit.path[:-STEP])
    names = [above[p].name for p in sorted(above)] + [session.unit.name]
    markers = (" tỉnh ", " thành phố ")
    locality = next((n.split(m, 1)[1].strip() for n in names for m in markers if m in n), "")
    return (parent.name if parent else ""), locality


# Check-in -----------------------------------------------------------------------------------


def member_of_user(user) -> Member | None:
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).select_related("unit").first()


def member_by_card(*, card_number: str, date_of_birth: datetime.date) -> Member | None:
    """The active member with this union card number and date of birth, or None."""
    card = "".join(card_number.split()).upper()
    if not card:
        return None
    return (
        Member.objects.filter(
            card_number__iexact=card, date_of_birth=date_of_birth, status=MemberStatus.ACTIVE
        )
        .select_related("unit")
        .first()
    )


def attendance_of(*, session: StudySession, member: Member) -> Attendance | None:
    return Attendance.objects.filter(session=session, member=member).first()


# Roll-up ------------------------------------------------------------------------------------


@dataclass
class RollupRow:
    unit: Unit | None  # None: sessions the unit held itself
    sessions: int = 0
    units_held: int = 0
    listed: int = 0
    headcount: int = 0
    women: int = 0
    minority: int = 0
    expected: int = 0
    not_held: int = 0

    @property
    def participants(self) -> int:
        return self.listed + self.headcount

    @property
    def rate(self) -> float | None:
        return rate(self.participants, self.expected)

    def add(self, other: "RollupRow") -> None:
        for name in (f.name for f in fields(self) if f.name != "unit"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Rollup:
    own: RollupRow
    rows: list[RollupRow]
    total: RollupRow
    not_held: list = field(default_factory=list)  # (unit dict, child Unit | None)
    not_held_basis: str = ""  # "assigned", "all" or "period"


def rollup(
    *,
    user,
    unit: Unit,
    task: Task | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> Rollup:
    """Per child unit of `unit` (its whole subtree): sessions held, participants, women, ethnic
    minority, expected and rate; and the grassroots unions that have not held one — for a task,
    by its due date (the unions assigned the task, or else all below); otherwise in the period.

    Five or six queries whatever the size of the tree.
    """
    width = (unit.depth + 1) * STEP
    children = list(
        Unit.objects.for_user(user)
        .filter(path__startswith=unit.path, depth=unit.depth + 1)
        .order_by("sort_key")
    )
    sessions = StudySession.objects.for_user(user).filter(unit__path__startswith=unit.path)
    if task is not None:
        sessions = sessions.filter(task=task)
    if date_from:
        sessions = sessions.filter(date__gte=date_from)
    if date_to:
        sessions = sessions.filter(date__lte=date_to)

    # A session held by `unit` itself groups under unit.path (shorter than `width`).
    by_prefix: dict[str, RollupRow] = {}
    for row in (
        sessions.annotate(prefix=Substr("unit__path", 1, width))
        .order_by()
        .values("prefix")
        .annotate(
            n=Count("id"),
            units=Count("unit", distinct=True),
            head=Sum("headcount_total"),
            head_women=Sum("headcount_women"),
            head_minority=Sum("headcount_minority"),
            expected=Sum("expected_count"),
            listed=Sum("listed_count"),
            listed_women=Sum("listed_women"),
            listed_minority=Sum("listed_minority"),
        )
    ):
        by_prefix[row["prefix"]] = RollupRow(
            unit=None,
            sessions=row["n"],
            units_held=row["units"],
            listed=row["listed"] or 0,
            headcount=row["head"] or 0,
            women=(row["head_women"] or 0) + (row["listed_women"] or 0),
            minority=(row["head_minority"] or 0) + (row["listed_minority"] or 0),
            expected=row["expected"] or 0,
        )

    not_held, basis = _not_held(
        user=user, unit=unit, task=task, date_from=date_from, date_to=date_to
    )
    child_by_path = {c.path: c for c in children}
    listed_not_held = []
    for item in not_held:
        prefix = item["path"][:width]
        target = by_prefix.setdefault(prefix, RollupRow(unit=None))
        target.not_held += 1
        listed_not_held.append((item, child_by_path.get(prefix)))

    rows = []
    for child in children:
        row = by_prefix.get(child.path)
        if row is None and child.kind in QUIET_KINDS:
            continue  # a federation department that held nothing: not a row of the report
        row = row or RollupRow(unit=None)
        row.unit = child
        rows.append(row)
    own = by_prefix.get(unit.path, RollupRow(unit=None))
    total = RollupRow(unit=unit)
    total.add(own)
    for row in rows:
        total.add(row)
    return Rollup(own=own, rows=rows, total=total, not_held=listed_not_held, not_held_basis=basis)


def _not_held(*, user, unit, task, date_from, date_to):
    """Grassroots unions below `unit` (itself included) with no session: for a task, none by
    their due date; otherwise none in the period. Two or three queries; the sessions are
    matched to the unions above them by path in Python (a correlated LIKE per union is slow)."""
    sessions = StudySession.objects.for_user(user).filter(unit__path__startswith=unit.path)
    grassroots = Unit.objects.for_user(user).filter(
        path__startswith=unit.path, kind=UnitKind.GRASSROOTS, active=True
    )
    if task is None:
        basis = "period"
        if date_from:
            sessions = sessions.filter(date__gte=date_from)
        if date_to:
            sessions = sessions.filter(date__lte=date_to)
        candidates = [(*row, None) for row in grassroots.values_list("pk", "name", "path")]
    else:
        sessions = sessions.filter(task=task)
        # the unions handed the task, each by the due date it was handed with
        basis = "assigned"
        candidates = [
            (pk, name, path, due or task.due_on)
            for pk, name, path, due in Assignment.objects.for_user(user)
            .filter(
                task=task,
                unit__path__startswith=unit.path,
                unit__kind=UnitKind.GRASSROOTS,
                unit__active=True,
            )
            .values_list("unit_id", "unit__name", "unit__path", "due_on")
        ]
        if not candidates:
            basis = "all"
            rows = grassroots.values_list("pk", "name", "path")
            candidates = [(*row, task.due_on) for row in rows]
    earliest: dict[str, datetime.date] = {}  # path -> first session held there or below
    for path, day in sessions.order_by().values_list("unit__path", "date"):
        for end in range(STEP, len(path) + 1, STEP):
            prefix = path[:end]
            if prefix not in earliest or day < earliest[prefix]:
                earliest[prefix] = day
    not_held = [
        {"pk": pk, "name": name, "path": path, "due": due}
        for pk, name, path, due in sorted(candidates, key=lambda c: c[2])
        if path not in earliest or (due is not None and earliest[path] > due)
    ]
    return not_held, basis
