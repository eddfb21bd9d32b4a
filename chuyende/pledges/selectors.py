"""Reads for pledges: the template a member writes against, lists, the roll-up of figures —
each in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from chuyende.core.text import fold
from chuyende.org.choices import MAJORITY_ETHNICITY, Gender, MemberStatus, UnitKind
from chuyende.org.models import Member, Unit
from chuyende.org.selectors import ancestor_paths

from .choices import PledgeStatus
from .models import Evaluation, Pledge, PledgeSection, PledgeTemplate

STEP = Unit.steplen
DEFAULT_THRESHOLD = 70
WRITTEN = (PledgeStatus.SUBMITTED, PledgeStatus.RETURNED, PledgeStatus.ACCEPTED)


def rate(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


# The template a member writes against ---------------------------------------------------------


def template_for(*, unit: Unit, year: int | None = None) -> PledgeTemplate | None:
    """The published template of the year (latest year when none given) issued by the unit or a
    unit above it; the closest unit wins when several publish for the same year."""
    paths = [*ancestor_paths(unit.path), unit.path]
    qs = PledgeTemplate.objects.filter(unit__path__in=paths, published=True)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.select_related("unit").order_by("-year", "-unit__depth").first()


def templates_for(*, unit: Unit):
    """Templates that apply to a unit (published by it or above), newest year first."""
    paths = [*ancestor_paths(unit.path), unit.path]
    return (
        PledgeTemplate.objects.filter(unit__path__in=paths, published=True)
        .select_related("unit")
        .order_by("-year", "-unit__depth")
    )


def sections_for(*, template: PledgeTemplate, unit: Unit) -> list[PledgeSection]:
    """The template's own sections and those added by the unit or a unit above it."""
    paths = [*ancestor_paths(unit.path), unit.path]
    return list(
        PledgeSection.objects.filter(
            Q(unit__isnull=True) | Q(unit__path__in=paths), template=template
        )
        .select_related("unit")
        .order_by("position", "id")
    )


def visible_templates(user):
    """Templates the user may see: published ones of their subtree and of the units above it,
    and drafts only where the user manages the publishing unit."""
    managed_drafts = PledgeTemplate.objects.for_user(user, "manage").filter(published=False)
    return PledgeTemplate.objects.for_user(user).filter(
        Q(published=True) | Q(pk__in=managed_drafts.values("pk"))
    )


def template_list(*, user, year: int | None = None):
    """Visible templates with their unit, plan and number of own sections, newest first."""
    qs = visible_templates(user).select_related("unit", "plan")
    if year:
        qs = qs.filter(year=year)
    return qs.annotate(
        section_count=Count("sections", filter=Q(sections__unit__isnull=True))
    ).order_by("-year", "unit__path", "id")


def pledge_counts(*, user, templates) -> dict:
    """{template id: pledges (current versions) the user may see} — one query."""
    ids = [t.pk for t in templates]
    if not ids:
        return {}
    return dict(
        Pledge.objects.for_user(user)
        .filter(template_id__in=ids, is_current=True)
        .order_by()
        .values("template_id")
        .annotate(n=Count("id"))
        .values_list("template_id", "n")
    )


def has_pledges(template: PledgeTemplate, unit: Unit | None = None) -> bool:
    """Whether any pledge (any version) was written against the template; with `unit`, only in
    that unit's subtree (for the sections a unit below added)."""
    qs = Pledge.objects.filter(template=template)
    if unit is not None:
        qs = qs.filter(member__unit__path__startswith=unit.path)
    return qs.exists()


def current_pledge(*, member: Member, year: int) -> Pledge | None:
    return (
        Pledge.objects.filter(member=member, year=year, is_current=True)
        .select_related("template", "template__unit", "reviewer")
        .first()
    )


def versions(*, pledge: Pledge) -> list[Pledge]:
    """Every version of the member's pledge for that year, newest first."""
    return list(
        Pledge.objects.filter(member_id=pledge.member_id, year=pledge.year).order_by("-version")
    )


def evaluation_of(pledge: Pledge) -> Evaluation | None:
    return Evaluation.objects.filter(pledge=pledge).first()


# Lists ------------------------------------------------------------------------------------------


