"""Reads of `privacy`: a member's consent, everything held about a member, the officers' lists.
Each in a fixed number of queries."""

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from chuyende.core.models import AuditEvent
from chuyende.core.scoping import user_scope
from chuyende.org import selectors as org_selectors
from chuyende.org.choices import Role
from chuyende.org.models import Member, RoleAssignment

from . import notice
from .choices import ConsentAction, ConsentState, CorrectionStatus
from .models import ConsentRecord, CorrectionRequest

# Member columns that are bookkeeping, not data about the person.
_INTERNAL = {"id", "search_name", "sort_key", "user"}


def member_for_user(user) -> Member | None:
    """The member record linked to the signed-in account, if any (one query)."""
    if user is None or not user.is_authenticated:
        return None
    return Member.objects.select_related("unit").filter(user=user).first()


def consent_state(record: ConsentRecord | None, current: str | None = None) -> str:
    current = current or notice.CURRENT_VERSION
    if record is None:
        return ConsentState.NONE
    if record.action == ConsentAction.WITHDRAWN:
        return ConsentState.WITHDRAWN
    return ConsentState.CURRENT if record.version == current else ConsentState.OUTDATED


def latest_consent(member) -> ConsentRecord | None:
    return (
        ConsentRecord.objects.filter(member=member)
        .select_related("recorded_by")
        .order_by("-at", "-id")
        .first()
    )


def latest_consents(member_ids) -> dict[int, ConsentRecord]:
    """{member id: latest consent record} for the members given, in one query."""
    found: dict[int, ConsentRecord] = {}
    for record in ConsentRecord.objects.filter(member_id__in=list(member_ids)).order_by(
        "member_id", "-at", "-id"
    ):
        found.setdefault(record.member_id, record)
    return found


def needs_consent(user) -> bool:
    """True when the account is a member's and the member has not consented to the current
    notice (never, to an earlier version only, or withdrawn). One query."""
    last = ConsentRecord.objects.filter(member__user=user).order_by("-at", "-id")
    is_member = Member.objects.filter(user=user).values("pk")
    row = Member.objects.filter(pk__in=is_member).annotate(
        last_action=Subquery(last.values("action")[:1]),
        last_version=Subquery(last.values("version")[:1]),
    )
    found = row.values_list("last_action", "last_version").first()
    if found is None:
        return False
    action, version = found
    return not (action == ConsentAction.GIVEN and version == notice.CURRENT_VERSION)


def _last(column):
    return Subquery(
        ConsentRecord.objects.filter(member=OuterRef("pk"))
        .order_by("-at", "-id")
        .values(column)[:1]
    )


def state_filter(state: str) -> Q | None:
    current = notice.CURRENT_VERSION
    return {
        ConsentState.CURRENT: Q(last_action=ConsentAction.GIVEN, last_version=current),
        ConsentState.OUTDATED: Q(last_action=ConsentAction.GIVEN) & ~Q(last_version=current),
        ConsentState.WITHDRAWN: Q(last_action=ConsentAction.WITHDRAWN),
        ConsentState.NONE: Q(last_action__isnull=True),
    }.get(state)


def is_officer(user) -> bool:
    """Holds a role above the member role somewhere (or is a system administrator)."""
    scope = user_scope(user)
    return scope.superuser or bool(scope.paths_for("view"))


def consent_page(*, user, unit=None, state="", query="", after="", before="", size=50):
    """Members in the user's scope with their consent, keyset-paged in name order (2 queries):
    the page, then the latest record of each member on it."""
    members = org_selectors.member_search(user=user, unit=unit, query=query)
    condition = state_filter(state)
    if condition is not None:
        members = members.annotate(
            last_action=_last("action"), last_version=_last("version")
        ).filter(condition)
    page = org_selectors.member_page(members, after=after, before=before, size=size)
    records = latest_consents(m.pk for m in page.members)
    for member in page.members:
        member.consent = records.get(member.pk)
        member.consent_state = consent_state(member.consent)
    return page


