import datetime

from django.utils import timezone

from chuyende.contests.models import Contest, Participant, Question, Round

CATEGORIES = ("Văn hóa", "Công đoàn", "Đắk Lắk")


def make_contest(unit, *, title="Cuộc thi tìm hiểu", published=True, questions=12, **extra):
    contest = Contest.objects.create(unit=unit, title=title, published=published, **extra)
    rows = []
    for n in range(questions):
        category = CATEGORIES[n % len(CATEGORIES)]
        rows.append(
            Question(
                contest=contest,
                kind="single",
                text=f"Câu hỏi {n + 1} về {category}?",
                options=["Phương án A", "Phương án B", "Phương án C", "Phương án D"],
                correct=[n % 4],
                category=category,
            )
        )
    Question.objects.bulk_create(rows)
    return contest


def make_round(contest, *, number=1, opens=None, closes=None, **extra):
    now = timezone.now()
    values = {
        "opens_at": opens or now - datetime.timedelta(hours=1),
        "closes_at": closes or now + datetime.timedelta(days=7),
        "questions_per_attempt": 6,
        "time_limit_minutes": 20,
        "attempts_allowed": 2,
        **extra,
    }
    return Round.objects.create(contest=contest, number=number, **values)


def make_participant(contest, unit, *, phone="0912000001", name="Lê Thị Hoa"):
    return Participant.objects.create(contest=contest, unit=unit, full_name=name, phone=phone)


def foreign_contest(w):
    if not hasattr(w, "_foreign_contest"):
        w._foreign_contest = make_contest(w.b, title="Cuộc thi của Ea Kar")
    return w._foreign_contest


def foreign_round(w):
    if not hasattr(w, "_foreign_round"):
        w._foreign_round = make_round(foreign_contest(w))
    return w._foreign_round


def foreign_question(w):
    return foreign_contest(w).questions.first()


def foreign_attempt(w):
    if not hasattr(w, "_foreign_attempt"):
        from chuyende.contests import services

        round_ = foreign_round(w)
        participant = make_participant(round_.contest, w.b1, phone="0977000222")
        attempt, _ = services.attempt_start(
            round_=round_, participant_id=participant.pk, unit_path=w.b1.path
        )
        w._foreign_attempt = services.attempt_submit(attempt=attempt, answers={}, prediction=5)
    return w._foreign_attempt
