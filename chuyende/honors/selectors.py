"""Reads of `honors`: lists, the timeline, the showcase, quotas — fixed query counts."""

import re

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Substr

from chuyende.core.scoping import user_scope
from chuyende.core.text import fold
from chuyende.org.choices import UnitKind
from chuyende.org.models import Member, Unit
from chuyende.org.search import matching
from chuyende.org.selectors import ancestor_paths, ancestors_by_path
from chuyende.plans.choices import PlanStatus
from chuyende.plans.models import Task

from . import services
from .choices import APPROVED, PENDING, NominationStatus
from .models import Award, AwardDecision, Nomination, NominationPhoto, Quota

STEP = Unit.steplen


def _role_paths(user, roles) -> list[str]:
    """The units where the user holds one of `roles` themselves (not their subtrees)."""
    scope = user_scope(user)
    return sorted({p for role, paths in scope.paths.items() if role in roles for p in paths})


def awaiting_q(user) -> Q:
    """Nominations whose next step is the user's: waiting at a unit they manage, or returned
    to a unit where they edit."""
    scope = user_scope(user)
    if scope.superuser:
        return Q(status__in=[*PENDING, NominationStatus.RETURNED])
    manage = _role_paths(user, {"admin", "manager"})
    change = _role_paths(user, {"admin", "manager", "editor"})
    return Q(status__in=PENDING, holder__path__in=manage) | Q(
        status=NominationStatus.RETURNED, holder__path__in=change
    )


def nomination_list(
    *,
    user,
    unit: Unit | None = None,
    status: str = "",
    category: str = "",
    query: str = "",
    awaiting: bool = False,
    start=None,
    end=None,
):
    qs = Nomination.objects.for_user(user).select_related(
        "unit", "holder", "member__unit", "nominee_unit"
    )
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if awaiting:
        qs = qs.filter(awaiting_q(user))
    folded = fold(query)
    if folded:
        qs = qs.filter(search_text__contains=folded)
    if start:
        qs = qs.filter(submitted_on__gte=start)
    if end:
        qs = qs.filter(submitted_on__lte=end)
    return qs.order_by("-submitted_on", "-id")


def awaiting_count(user) -> int:
    return Nomination.objects.for_user(user).filter(awaiting_q(user)).count()


def nomination_detail(*, nomination: Nomination) -> dict:
    """The timeline, attachments and awards of a nomination (4 queries)."""
    steps = list(nomination.steps.select_related("from_unit", "to_unit").order_by("at", "id"))
    photos = list(nomination.photos.all())
    files = list(nomination.files.all())
    awards = list(nomination.awards.select_related("decision", "decision__unit"))
    return {"steps": steps, "photos": photos, "files": files, "awards": awards}


def repeat_warning(*, nomination: Nomination) -> list[str]:
    """Earlier decisions of the level now holding the nomination that already gave its nominee
    the award that level grants, this year (a warning on the detail page)."""
    holder = nomination.holder
    kinds = services.award_kinds_for(holder)
    if nomination.status not in PENDING or not kinds:
        return []
    found = services.repeats(
        unit=holder, award_kind=kinds[0], year=nomination.year, nominations=[nomination]
    )
    return found.get(nomination.pk, [])


def forward_warnings(*, nomination: Nomination, actions) -> list[str]:
    """Before the reviewer forwards: the quotas of the next level already full for the
    nomination's unit (a warning shown by the button; forwarding is not blocked)."""
    if "forward" not in actions and "forward_tld" not in actions:
        return []
    target, _status = services.forward_target(nomination.holder)
    return services.quota_warnings(nomination, target)


def decision_candidates(*, unit: Unit):
    """Nominations waiting for a decision of `unit`."""
    return (
        Nomination.objects.filter(status__in=PENDING, holder=unit)
        .select_related("unit", "member__unit", "nominee_unit")
        .order_by("kind", "unit__path", "id")
    )