def consent_history(member) -> list[ConsentRecord]:
    return list(
        ConsentRecord.objects.filter(member=member)
        .select_related("recorded_by")
        .order_by("-at", "-id")
    )


def correction_queue(*, user, status=CorrectionStatus.PENDING):
    """Correction requests of members in the units where the user may change records."""
    queryset = CorrectionRequest.objects.for_user(user, "change").select_related(
        "member", "member__unit"
    )
    if status in CorrectionStatus.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("created_at", "id")


def own_requests(member) -> list[CorrectionRequest]:
    return list(CorrectionRequest.objects.filter(member=member).order_by("-created_at", "-id"))


# Everything held about one member ----------------------------------------------------------------


def _member_fields(member) -> list[dict]:
    rows = []
    for field in Member._meta.concrete_fields:
        if field.name in _INTERNAL:
            continue
        value = getattr(member, field.name)
        if field.name == "unit":
            value = f"{member.unit.name} ({member.unit.code})"
        elif field.choices and value:
            value = getattr(member, f"get_{field.name}_display")()
        rows.append({"field": field.name, "label": field.verbose_name, "value": value})
    return rows


def own_data(member) -> dict:
    """Every personal field and every record held about the member, across the modules (one
    query per kind of record). Values are Python values (dates, datetimes); `as_json` makes them
    JSON-ready."""
    from chuyende.contests.models import Attempt, Participant
    from chuyende.honors.models import Award, Nomination
    from chuyende.materials.models import MaterialDownload
    from chuyende.notifications.models import Notification
    from chuyende.pledges.models import Pledge
    from chuyende.study.models import Attendance

    user = member.user
    data = {
        "generated_at": timezone.now(),
        "notice_version": notice.CURRENT_VERSION,
        "member": _member_fields(member),
    }
    data["account"] = (
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        }
        if user is not None
        else None
    )
    data["roles"] = (
        [
            {"unit": name, "role": str(dict(Role.choices).get(role, role))}
            for name, role in RoleAssignment.objects.filter(user=user)
            .order_by("unit__path")
            .values_list("unit__name", "role")
        ]
        if user is not None
        else []
    )
    data["consents"] = [
        {
            "version": r.version,
            "decision": r.get_action_display(),
            "how": r.get_method_display(),
            "at": r.at,
            "signed_on": r.signed_on,
            "reference": r.reference,
            "recorded_by": r.recorded_by_name,
        }
        for r in consent_history(member)
    ]
    data["correction_requests"] = [
        {
            "id": r.pk,
            "field": str(r.field_label),
            "value_held": r.current_value,
            "proposed_value": r.proposed_value,
            "note": r.note,
            "status": r.get_status_display(),
            "asked_on": r.created_at,
            "decided_on": r.decided_at,
            "decided_by": r.decided_by_name,
            "reason": r.reason,
        }
        for r in own_requests(member)
    ]
    pledges = Pledge.objects.filter(member=member).select_related("evaluation", "template")
    data["pledges"] = [
        {
            "year": p.year,
            "version": p.version,
            "current_version": p.is_current,
            "status": p.get_status_display(),
            "source": p.get_source_display(),
            "template": p.template.title,
            "full_name": p.full_name,
            "birth_year": p.birth_year,
            "position": p.position,
            "unit_name": p.unit_name,
            "union_group": p.union_group,
            "commitments": p.commitments,
            "actions": p.actions,
            "target_rating": p.target_rating,
            "submitted_at": p.submitted_at,
            "reviewed_at": p.reviewed_at,
            "reviewer_comment": p.return_comment,
            "evaluation": _evaluation(p),
        }
        for p in pledges.order_by("-year", "-version")
    ]
    data["attendance"] = [
        {
            "session": a.session.title,
            "date": a.session.date,
            "unit": a.session.unit.name,
            "recorded": a.get_source_display(),
            "checked_in_at": a.checked_in_at,
        }
        for a in Attendance.objects.filter(member=member)
        .select_related("session", "session__unit")
        .order_by("-session__date", "-id")
    ]
    participants = list(
        Participant.objects.filter(member=member)
        .select_related("contest", "unit")
        .order_by("-created_at", "-id")
    )
    attempts: dict[int, list] = {}
    for attempt in (
        Attempt.objects.filter(participant__in=participants)
        .select_related("round")
        .order_by("round__number", "number")
    ):
        attempts.setdefault(attempt.participant_id, []).append(
            {
                "round": attempt.round.number,
                "attempt": attempt.number,
                "started_at": attempt.started_at,
                "submitted_at": attempt.submitted_at,
                "status": attempt.status,
                "score": attempt.score,
                "questions": attempt.total,
                "seconds": attempt.seconds,
                "prediction": attempt.prediction,
                "ip_address": attempt.ip_address,
            }
        )
    data["contests"] = [
        {
            "contest": p.contest.title,
            "full_name": p.full_name,
            "phone": p.phone,
            "unit": p.unit.name,
            "registered_at": p.created_at,
            "ip_address": p.ip_address,
            "attempts": attempts.get(p.pk, []),
        }
        for p in participants
    ]
    nominations = list(
        Nomination.objects.filter(member=member).select_related("unit").order_by("-year", "-id")
    )
    awards: dict[int, list] = {}
    for award in (
        Award.objects.filter(nomination__in=nominations)
        .select_related("decision")
        .order_by("decision__date", "id")
    ):
        awards.setdefault(award.nomination_id, []).append(
            {
                "decision": award.decision.number,
                "date": award.decision.date,
                "award": award.decision.get_award_kind_display(),
            }
        )
    data["nominations"] = [
        {
            "title": n.title,
            "category": n.get_category_display(),
            "year": n.year,
            "status": n.get_status_display(),
            "proposed_by": n.unit.name,
            "proposed_on": n.submitted_on,
            "nominee_name": n.nominee_name,
            "nominee_position": n.nominee_position,
            "achievement": n.achievement,
            "figures": n.figures,
            "occasion": n.occasion,
            "public_showcase": n.showcase,
            "awards": awards.get(n.pk, []),
        }
        for n in nominations
    ]
    data["material_downloads"] = (
        [
            {"material": title, "at": at}
            for title, at in MaterialDownload.objects.filter(user=user)
            .order_by("-at", "-id")
            .values_list("material__title", "at")
        ]
        if user is not None
        else []
    )
    data["notifications"] = (
        [
            {"title": title, "created_at": created, "read_at": read}
            for title, created, read in Notification.objects.filter(user=user)
            .order_by("-created_at", "-pk")
            .values_list("title", "created_at", "read_at")
        ]
        if user is not None
        else []
    )
    data["access_log"] = [
        {
            "at": e.at,
            "action": e.get_action_display(),
            "by": e.actor_name,
            "reason": (e.changes or {}).get("reason", ""),
        }
        for e in AuditEvent.objects.filter(object_type="org.member", object_id=str(member.pk))
        .only("at", "action", "actor_name", "changes")
        .order_by("-at", "-id")
    ]
    return data


def _evaluation(pledge):
    evaluation = getattr(pledge, "evaluation", None)
    if evaluation is None:
        return None
    return {
        "self_assessment": evaluation.results,
        "self_note": evaluation.self_note,
        "proposed_rating": evaluation.proposed_rating,
        "self_evaluated_at": evaluation.self_evaluated_at,
        "final_rating": evaluation.final_rating,
        "outstanding_member": evaluation.union_title,
        "note_of_the_union": evaluation.rating_note,
        "rated_at": evaluation.rated_at,
    }


def as_json(data: dict) -> dict:
    """The own-data structure with JSON-ready values (labels as text, dates ISO)."""
    import datetime

    from django.utils.functional import Promise

    def plain(value):
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, Promise):
            return str(value)
        if isinstance(value, (datetime.datetime, datetime.date)):
            return value.isoformat()
        return value

    result = plain(data)
    result["member"] = {row["field"]: row["value"] for row in result["member"]}
    return result