def pledge_list(*, user, year: int, unit: Unit | None = None, status: str = "", query: str = ""):
    qs = (
        Pledge.objects.for_user(user)
        .filter(year=year, is_current=True)
        .select_related("member", "member__unit", "evaluation")
    )
    if unit is not None:
        qs = qs.filter(member__unit__path__startswith=unit.path)
    if status:
        qs = qs.filter(status=status)
    folded = fold(query)
    if folded:
        qs = qs.filter(member__search_name__contains=folded)
    return qs.order_by("member__sort_key", "id")


def status_counts(*, user, year: int, unit: Unit | None = None) -> dict:
    qs = Pledge.objects.for_user(user).filter(year=year, is_current=True)
    if unit is not None:
        qs = qs.filter(member__unit__path__startswith=unit.path)
    return dict(qs.order_by().values("status").annotate(n=Count("id")).values_list("status", "n"))


def rating_list(*, user, unit: Unit, year: int):
    """Accepted pledges of the unit's subtree with their evaluations, for the rating screen."""
    return (
        Pledge.objects.for_user(user, "change")
        .filter(
            year=year,
            is_current=True,
            status=PledgeStatus.ACCEPTED,
            member__unit__path__startswith=unit.path,
        )
        .select_related("member", "member__unit", "evaluation", "template")
        .order_by("member__sort_key", "id")
    )


# Figures rolled up the tree --------------------------------------------------------------------


@dataclass
class FigureRow:
    unit: Unit | None
    members: int = 0
    women: int = 0
    minority: int = 0
    written: int = 0
    written_women: int = 0
    written_minority: int = 0
    accepted: int = 0
    ratings: dict = field(default_factory=dict)
    titles: int = 0

    @property
    def rate(self):
        return rate(self.written, self.members)

    @property
    def rate_women(self):
        return rate(self.written_women, self.women)

    @property
    def rate_minority(self):
        return rate(self.written_minority, self.minority)

    def add(self, other: "FigureRow") -> None:
        for name in (
            "members",
            "women",
            "minority",
            "written",
            "written_women",
            "written_minority",
            "accepted",
            "titles",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, n in other.ratings.items():
            self.ratings[code] = self.ratings.get(code, 0) + n


@dataclass
class Figures:
    unit: Unit
    year: int
    rows: list
    total: FigureRow
    below: list  # (grassroots unit, FigureRow) under the threshold
    threshold: int
    by_rating_gender: dict  # code -> {"female": n, "male": n}
    by_rating_minority: dict  # code -> n of ethnic-minority members


_WOMEN = Q(gender=Gender.FEMALE)
_MINORITY = ~Q(ethnicity=MAJORITY_ETHNICITY)


def figures(*, unit: Unit, year: int, threshold: int = DEFAULT_THRESHOLD) -> Figures:
    """Members, pledges written and accepted, ratings — per child of `unit` (each child for its
    whole subtree), the total, and the grassroots unions under the threshold. Figures are
    grouped by unit path in the database and added up the tree here: five queries whatever the
    size of the tree. The caller has checked that the unit is in the user's scope."""
    width = len(unit.path) + STEP
    children = list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        .exclude(Q(active=False))
        .order_by("sort_key")
    )
    grassroots = list(
        Unit.objects.filter(path__startswith=unit.path, kind=UnitKind.GRASSROOTS, active=True).only(
            "pk", "name", "short_name", "path", "depth"
        )
    )
    by_path: dict[str, FigureRow] = {}

    def row(path):
        found = by_path.get(path)
        if found is None:
            found = by_path[path] = FigureRow(unit=None)
        return found

    for path, n, women, minority in (
        Member.objects.filter(unit__path__startswith=unit.path, status=MemberStatus.ACTIVE)
        .order_by()
        .values("unit__path")
        .annotate(
            n=Count("id"), women=Count("id", filter=_WOMEN), minority=Count("id", filter=_MINORITY)
        )
        .values_list("unit__path", "n", "women", "minority")
    ):
        target = row(path)
        target.members, target.women, target.minority = n, women, minority

    pledges = Pledge.objects.filter(
        member__unit__path__startswith=unit.path,
        member__status=MemberStatus.ACTIVE,
        year=year,
        is_current=True,
        status__in=WRITTEN,
    )
    for path, n, women, minority, accepted in (
        pledges.order_by()
        .values("member__unit__path")
        .annotate(
            n=Count("id"),
            women=Count("id", filter=Q(member__gender=Gender.FEMALE)),
            minority=Count("id", filter=~Q(member__ethnicity=MAJORITY_ETHNICITY)),
            accepted=Count("id", filter=Q(status=PledgeStatus.ACCEPTED)),
        )
        .values_list("member__unit__path", "n", "women", "minority", "accepted")
    ):
        target = row(path)
        target.written, target.written_women, target.written_minority = n, women, minority
        target.accepted = accepted

    by_rating_gender: dict[str, dict] = {}
    by_rating_minority: dict[str, int] = {}
    for path, rating, gender, minority, n, titles in (
        Evaluation.objects.filter(
            pledge__member__unit__path__startswith=unit.path,
            pledge__member__status=MemberStatus.ACTIVE,
            pledge__year=year,
            pledge__is_current=True,
        )
        .exclude(final_rating="")
        .order_by()
        .values("pledge__member__unit__path", "final_rating", "pledge__member__gender")
        .annotate(
            n=Count("id"),
            minority=Count("id", filter=~Q(pledge__member__ethnicity=MAJORITY_ETHNICITY)),
            titles=Count("id", filter=Q(union_title=True)),
        )
        .values_list(
            "pledge__member__unit__path",
            "final_rating",
            "pledge__member__gender",
            "minority",
            "n",
            "titles",
        )
    ):
        target = row(path)
        target.ratings[rating] = target.ratings.get(rating, 0) + n
        target.titles += titles
        genders = by_rating_gender.setdefault(rating, {})
        genders[gender] = genders.get(gender, 0) + n
        by_rating_minority[rating] = by_rating_minority.get(rating, 0) + minority

    # Add each unit's own figures to the child of `unit` above it and to its grassroots union.
    child_rows = {c.path: FigureRow(unit=c) for c in children}
    own = FigureRow(unit=unit)
    grassroots_rows = {g.path: FigureRow(unit=g) for g in grassroots}
    for path, values in by_path.items():
        (child_rows.get(path[:width]) or own).add(values)
        for end in range(len(path), len(unit.path) - 1, -STEP):
            holder = grassroots_rows.get(path[:end])
            if holder is not None:
                holder.add(values)
                break
    total = FigureRow(unit=unit)
    total.add(own)
    rows = []
    for child in children:
        child_row = child_rows[child.path]
        total.add(child_row)
        if child_row.members or child_row.written or child.kind not in (UnitKind.DEPARTMENT,):
            rows.append(child_row)
    below = sorted(
        (r for r in grassroots_rows.values() if r.members and (r.rate or 0) < threshold),
        key=lambda r: ((r.rate or 0), r.unit.path),
    )
    return Figures(
        unit=unit,
        year=year,
        rows=rows,
        total=total,
        below=below,
        threshold=threshold,
        by_rating_gender=by_rating_gender,
        by_rating_minority=by_rating_minority,
    )


