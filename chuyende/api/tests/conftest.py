"""The API's test world: the shared union tree (root conftest.py) with a row of every kind the
API serves on both sides, A (bob's subtree) and its sibling B (mallory's, every B row naming "Ea
Kar"), and personal access tokens for the personas.

Data is written straight to the database (the services are tested by their own apps)."""

import datetime
import itertools

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from chuyende.api import services
from chuyende.contests import services as contest_services
from chuyende.contests.models import Contest, Participant, Question, Round
from chuyende.core.text import fold
from chuyende.outreach.models import OutreachPost
from chuyende.pledges.models import Pledge, PledgeSection, PledgeTemplate
from chuyende.reports.models import Indicator, Report, ReportForm
from chuyende.reports.services import indicators_sync, period_ensure
from chuyende.study.models import Attendance, StudySession
from chuyende.study.services import new_code

FOREIGN_TEXT = ["Ea Kar", "Phạm Quốc Khánh", "0977000111", "066090009999"]
_serial = itertools.count(1)


def current_period_code(today=None) -> str:
    today = today or timezone.localdate()
    return f"{today.year}S{1 if today.month <= 6 else 2}"


def make_session(unit, title, *, members=(), task=None):
    session = StudySession.objects.create(
        unit=unit,
        task=task,
        title=title,
        date=datetime.date(2024, 3, 15),
        code=new_code(),
        expected_number=20,
        expected_count=20,
        headcount_total=3,
    )
    Attendance.objects.bulk_create(
        Attendance(session=session, member=m, source="register") for m in members
    )
    return session


def make_post(unit, title):
    n = next(_serial)
    return OutreachPost.objects.create(
        unit=unit,
        channel="facebook",
        link=f"https://www.facebook.com/groups/cd/posts/{n}/",
        title=title,
        search_title=fold(title),
        published_on=datetime.date(2024, 7, 28),
        status="approved",
    )


def make_contest(unit, title, *, participants=()):
    """A contest with a bank of 8 questions, an open round and a submitted attempt per
    (name, phone, unit) participant."""
    contest = Contest.objects.create(unit=unit, title=title, published=True)
    Question.objects.bulk_create(
        Question(
            contest=contest,
            text=f"Câu hỏi {i} của {title}?",
            options=["A", "B", "C", "D"],
            correct=[i % 4],
        )
        for i in range(8)
    )
    now = timezone.now()
    round_ = Round.objects.create(
        contest=contest,
        number=1,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=7),
        questions_per_attempt=4,
    )
    for name, phone, where in participants:
        person = Participant.objects.create(
            contest=contest, unit=where, full_name=name, phone=phone
        )
        attempt, _created = contest_services.attempt_start(
            round_=round_, participant_id=person.pk, unit_path=where.path
        )
        contest_services.attempt_submit(attempt=attempt, answers={}, prediction=3)
    return contest, round_


def make_template(unit, title, year=2024):
    template = PledgeTemplate.objects.create(unit=unit, year=year, title=title)
    PledgeSection.objects.create(template=template, code="ethics", title="Về đạo đức", position=1)
    return template


def make_pledge(member, template, **extra):
    return Pledge.objects.create(
        member=member,
        template=template,
        year=template.year,
        status="submitted",
        full_name=member.full_name,
        unit_name=member.unit.name,
        commitments={"ethics": ["Sống giản dị"]},
        actions=["Đọc sách", "Hội diễn", "Giúp đỡ"],
        **extra,
    )


def make_report_form(plan, recipient, name, indicators):
    form = ReportForm.objects.create(
        plan=plan, name=name, period_kind="semester", reporting_kind="upper", recipient=recipient
    )
    form.indicators.set(indicators)
    return form


class ApiClient(Client):
    """A test client that sends a bearer token (or none)."""

    def __init__(self, token=None, **defaults):
        if token:
            defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        super().__init__(**defaults)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # rate-limit counters and cached boards start empty in every test
    yield
    cache.clear()


@pytest.fixture
def api(world):
    """The world with rows of every kind on both sides and a token per persona
    (w.tokens["bob"] is the raw token)."""
    w = world
    w.mallory_member = w.foreign
    w.foreign.user = w.mallory
    w.foreign.save(update_fields=["user"])

    # Study sessions and attendance.
    w.session_a = make_session(w.a1, "Hội nghị học tập Lê Lợi", members=[w.an, w.binh])
    w.session_b = make_session(w.b1, "Hội nghị quán triệt Ea Kar", members=[w.foreign])
    # Outreach.
    w.post_a = make_post(w.a1, "Tin tuyên truyền Lê Lợi")
    w.post_b = make_post(w.b1, "Tin tuyên truyền Ea Kar")
    # Contests (B's participant is B's member).
    w.contest_a, w.round_a = make_contest(
        w.a, "Cuộc thi Buôn Ma Thuột", participants=[("Lê Thị Hoa", "0912000001", w.a1)]
    )
    w.contest_b, w.round_b = make_contest(
        w.b, "Cuộc thi Ea Kar", participants=[("Phạm Quốc Khánh", "0977000222", w.b1)]
    )
    # Pledges: dave's own (binh), mallory's own (Khánh, B).
    w.template_a = make_template(w.province, "Bản cam kết tỉnh")
    w.template_b = make_template(w.b, "Bản cam kết Ea Kar")
    w.pledge_dave = make_pledge(w.binh, w.template_a)
    w.pledge_an = make_pledge(w.an, w.template_a)
    w.pledge_b = make_pledge(w.foreign, w.template_b)
    # Reports: A reports to the province on its form; B1 reports to B on B's own form.
    indicators_sync()
    w.talks = Indicator.objects.create(
        code="api.talks", name="Talks given", unit_of_measure="talks", source="entered"
    )
    counted = Indicator.objects.get(code="org.members")
    w.period = period_ensure(current_period_code())
    w.form = make_report_form(w.plan, w.province, "Báo cáo chuyên đề", [counted, w.talks])
    w.report_a = Report.objects.create(form=w.form, period=w.period, unit=w.a)
    w.form_b = make_report_form(w.foreign_plan, w.b, "Báo cáo Ea Kar", [counted, w.talks])
    w.form_b.reporting_kind = "grassroots"
    w.form_b.save(update_fields=["reporting_kind"])
    w.report_b = Report.objects.create(form=w.form_b, period=w.period, unit=w.b1)

    w.tokens = {}
    for name in ("admin", "alice", "erin", "bob", "carol", "dave", "mallory", "nobody"):
        _token, raw = services.token_create(owner=getattr(w, name), name=f"{name} sync", days=90)
        w.tokens[name] = raw
    return w


@pytest.fixture
def as_user(api):
    """as_user("bob") -> a client sending bob's token."""

    def make(name, **defaults):
        return ApiClient(api.tokens[name], **defaults)

    return make
