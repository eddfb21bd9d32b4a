"""Views of `contests`: organisers' screens (scoped) and the public participant pages."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from chuyende.core.audit import client_ip
from chuyende.core.forms import apply_errors
from chuyende.core.pdf import docx_to_pdf
from chuyende.core.scoping import user_scope
from chuyende.core.sessionless import sessionless
from chuyende.org.choices import UnitKind
from chuyende.org.models import Member, Unit
from chuyende.plans.models import Plan

from . import exports, imports, selectors, services, throttle
from .forms import (
    ContestForm,
    ImportForm,
    RegisterForm,
    RoundForm,
    eligible_units,
    parse_answers,
    parse_prediction,
)
from .forms import unit_options as matching_units
from .models import Attempt, AttemptStatus, Contest, Question, Round

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PRIZES = (("Giải Nhất", 1), ("Giải Nhì", 2), ("Giải Ba", 3), ("Giải Khuyến khích", 5))


# Organisers -----------------------------------------------------------------------------------


def _contest(request, pk, action="view"):
    contest = get_object_or_404(
        Contest.objects.for_user(request.user).select_related("unit", "plan"), pk=pk
    )
    if action != "view" and not user_scope(request.user).allows(action, contest.unit.path):
        raise PermissionDenied
    return contest


def _round(request, pk, action="view"):
    round_ = get_object_or_404(
        Round.objects.for_user(request.user).select_related("contest__unit"), pk=pk
    )
    if action != "view" and not user_scope(request.user).allows(action, round_.contest.unit.path):
        raise PermissionDenied
    return round_


def _organisers(user):
    return (
        Unit.objects.for_user(user, "change")
        .filter(active=True)
        .exclude(kind=UnitKind.SECTION)
        .order_by("depth", "sort_key")
    )


@login_required
def contest_list(request):
    contests = Contest.objects.for_user(request.user).select_related("unit")
    query = request.GET.get("q", "").strip()
    if query:
        contests = contests.filter(title__icontains=query)
    page = Paginator(contests, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "can_create": _organisers(request.user).exists(),
    }
    return render(request, "contests/contest_list.html", context)


@login_required
def contest_create(request):
    organisers = _organisers(request.user)
    if not organisers.exists():
        raise PermissionDenied
    plans = Plan.objects.for_user(request.user).order_by("-issued_on", "-id")
    form = ContestForm(
        request.POST or None,
        unit_queryset=organisers,
        plans=plans,
        initial={"unit": organisers.first(), "rules": exports.DEFAULT_RULES},
    )
    if request.method == "POST" and form.is_valid():
        try:
            contest = services.contest_create(
                unit=form.cleaned_data["unit"],
                acting_user=request.user,
                fields=form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contest was saved. Add its rounds and questions."))
            return redirect("contests:contest_detail", pk=contest.pk)
    return render(request, "contests/contest_form.html", {"form": form})


@login_required
def contest_edit(request, pk):
    contest = _contest(request, pk, "change")
    plans = Plan.objects.for_user(request.user).order_by("-issued_on", "-id")
    form = ContestForm(request.POST or None, instance=contest, plans=plans)
    if request.method == "POST" and form.is_valid():
        try:
            services.contest_update(
                contest=Contest.objects.get(pk=contest.pk),
                acting_user=request.user,
                fields=form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contest was saved."))
            return redirect("contests:contest_detail", pk=contest.pk)
    return render(request, "contests/contest_form.html", {"form": form, "contest": contest})


@login_required
def contest_detail(request, pk):
    contest = _contest(request, pk)
    context = {
        "contest": contest,
        "figures": selectors.contest_figures(contest),
        "can_change": user_scope(request.user).allows("change", contest.unit.path),
        "public_url": request.build_absolute_uri(
            reverse("contests:public_contest", args=[contest.pk])
        ),
    }
    return render(request, "contests/contest_detail.html", context)


@login_required
def round_create(request, pk):
    contest = _contest(request, pk, "change")
    number = (contest.rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    form = RoundForm(request.POST or None, initial={"number": number})
    if request.method == "POST" and form.is_valid():
        try:
            services.round_create(
                contest=contest, acting_user=request.user, fields=form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The round was saved."))
            return redirect("contests:contest_detail", pk=contest.pk)
    return render(request, "contests/round_form.html", {"form": form, "contest": contest})


@login_required
def round_edit(request, pk):
    round_ = _round(request, pk, "change")
    form = RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(
                round_=Round.objects.select_related("contest__unit").get(pk=round_.pk),
                acting_user=request.user,
                fields=form.cleaned_data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The round was saved."))
            return redirect("contests:contest_detail", pk=round_.contest_id)
    context = {"form": form, "contest": round_.contest, "round": round_}
    return render(request, "contests/round_form.html", context)


@login_required
def question_list(request, pk):
    contest = _contest(request, pk)
    questions = Question.objects.filter(contest=contest).order_by("category", "id")
    category = request.GET.get("category", "")
    if category:
        questions = questions.filter(category=category)
    page = Paginator(questions, 50).get_page(request.GET.get("page"))
    categories = (
        Question.objects.filter(contest=contest)
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )
    context = {
        "contest": contest,
        "page": page,
        "categories": list(categories),
        "category": category,
        "can_change": user_scope(request.user).allows("change", contest.unit.path),
    }
    return render(request, "contests/question_list.html", context)


@login_required
def question_import(request, pk):
    contest = _contest(request, pk, "change")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, added = [], None
    if request.method == "POST" and form.is_valid():
        try:
            questions, errors = imports.read_bank(form.cleaned_data["file"])
            if not errors:
                added = services.questions_add(
                    contest=contest,
                    acting_user=request.user,
                    questions=questions,
                    source=form.cleaned_data["file"].name,
                )
        except ValidationError as error:
            apply_errors(form, error)
        if added is not None:
            messages.success(request, _("%(count)s questions were added.") % {"count": added})
            return redirect("contests:question_list", pk=contest.pk)
    context = {"contest": contest, "form": form, "errors": errors}
    return render(request, "contests/question_import.html", context)


@login_required
@require_POST
def question_toggle(request, pk):
    question = get_object_or_404(
        Question.objects.for_user(request.user, "change").select_related("contest__unit"), pk=pk
    )
    services.question_toggle(question=question, acting_user=request.user)
    return redirect("contests:question_list", pk=question.contest_id)


@login_required
def suspicious(request, pk):
    contest = _contest(request, pk, "change")
    context = {"contest": contest, "found": selectors.suspicious(contest=contest)}
    return render(request, "contests/suspicious.html", context)


@login_required
def round_results(request, pk):
    round_ = _round(request, pk)
    entries, entrants = selectors.round_entries(round_)
    context = {
        "round": round_,
        "contest": round_.contest,
        "entries": entries,
        "entrants": entrants,
        "prizes": selectors.prize_list(round_=round_, prizes=PRIZES),
        "units": selectors.unit_board(round_=round_, parent=round_.contest.unit)[:10],
        "can_export": user_scope(request.user).allows("export", round_.contest.unit.path),
    }
    return render(request, "contests/round_results.html", context)


@login_required
def certificate(request, pk):
    attempt = get_object_or_404(
        Attempt.objects.for_user(request.user, "export").select_related(
            "round__contest__unit", "participant__unit"
        ),
        pk=pk,
        status=AttemptStatus.SUBMITTED,
    )
    contest = attempt.round.contest
    prize = next(
        (
            row["prize"]
            for row in selectors.prize_list(round_=attempt.round, prizes=PRIZES)
            if row["pk"] == attempt.pk
        ),
        "",
    )
    parent = Unit.objects.filter(path=contest.unit.path[: -Unit.steplen]).first()
    content = exports.certificate_docx(attempt=attempt, prize=prize, superior=parent)
    services.certificate_issued(contest=contest, attempt=attempt, acting_user=request.user)
    name = f"chung-nhan-{attempt.pk}"
    if request.GET.get("format") == "pdf":
        pdf = docx_to_pdf(content)
        if pdf is None:
            raise Http404(_("PDF copies need LibreOffice on the server; download the .docx."))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response


# Public pages ---------------------------------------------------------------------------------


def _public_contest(pk):
    return get_object_or_404(Contest.objects.select_related("unit"), pk=pk, published=True)


def _session_key(contest_id) -> str:
    return f"contests:p:{contest_id}"


def _me(request, contest_id):
    """(participant id, unit path) of this browser in the contest, kept in the session."""
    value = request.session.get(_session_key(contest_id))
    return tuple(value) if value else None


def _remember(request, participant):
    request.session[_session_key(participant.contest_id)] = [
        participant.pk,
        participant.unit.path,
    ]


def _member_of(user):
    if not user.is_authenticated:
        return None
    return Member.objects.select_related("unit").filter(user=user).first()


def public_list(request):
    contests = list(selectors.public_contests()[:50])
    return render(request, "contests/public_list.html", {"contests": contests})


def public_contest(request, pk):
    """The contest's rules page: rounds, how the ranking works, and where to start."""
    contest = _public_contest(pk)
    rounds = list(contest.rounds.order_by("number"))
    me = _me(request, contest.pk)
    participant = None
    used = {}
    if me:
        participant = contest.participants.select_related("unit").filter(pk=me[0]).first()
        if participant is not None:
            for round_id, number, status, token in Attempt.objects.filter(
                participant=participant
            ).values_list("round_id", "number", "status", "token"):
                used.setdefault(round_id, []).append((number, status, token))
    now = timezone.now()
    for round_ in rounds:
        round_.state = (
            "open" if round_.is_open(now) else ("upcoming" if now < round_.opens_at else "closed")
        )
        round_.mine = sorted(used.get(round_.pk, []))
        round_.live = next((t for _n, s, t in round_.mine if s == AttemptStatus.LIVE), None)
        round_.left = max(0, round_.attempts_allowed - len(round_.mine))
    context = {
        "contest": contest,
        "rounds": rounds,
        "participant": participant,
        "member": _member_of(request.user) if participant is None else None,
    }
    return render(request, "contests/public_contest.html", context)


