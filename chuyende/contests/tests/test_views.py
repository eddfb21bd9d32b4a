"""Public participant pages work without login; organiser pages are scoped; imports report
their errors row by row."""

import io

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from chuyende.contests import imports
from chuyende.contests.models import Attempt, Participant, Question, UnitTally

from .helpers import make_contest, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _register(client, contest, unit, phone="0912888777", name="Hồ Thị Lan"):
    client.get(reverse("contests:register", args=[contest.pk]))
    a, b = client.session["contests:challenge"]
    return client.post(
        reverse("contests:register", args=[contest.pk]),
        {"full_name": name, "phone": phone, "unit": unit.pk, "challenge": a + b},
    )


def test_a_worker_registers_takes_a_round_and_sees_the_score_without_login(client, world):
    contest = make_contest(world.province)
    round_ = make_round(contest, attempts_allowed=1)
    assert client.get(reverse("contests:public_list")).status_code == 200
    page = client.get(reverse("contests:public_contest", args=[contest.pk]))
    assert page.status_code == 200 and "closest to the real number" in page.content.decode()
    options = client.get(
        reverse("contests:unit_options", args=[contest.pk]), {"unit_search": "le loi"}
    )
    assert "Lê Lợi" in options.content.decode() and "Ea Kar" not in options.content.decode()
    response = _register(client, contest, world.a1)
    assert response.status_code == 302
    participant = Participant.objects.get(phone="0912888777")
    response = client.post(reverse("contests:start", args=[contest.pk, round_.pk]))
    attempt = Attempt.objects.get(participant=participant)
    assert response["Location"] == reverse("contests:attempt", args=[attempt.token])
    page = client.get(response["Location"])
    assert page.status_code == 200 and "attempt-form" in page.content.decode()
    qid = attempt.questions[0][0]
    correct = Question.objects.get(pk=qid).correct
    saved = client.post(
        reverse("contests:autosave", args=[attempt.token]), {f"q{qid}": correct, "prediction": "9"}
    )
    assert saved.status_code == 200 and saved.json()["saved"]
    submit = reverse("contests:submit", args=[attempt.token])
    response = client.post(submit, {f"q{qid}": correct, "prediction": "12", "submit_key": "x"})
    assert response["Location"] == reverse("contests:result", args=[attempt.token])
    client.post(submit, {"prediction": "1", "submit_key": "x"})  # a retry: same result
    result = client.get(reverse("contests:result", args=[attempt.token]))
    assert 'data-score="1"' in result.content.decode()
    assert sum(UnitTally.objects.filter(round=round_).values_list("entries", flat=True)) == 1
    # A second attempt beyond the one allowed is refused with a message.
    response = client.post(reverse("contests:start", args=[contest.pk, round_.pk]), follow=True)
    assert "You have used all 1 attempt(s)" in response.content.decode()
    board = client.get(reverse("contests:leaderboard", args=[contest.pk, round_.pk]))
    assert board.status_code == 200 and "Hồ Thị Lan" in board.content.decode()


def test_registration_needs_the_check_answer(client, world):
    contest = make_contest(world.province)
    client.get(reverse("contests:register", args=[contest.pk]))
    a, b = client.session["contests:challenge"]
    response = client.post(
        reverse("contests:register", args=[contest.pk]),
        {"full_name": "Ai", "phone": "0912888770", "unit": world.a1.pk, "challenge": a + b + 1},
    )
    assert response.status_code == 200 and not Participant.objects.exists()


def test_a_member_takes_part_as_themselves(client, world):
    contest = make_contest(world.province)
    client.force_login(world.dave)
    client.post(reverse("contests:register", args=[contest.pk]), {"as_member": "1"})
    assert Participant.objects.get().member == world.binh


def test_unpublished_contests_are_not_public(client, world):
    contest = make_contest(world.province, published=False)
    assert client.get(reverse("contests:public_contest", args=[contest.pk])).status_code == 404


def test_starts_are_limited_per_address(client, world, settings):
    settings.CONTESTS_STARTS_PER_ADDRESS = 0
    contest = make_contest(world.province)
    round_ = make_round(contest)
    _register(client, contest, world.a1)
    response = client.post(reverse("contests:start", args=[contest.pk, round_.pk]), follow=True)
    assert "Too many attempts" in response.content.decode() and not Attempt.objects.exists()