def _granting_units(user, chosen=None):
    """Units in the user's manage scope that grant awards, for a choice list: the provincial
    federation and upper-level unions, and of the grassroots unions (there are thousands) only
    those where the user holds the role themselves, plus `chosen` (a pk) when it is in scope."""
    wanted = Q(kind__in=(UnitKind.PROVINCE, UnitKind.UPPER)) | Q(
        kind=UnitKind.GRASSROOTS, path__in=_role_paths(user, {"admin", "manager"})
    )
    if chosen:
        wanted |= Q(pk=chosen, kind=UnitKind.GRASSROOTS)
    return (
        Unit.objects.for_user(user, "manage")
        .filter(wanted, active=True)
        .order_by("depth", "sort_key")
    )


def decision_units(user, chosen=None):
    """Units where the user may issue award decisions (see `_granting_units`): a grassroots
    union grants its own Giấy khen to the nominations it kept."""
    return _granting_units(user, chosen)


def decision_list(*, user, unit: Unit | None = None, query: str = ""):
    qs = (
        AwardDecision.objects.for_user(user)
        .select_related("unit")
        .annotate(awardees=Count("awards"))
    )
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if query.strip():
        qs = qs.filter(Q(number__icontains=query.strip()) | Q(reason__icontains=query.strip()))
    return qs.order_by("-date", "-id")


def decision_awards(*, decision: AwardDecision) -> list[Award]:
    return list(
        decision.awards.select_related(
            "nomination", "nomination__unit", "nomination__member__unit", "nomination__nominee_unit"
        ).order_by("position", "id")
    )


def decision_header(*, decision: AwardDecision) -> tuple[str, str]:
    """(superior body, place) for the printed decision: the unit above the issuer, and the
    province's name (Đắk Lắk) from the names above it (one query)."""
    unit = decision.unit
    above = ancestors_by_path([unit.path])
    parent = above.get(unit.path[:-STEP])
    names = [above[p].name for p in sorted(above)] + [unit.name]
    markers = (" tỉnh ", " thành phố ")
    place = next((n.split(m, 1)[1].strip() for n in names for m in markers if m in n), "")
    return (parent.name if parent else ""), place


# The public showcase -----------------------------------------------------------------------

# Phone and ID numbers typed into a story (9 to 12 digits, maybe split by spaces or dots).
_NUMBER_RUN = re.compile(r"(?<!\d)(?:\+?84|0)?\d(?:[ .]?\d){8,11}(?!\d)")


def public_text(text: str) -> str:
    """A story as the public showcase prints it: phone and ID numbers are hidden."""
    return _NUMBER_RUN.sub("•••", text or "")


def showcase_q() -> Q:
    return Q(status__in=APPROVED, showcase=True)


def showcase_list(*, unit: Unit | None = None, category: str = "", query: str = ""):
    """Approved good models and exemplary people allowed on the showcase (2 queries a page:
    the rows and their photos)."""
    qs = (
        Nomination.objects.filter(showcase_q())
        .select_related("unit", "member__unit", "nominee_unit")
        .only(
            "id",
            "kind",
            "category",
            "title",
            "achievement",
            "nominee_name",
            "status",
            "year",
            "submitted_on",
            "unit__name",
            "unit__short_name",
            "unit__path",
            "member__unit__name",
            "member__unit__short_name",
            "nominee_unit__name",
            "nominee_unit__short_name",
        )
        .prefetch_related(
            Prefetch("photos", queryset=NominationPhoto.objects.only("id", "nomination_id"))
        )
    )
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if category:
        qs = qs.filter(category=category)
    folded = fold(query)
    if folded:
        qs = qs.filter(search_text__contains=folded)
    return qs.order_by("-year", "-submitted_on", "-id")


