"""Study sessions of 2024 for the Đắk Lắk demo: the province's conference for II.1 (Q1), each
upper-level union's conference, and most grassroots unions' periodic meetings on the topic for
II.3 — some not held, so the "not yet held" list has names. Listed attendance for a realistic
share of members, head counts for some. Everything is bulk-inserted; deterministic through the
given generator only."""

import datetime
import time

from django.utils import timezone

from chuyende.org.choices import MAJORITY_ETHNICITY, Gender, MemberStatus, UnionPosition, UnitKind
from chuyende.org.models import Member, Unit

from .choices import AttendanceSource, ExpectedMode, SessionDelivery, SessionKind
from .models import CODE_ALPHABET, CODE_LENGTH, Attendance, StudySession

GRASSROOTS_HELD = 0.85  # share of grassroots unions that held their periodic meeting
LISTED = 0.75  # share of grassroots meetings with a name list (the rest: head counts only)
GUESTS = 0.15  # share of listed meetings that also counted guests without a record
UPPER_LATE = 0.12  # upper-level unions that held their conference after 31/03/2024
BATCH = 5000

PROVINCE_TITLE = "Hội nghị học tập, quán triệt và triển khai Chuyên đề năm 2024"
UPPER_TITLE = "Hội nghị học tập, quán triệt Chuyên đề năm 2024"
GRASSROOTS_TITLES = (
    "Sinh hoạt chuyên đề: Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm 2024",
    "Sinh hoạt định kỳ: quán triệt Chuyên đề năm 2024",
    "Sinh hoạt công đoàn: Chuyên đề năm 2024 về giữ gìn và phát huy bản sắc văn hóa dân tộc",
)
MATERIALS = (
    "Tài liệu Chuyên đề năm 2024 (Ban Tuyên giáo Tỉnh ủy); "
    "Kế hoạch 26/KH-LĐLĐ ngày 22/02/2024 của LĐLĐ tỉnh."
)
START_TIMES = (
    datetime.time(7, 30),
    datetime.time(8, 0),
    datetime.time(14, 0),
    datetime.time(15, 30),
)