def test_organiser_pages_in_scope_and_out_of_scope(client, world):
    contest = make_contest(world.a, title="Cuộc thi thành phố")
    round_ = make_round(contest)
    client.force_login(world.bob)
    for name, pk in (
        ("contests:contest_detail", contest.pk),
        ("contests:question_list", contest.pk),
        ("contests:suspicious", contest.pk),
        ("contests:round_results", round_.pk),
        ("contests:round_edit", round_.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 200, name
    body = client.get(reverse("contests:contest_list")).content.decode()
    assert "Cuộc thi thành phố" in body
    client.force_login(world.mallory)
    assert client.get(reverse("contests:contest_detail", args=[contest.pk])).status_code == 404
    client.force_login(world.erin)  # a viewer sees, but cannot edit
    assert client.get(reverse("contests:contest_detail", args=[contest.pk])).status_code == 200
    assert client.get(reverse("contests:contest_edit", args=[contest.pk])).status_code == 403
    client.logout()
    response = client.get(reverse("contests:contest_list"))
    assert response.status_code == 302


def test_create_contest_and_round(client, world):
    client.force_login(world.bob)
    response = client.post(
        reverse("contests:contest_create"),
        {
            "unit": world.a.pk,
            "title": "Tìm hiểu Luật Công đoàn",
            "rules": "Thể lệ",
            "members_eligible": "on",
            "workers_eligible": "on",
            "published": "on",
        },
    )
    assert response.status_code == 302
    contest = world.a.contests.get()
    response = client.post(
        reverse("contests:round_create", args=[contest.pk]),
        {
            "number": 1,
            "opens_at": "2024-07-01T08:00",
            "closes_at": "2024-07-07T20:00",
            "attempts_allowed": 2,
            "questions_per_attempt": 20,
            "time_limit_minutes": 20,
            "quotas": "Công đoàn: 5\nVăn hóa: 5",
            "tie_break": "Dự đoán số người dự thi?",
        },
    )
    assert response.status_code == 302
    assert contest.rounds.get().quotas == {"Công đoàn": 5, "Văn hóa": 5}


def _xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Câu hỏi", "A", "B", "C", "D", "Đáp án", "Chủ đề", "Mức độ"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("ngan-hang.xlsx", out.getvalue())


def test_import_xlsx_reports_errors_per_row_and_imports_nothing(client, world):
    contest = make_contest(world.a, questions=0)
    client.force_login(world.bob)
    url = reverse("contests:question_import", args=[contest.pk])
    bad = _xlsx(
        [
            ["Câu đúng?", "Một", "Hai", "Ba", "Bốn", "B", "Công đoàn", 1],
            ["", "Một", "Hai", "", "", "A", "", ""],
            ["Câu thiếu đáp án?", "Một", "Hai", "", "", "E", "", ""],
            ["Câu mức độ?", "Một", "Hai", "", "", "A", "", "9"],
        ]
    )
    response = client.post(url, {"file": bad})
    body = response.content.decode()
    assert response.status_code == 200 and not contest.questions.exists()
    assert 'data-row="3"' in body and 'data-row="4"' in body and 'data-row="5"' in body
    good = _xlsx(
        [
            ["Câu một?", "Một", "Hai", "Ba", "Bốn", "B", "Công đoàn", 1],
            ["Câu nhiều đáp án?", "Một", "Hai", "Ba", "", "A, C", "Văn hóa", "Khó"],
            ["Bác Hồ sinh năm 1890.", "", "", "", "", "Đúng", "Văn hóa", ""],
        ]
    )
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    kinds = dict(contest.questions.values_list("text", "kind"))
    assert kinds == {
        "Câu một?": "single",
        "Câu nhiều đáp án?": "multiple",
        "Bác Hồ sinh năm 1890.": "true_false",
    }
    assert contest.questions.get(kind="multiple").correct == [0, 2]


def test_import_docx_in_the_common_layout():
    document = Document()
    for line in (
        "Chủ đề: Công đoàn",
        "Câu 1: Công đoàn Việt Nam được thành lập ngày nào?",
        "A. 28/7/1929",
        "B. 19/5/1890",
        "C. 2/9/1945",
        "D. 22/11/1904",
        "Đáp án: A",
        "Câu 2: Câu không có đáp án?",
        "A. Một",
        "B. Hai",
    ):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    questions, errors = imports.read_bank(SimpleUploadedFile("bo-cau-hoi.docx", out.getvalue()))
    assert len(questions) == 1 and questions[0]["correct"] == [0]
    assert questions[0]["category"] == "Công đoàn"
    assert [(e.row, e.column) for e in errors] == [(2, "answer")]


def test_certificate_is_a_docx(client, world):
    from chuyende.contests import services

    contest = make_contest(world.a)
    round_ = make_round(contest)
    participant = Participant.objects.create(
        contest=contest, unit=world.a1, full_name="Hồ Thị Lan", phone="0912888777"
    )
    attempt, _ = services.attempt_start(
        round_=round_, participant_id=participant.pk, unit_path=world.a1.path
    )
    services.attempt_submit(attempt=attempt, answers={}, prediction=1)
    client.force_login(world.bob)
    response = client.get(reverse("contests:certificate", args=[attempt.pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    client.force_login(world.mallory)
    assert client.get(reverse("contests:certificate", args=[attempt.pk])).status_code == 404