def showcase_units():
    """Units to filter the showcase by: the provincial federations and upper-level unions
    that have an example shown (three queries). Only the beginnings of the examples' unit paths
    down to the deepest such union are read: the nation's examples lie in thousands of
    grassroots unions, whose whole paths made a list of thousands of prefixes to look up."""
    kinds = (UnitKind.PROVINCE, UnitKind.UPPER)
    deepest = (
        Unit.objects.filter(kind__in=kinds, active=True)  # the (kind, active) index
        .order_by("-depth")
        .values_list("depth", flat=True)
        .first()
    )
    if not deepest:
        return []
    shown = (
        Nomination.objects.filter(showcase_q())
        .annotate(top=Substr("unit__path", 1, deepest * STEP))
        .order_by()
        .values_list("top", flat=True)
        .distinct()
    )
    prefixes = set()
    for path in shown:
        for end in range(STEP, len(path) + 1, STEP):
            prefixes.add(path[:end])
    return list(
        Unit.objects.filter(path__in=sorted(prefixes), kind__in=kinds).order_by("depth", "sort_key")
    )


def showcase_item(pk: int) -> Nomination | None:
    return (
        Nomination.objects.filter(showcase_q(), pk=pk)
        .select_related("unit", "member__unit", "nominee_unit")
        .prefetch_related("photos")
        .first()
    )


# Quotas -------------------------------------------------------------------------------------


def quota_list(*, user):
    """Quotas the user sees, each with `used`: the awards granted against it (one query)."""
    used = (
        Award.objects.filter(
            decision__unit=OuterRef("issuer"),
            decision__award_kind=OuterRef("award_kind"),
            decision__date__year=OuterRef("year"),
            nomination__unit__path__startswith=OuterRef("unit__path"),
        )
        .order_by()
        .values("decision__unit")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Quota.objects.for_user(user)
        .select_related("issuer", "unit")
        .annotate(used=Coalesce(Subquery(used, output_field=IntegerField()), 0))
        .order_by("-year", "issuer__path", "unit__path", "award_kind")
    )


def quota_issuers(user, chosen=None):
    """Levels whose quotas the user sets: those granting awards (a grassroots union caps its
    own Giấy khen too; see `_granting_units`)."""
    return _granting_units(user, chosen)


def quota_units(*, issuer: Unit):
    """The issuer itself (a cap over its whole subtree) and the units right below it."""
    return Unit.objects.filter(
        Q(pk=issuer.pk) | Q(path__startswith=issuer.path, depth=issuer.depth + 1), active=True
    ).order_by("depth", "sort_key")


# The nomination form's choices: everything through the scoping function, then narrowed to the
# proposing unit (itself in the user's scope).

MEMBER_CHOICES = 30


def proposal_tasks(*, user, unit):
    """Tasks of the published plans of the unit and the units above it."""
    paths = [*ancestor_paths(unit.path), unit.path]
    return (
        Task.objects.for_user(user)
        .filter(plan__unit__path__in=paths)
        .exclude(plan__status=PlanStatus.DRAFT)
        .select_related("plan")
        .order_by("-plan__issued_on", "plan_id", "position", "id")
    )


def nominee_units(*, user, unit):
    """The proposing unit and its direct children: the collectives it may nominate."""
    return (
        Unit.objects.for_user(user, "change")
        .filter(Q(pk=unit.pk) | Q(path__startswith=unit.path, depth=unit.depth + 1), active=True)
        .order_by("depth", "sort_key")
    )


def member_choices(*, user, unit, query="", chosen=None, limit=MEMBER_CHOICES):
    """Active members of the unit's subtree matching the search (accents ignored), and the one
    already chosen."""
    qs = (
        Member.objects.for_user(user, "change")
        .filter(unit__path__startswith=unit.path, status="active")
        .select_related("unit")
    )
    members = list(matching(qs, query).order_by("sort_key", "id")[:limit])
    if chosen and chosen not in {m.pk for m in members}:
        extra = qs.filter(pk=chosen).first()
        if extra is not None:
            members.insert(0, extra)
    return members