def _codes(rng, count):
    taken = set(StudySession.objects.values_list("code", flat=True))
    codes = []
    while len(codes) < count:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _day(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    """A working day between start and end."""
    day = start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _at(day, start):
    return timezone.make_aware(datetime.datetime.combine(day, start))


def load_demo(*, province, plan, rng, stdout=None) -> None:
    started = time.perf_counter()
    tasks = {t.ref: t for t in plan.tasks.all()}
    ii1, ii3 = tasks.get("II.1"), tasks.get("II.3")
    units = list(
        Unit.objects.filter(path__startswith=province.path, active=True)
        .order_by("path")
        .only("pk", "path", "depth", "kind", "name", "short_name")
    )
    grassroots = [u for u in units if u.kind == UnitKind.GRASSROOTS]
    uppers = [u for u in units if u.kind == UnitKind.UPPER]
    affiliates = [
        u for u in units if u.depth == province.depth + 1 and u.kind == UnitKind.AFFILIATE
    ]
    # Active members by the grassroots union (or affiliated unit) they belong to.
    by_holder: dict[str, list[tuple]] = {u.path: [] for u in [*grassroots, *affiliates]}
    step = Unit.steplen
    for row in (
        Member.objects.filter(unit__path__startswith=province.path, status=MemberStatus.ACTIVE)
        .order_by("unit__path", "sort_key", "id")
        .values_list("pk", "unit__path", "gender", "ethnicity", "union_position")
    ):
        path = row[1]
        for depth in range(len(path) // step, 0, -1):
            holder = by_holder.get(path[: depth * step])
            if holder is not None:
                holder.append(row)
                break

    sessions: list[StudySession] = []
    listed: list[list[tuple]] = []  # members present, per session (same order as sessions)
    expected_units: list[list[int]] = []

    def add(session, present=(), units_expected=()):
        sessions.append(session)
        listed.append(list(present))
        expected_units.append(list(units_expected))

    # 1. The province's conference for II.1, in Q1 2024.
    staff = [m for a in affiliates for m in by_holder[a.path]]
    speakers_head = round(len(uppers) * rng.uniform(1.6, 1.9))
    present = [m for m in staff if rng.random() < 0.9]
    add(
        StudySession(
            unit=province,
            task=ii1,
            title=PROVINCE_TITLE,
            kind=SessionKind.CONFERENCE,
            delivery=SessionDelivery.IN_PERSON,
            date=datetime.date(2024, 3, 12),
            start_time=datetime.time(7, 30),
            place="Hội trường Liên đoàn Lao động tỉnh",
            audiences=list(ii1.audiences) if ii1 else [],
            expected_mode=ExpectedMode.NUMBER,
            expected_number=len(staff) + 2 * len(uppers),
            expected_count=len(staff) + 2 * len(uppers),
            speakers="Báo cáo viên Ban Tuyên giáo Tỉnh ủy\nTrưởng Ban Tuyên giáo – Nữ công LĐLĐ tỉnh",
            materials=MATERIALS,
            headcount_total=speakers_head,
            headcount_women=round(speakers_head * 0.45),
            headcount_minority=round(speakers_head * 0.1),
            headcount_members=speakers_head,
        ),
        present,
    )

    # 2. Each upper-level union's conference for II.1: the chairs and vice chairs below.
    for upper in uppers:
        officers = [
            m
            for g in grassroots
            if g.path.startswith(upper.path)
            for m in by_holder[g.path]
            if m[4] in (UnionPosition.CHAIR, UnionPosition.VICE_CHAIR)
        ]
        late = rng.random() < UPPER_LATE
        day = (
            _day(rng, datetime.date(2024, 4, 8), datetime.date(2024, 5, 24))
            if late
            else _day(rng, datetime.date(2024, 3, 14), datetime.date(2024, 3, 29))
        )
        expected = max(len(officers), 10)
        guests = rng.randint(3, 12) if rng.random() < 0.3 else 0
        add(
            StudySession(
                unit=upper,
                task=ii1,
                title=UPPER_TITLE,
                kind=SessionKind.CONFERENCE,
                delivery=SessionDelivery.IN_PERSON,
                date=day,
                start_time=rng.choice(START_TIMES[:2]),
                place=f"Hội trường {upper.short_name or upper.name}",
                audiences=["Chủ tịch, Phó Chủ tịch công đoàn cơ sở trực thuộc"],
                expected_mode=ExpectedMode.NUMBER,
                expected_number=expected,
                expected_count=expected,
                speakers="Báo cáo viên LĐLĐ tỉnh",
                materials=MATERIALS,
                headcount_total=guests,
                headcount_women=round(guests * 0.4),
                headcount_minority=round(guests * 0.15),
                headcount_members=guests,
            ),
            [m for m in officers if rng.random() < rng.uniform(0.8, 0.97)],
        )

    # 3. Most grassroots unions put the topic into a periodic meeting (II.3).
    for union in grassroots:
        if rng.random() >= GRASSROOTS_HELD:
            continue
        members = by_holder[union.path]
        share = rng.uniform(0.6, 0.95)
        with_list = rng.random() < LISTED
        present = [m for m in members if rng.random() < share] if with_list else []
        head = women = minority = in_union = 0
        if not with_list:
            head = round(len(members) * share)
            female = sum(1 for m in members if m[2] == Gender.FEMALE)
            minor = sum(1 for m in members if m[3] != MAJORITY_ETHNICITY)
            women = round(female * share)
            minority = round(minor * share)
            in_union = head
        elif rng.random() < GUESTS:
            head = rng.randint(1, 6)
            women = rng.randint(0, head)
            in_union = 0  # workers without a union record
        roll = rng.random()
        delivery = (
            SessionDelivery.ONLINE
            if roll < 0.05
            else SessionDelivery.COMBINED
            if roll < 0.15
            else SessionDelivery.IN_PERSON
        )
        add(
            StudySession(
                unit=union,
                task=ii3,
                title=rng.choice(GRASSROOTS_TITLES),
                kind=SessionKind.ONLINE
                if delivery == SessionDelivery.ONLINE
                else SessionKind.PERIODIC,
                delivery=delivery,
                date=_day(rng, datetime.date(2024, 4, 1), datetime.date(2024, 11, 29)),
                start_time=rng.choice(START_TIMES),
                place=""
                if delivery == SessionDelivery.ONLINE
                else f"Phòng họp {union.name.removeprefix('Công đoàn ')}",
                audiences=["Đoàn viên, người lao động"],
                expected_mode=ExpectedMode.MEMBERS,
                expected_count=len(members),
                speakers="Chủ tịch công đoàn cơ sở",
                materials=MATERIALS,
                headcount_total=head,
                headcount_women=women,
                headcount_minority=minority,
                headcount_members=in_union,
            ),
            present,
            [union.pk],
        )

    for session, code in zip(sessions, _codes(rng, len(sessions)), strict=True):
        session.code = code
    StudySession.objects.bulk_create(sessions, batch_size=1000)
    through = StudySession.expected_units.through
    through.objects.bulk_create(
        [
            through(studysession_id=s.pk, unit_id=unit_id)
            for s, unit_ids in zip(sessions, expected_units, strict=True)
            for unit_id in unit_ids
        ],
        batch_size=BATCH,
    )
    rows = []
    written = 0
    for session, present in zip(sessions, listed, strict=True):
        start = _at(session.date, session.start_time)
        qr = session.date >= datetime.date(2024, 9, 1)  # the QR code was adopted in autumn
        for index, member in enumerate(present):
            rows.append(
                Attendance(
                    session_id=session.pk,
                    member_id=member[0],
                    source=AttendanceSource.QR if qr and index % 3 else AttendanceSource.REGISTER,
                    checked_in_at=start + datetime.timedelta(seconds=20 * index),
                )
            )
        if len(rows) >= BATCH:
            Attendance.objects.bulk_create(rows, batch_size=BATCH)
            written += len(rows)
            rows = []
    Attendance.objects.bulk_create(rows, batch_size=BATCH)
    written += len(rows)
    if stdout is not None:
        grassroots_pks = {g.pk for g in grassroots}
        held = sum(1 for s in sessions if s.unit_id in grassroots_pks)
        stdout.write(
            f"  study: {len(sessions):,} sessions ({held:,} of {len(grassroots):,} grassroots "
            f"unions), {written:,} listed attendances, "
            f"{time.perf_counter() - started:.1f} s\n"
        )
