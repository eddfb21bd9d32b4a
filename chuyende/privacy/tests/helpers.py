"""Records about a member in every module, for the privacy tests (made through the modules'
own test helpers and services)."""

import datetime

import time_machine
from django.db import transaction

from chuyende.org import services as org_services
from chuyende.privacy.models import CorrectionRequest
from conftest import make_member


def foreign_request(w):
    """A pending correction request of Phạm Quốc Khánh (B1, Ea Kar)."""
    if not hasattr(w, "_foreign_request"):
        w._foreign_request = CorrectionRequest.objects.create(
            member=w.foreign, field="job_title", proposed_value="Kế toán trưởng Ea Kar"
        )
    return w._foreign_request


def records_for(w, member, *, officer=None, tag=""):
    """A pledge with its evaluation, an attendance, a contest entry with a submitted attempt and
    an approved nomination of `member` (whose name appears in their free text)."""
    from chuyende.contests import services as contest_services
    from chuyende.contests.tests.helpers import make_contest, make_round
    from chuyende.honors.tests.helpers import decide, propose
    from chuyende.pledges.models import Evaluation
    from chuyende.pledges.tests.helpers import make_pledge, make_template
    from chuyende.study.tests.helpers import attend, make_session

    officer = officer or w.bob
    template = getattr(w, "_privacy_template", None) or make_template(w.a)
    w._privacy_template = template
    pledge = make_pledge(
        member,
        template,
        position="Giáo viên",
        return_comment=f"Đề nghị {member.full_name} bổ sung phần hành động",
        actions=[f"{member.full_name} đọc sách về Bác", "Giúp đỡ học sinh"],
    )
    Evaluation.objects.create(
        pledge=pledge,
        proposed_rating="excellent",
        final_rating="excellent",
        self_note=f"Tôi, {member.full_name}, đã hoàn thành",
        results={"action:0": {"result": "done", "note": f"{member.full_name} đã đọc 12 cuốn"}},
    )
    session = getattr(w, "_privacy_session", None) or make_session(member.unit)
    w._privacy_session = session
    attend(session, member)
    contest = getattr(w, "_privacy_contest", None) or make_contest(w.a, title="Thi tìm hiểu")
    w._privacy_contest = contest
    round_ = getattr(w, "_privacy_round", None) or contest.rounds.first() or make_round(contest)
    w._privacy_round = round_
    participant = contest_services.participant_for_member(
        contest=contest, member=member, ip_address="10.0.0.7"
    )
    attempt, _ = contest_services.attempt_start(
        round_=round_, participant_id=participant.pk, unit_path=member.unit.path
    )
    contest_services.attempt_submit(attempt=attempt, answers={}, prediction=40)
    nomination = propose(
        w,
        member=member,
        unit=member.unit,
        user=w.bob,
        title=f"Gương sáng {member.full_name}{tag}",
        achievement=f"Cô giáo {member.full_name} mở lớp dạy chiêng cho 45 học sinh.",
    )
    decide(w.a, officer, [nomination], number=f"{nomination.pk}/QĐ-LĐLĐ")
    photo, evidence = attach_files(w, nomination, member)
    return {
        "pledge": pledge,
        "participant": participant,
        "nomination": nomination,
        "photo": photo,
        "evidence": evidence,
    }


def attach_files(w, nomination, member):
    """A photo of the nominee and an evidence file naming them (downloaded once: an export in
    the audit log whose description names them)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chuyende.core.text import fold
    from chuyende.honors import services as honors_services
    from chuyende.honors.models import NominationFile, NominationPhoto
    from chuyende.honors.tests.helpers import PDF, jpeg

    slug = "-".join(fold(member.full_name).split())
    photo = NominationPhoto(
        nomination=nomination,
        image=jpeg(f"anh-{slug}.jpg"),
        content_type="image/jpeg",
        caption=f"{member.full_name} đứng lớp",
    )
    photo.save()
    evidence = NominationFile.objects.create(
        nomination=nomination,
        file=SimpleUploadedFile(f"thanh-tich-{slug}.pdf", PDF),
        name=f"thanh-tich-{slug}.pdf",
        content_type="application/pdf",
    )
    with transaction.atomic():
        honors_services.evidence_exported(item=evidence, acting_user=w.bob)
    return photo, evidence


def member_left(w, unit, name, *, on, status="left", user=None, **extra):
    """A member who left on the day given (the form's audit row says so)."""
    with time_machine.travel(datetime.datetime.combine(on, datetime.time(9)), tick=False):
        member = make_member(unit, name, **extra)
        if user is not None:
            member.user = user
            member.save(update_fields=["user"])
        with transaction.atomic():
            org_services.member_update(member=member, acting_user=w.bob, status=status)
    member.refresh_from_db()
    return member