# The printed pledge ------------------------------------------------------------------------------


@dataclass
class PrintHeader:
    union: Unit  # the grassroots union (CĐCS) the member belongs to
    superior: str
    locality: str
    chair: str


def print_header(*, member: Member) -> PrintHeader:
    """The CĐCS of the member (its own unit or the nearest grassroots union above), the body
    above it, the locality ('Đắk Lắk') and the chair's name: two queries."""
    from chuyende.org.choices import UnionPosition
    from chuyende.org.selectors import ancestors_by_path

    unit = member.unit
    above = ancestors_by_path([unit.path])
    chain = [above[p] for p in ancestor_paths(unit.path) if p in above] + [unit]
    union = next(
        (u for u in reversed(chain) if getattr(u, "kind", None) == UnitKind.GRASSROOTS), unit
    )
    parent = above.get(union.path[:-STEP])
    markers = (" tỉnh ", " thành phố ")
    locality = next(
        (u.name.split(m, 1)[1].strip() for u in chain for m in markers if m in u.name), ""
    )
    chair = (
        Member.objects.filter(
            unit__path__startswith=union.path,
            union_position=UnionPosition.CHAIR,
            status=MemberStatus.ACTIVE,
        )
        .order_by("unit__depth", "id")
        .values_list("full_name", flat=True)
        .first()
    )
    return PrintHeader(
        union=union, superior=parent.name if parent else "", locality=locality, chair=chair or ""
    )