CHALLENGE_KEY = "contests:challenge"


def _new_challenge(request):
    import secrets

    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    request.session[CHALLENGE_KEY] = [a, b]
    return a, b


@never_cache
def register(request, pk):
    contest = _public_contest(pk)
    member = _member_of(request.user)
    if request.method == "POST" and request.POST.get("as_member") and member is not None:
        try:
            participant = services.participant_for_member(
                contest=contest, member=member, ip_address=client_ip(request)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            _remember(request, participant)
            return redirect("contests:public_contest", pk=contest.pk)
    if not contest.workers_eligible:
        return render(
            request, "contests/register.html", {"contest": contest, "member": member, "form": None}
        )
    challenge = request.session.get(CHALLENGE_KEY)
    answer = sum(challenge) if challenge else None
    bound = request.method == "POST" and not request.POST.get("as_member")
    form = RegisterForm(
        request.POST if bound else None,
        contest=contest,
        answer=answer,
        search_url=reverse("contests:unit_options", args=[contest.pk]),
    )
    if bound and form.is_valid():
        data = form.cleaned_data
        try:
            participant = services.participant_register(
                contest=contest,
                full_name=data["full_name"],
                phone=data["phone"],
                unit=data["unit"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            request.session.pop(CHALLENGE_KEY, None)
            _remember(request, participant)
            messages.success(request, _("You are registered. Good luck!"))
            return redirect("contests:public_contest", pk=contest.pk)
    a, b = _new_challenge(request)
    form.fields["challenge"].label = _("Check: how much is %(a)s + %(b)s?") % {"a": a, "b": b}
    if bound:  # a new sum each time: the old answer no longer holds
        form.data = form.data.copy()
        form.data["challenge"] = ""
    context = {"contest": contest, "form": form, "member": member, "challenge": f"{a} + {b}"}
    return render(request, "contests/register.html", context)


def unit_options(request, pk):
    """<option>s of the unions matching the search (htmx, on the registration form)."""
    contest = _public_contest(pk)
    query = request.GET.get("unit_search", "").strip()[:80]
    options = matching_units(eligible_units(contest), query=query)
    return render(request, "contests/_unit_options.html", {"options": options, "query": query})


@require_POST
def start(request, pk, round_pk):
    """Start (or resume) an attempt: the round from the cache, the participant from the session,
    then one INSERT on PostgreSQL (services.attempt_start)."""
    round_ = selectors.start_round(pk, round_pk)
    if round_ is None:
        raise Http404
    me = _me(request, pk)
    if not me:
        messages.info(request, _("Register first, then start the round."))
        return redirect("contests:register", pk=pk)
    if throttle.is_blocked(request):
        messages.error(
            request, _("Too many attempts were started from this address. Wait a while.")
        )
        return redirect("contests:public_contest", pk=pk)
    try:
        attempt, created = services.attempt_start(
            round_=round_, participant_id=me[0], unit_path=me[1], ip_address=client_ip(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("contests:public_contest", pk=pk)
    if created:
        throttle.record_start(request)
    return redirect("contests:attempt", token=attempt.token)


def _attempt(token):
    attempt = selectors.attempt_by_token(token)
    if attempt is None:
        raise Http404
    return attempt


@sessionless
@never_cache
def attempt(request, token):
    attempt = _attempt(token)
    if attempt.status == AttemptStatus.SUBMITTED:
        return redirect("contests:result", token=token)
    context = {
        "attempt": attempt,
        "round": attempt.round,
        "contest": attempt.round.contest,
        "questions": selectors.attempt_questions(attempt),
        "submit_key": uuid.uuid4().hex,
        "seconds_left": max(0, int((attempt.deadline - timezone.now()).total_seconds())),
    }
    return render(request, "contests/attempt.html", context)


@sessionless
@require_POST
def autosave(request, token):
    """JSON for the attempt page's script: the attempt's prepared data from the cache and one
    UPDATE; no session, no messages."""
    try:
        saved = services.autosave_by_token(
            token=token,
            answers=parse_answers(request.POST),
            prediction=parse_prediction(request.POST.get("prediction")),
        )
    except ValidationError as error:
        return JsonResponse({"saved": False, "error": " ".join(error.messages)}, status=400)
    if saved is None:
        raise Http404
    return JsonResponse({"saved": saved}, status=200 if saved else 409)


@sessionless
@require_POST
def submit(request, token):
    """The submit, the hot path of the rush: no session or message unless the answers are
    refused; one statement on PostgreSQL when the attempt's data is in the cache
    (services.submit_by_token)."""
    try:
        found = services.submit_by_token(
            token=token,
            answers=parse_answers(request.POST),
            prediction=parse_prediction(request.POST.get("prediction")),
            key=request.POST.get("submit_key", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("contests:attempt", token=token)
    if not found:
        raise Http404
    return redirect("contests:result", token=token)


@never_cache
def result(request, token):
    attempt = _attempt(token)
    if attempt.status != AttemptStatus.SUBMITTED:
        return redirect("contests:attempt", token=token)
    round_ = attempt.round
    used = Attempt.objects.filter(participant_id=attempt.participant_id, round=round_).count()
    context = {
        "attempt": attempt,
        "round": round_,
        "contest": round_.contest,
        "attempts_left": max(0, round_.attempts_allowed - used),
        "open": round_.is_open(),
    }
    return render(request, "contests/result.html", context)


def leaderboard(request, pk, round_pk):
    round_ = get_object_or_404(
        Round.objects.select_related("contest__unit"),
        pk=round_pk,
        contest_id=pk,
        contest__published=True,
    )
    contest = round_.contest
    chosen = request.GET.get("unit", "")
    parent, trail = selectors.board_level(
        contest=contest, unit_pk=chosen if chosen.isdigit() else ""
    )
    if parent is None:
        raise Http404
    order = "rate" if request.GET.get("order") == "rate" else "entries"
    context = {
        "contest": contest,
        "round": round_,
        "parent": parent,
        "trail": trail,
        "order": order,
        "units": selectors.unit_board(round_=round_, parent=parent, order=order),
        "board": selectors.individual_board(round_=round_, limit=20),
        "totals": selectors.round_entries(round_),
    }
    if request.htmx and request.htmx.target == "unit-board":
        return render(request, "contests/leaderboard.html#unit-board", context)
    return render(request, "contests/leaderboard.html", context)
