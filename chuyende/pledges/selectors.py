"""Reads for pledges: the template a member writes against, lists, the roll-up of figures —
each in a fixed number of queries, none counting pledge rows (the lists' counts and the figures
come from the tallies: chuyende.pledges.tallies, chuyende.org.tallies)."""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from chuyende.core.scoping import member_tops, user_scope
from chuyende.org.choices import MAJORITY_ETHNICITY, Gender, MemberStatus, UnitKind
from chuyende.org.models import Member, MemberTally, Unit, UnitTally
from chuyende.org.selectors import _tally_sum as tally_sum
from chuyende.org.selectors import ancestor_paths, member_page, member_search

from .choices import PledgeStatus
from .models import Evaluation, Pledge, PledgeSection, PledgeTally, PledgeTemplate

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


@dataclass
class PledgePage:
    """A page of the pledge list, keyset-paged in the members' name order (the member list's
    cursors: `after` / `before` a member's sort key and id)."""

    pledges: list
    next_after: str | None
    prev_before: str | None
    is_first: bool
    count: int | None = None  # the exact number of pledges the filters match, when known

    def __iter__(self):
        return iter(self.pledges)

    def __len__(self):
        return len(self.pledges)


def pledge_page(
    *,
    user,
    year: int,
    unit: Unit | None = None,
    status: str = "",
    query: str = "",
    after: str = "",
    before: str = "",
    size: int = 50,
) -> PledgePage:
    """The current pledges of the year the user may see, in the members' name order, a page at a
    time. The members are walked in name order (the member list's index and its scoping, see
    `chuyende.org.selectors.member_search`), each one's pledge of the year looked up in the
    (member, year) index of current pledges (which holds the status); deep pages cost what the
    first does. Three queries: the scope's units (named when few), the page, its pledges."""
    pledges = Pledge.objects.filter(member=OuterRef("pk"), year=year, is_current=True)
    if status:
        pledges = pledges.filter(status=status)
    # EXISTS, not a join: the databases then walk the members in name order and probe each
    # one's pledge of the year, rather than read every pledge of the year and sort them
    members = member_search(user=user, unit=unit, query=query).filter(Exists(pledges))
    if status:
        members = members.filter(unit_id__in=_units_holding(user, unit, year, status))
    page = member_page(members, after=after, before=before, size=size)
    found = {
        p.member_id: p
        for p in Pledge.objects.filter(
            member_id__in=[m.pk for m in page.members], year=year, is_current=True
        )
    }
    rows = []
    for member in page.members:
        pledge = found.get(member.pk)
        if pledge is not None:
            pledge.member = member  # with its unit: no query per row
            rows.append(pledge)
    return PledgePage(rows, page.next_after, page.prev_before, page.is_first)


def _units_holding(user, unit, year, status):
    """The units (of the list's subtrees) whose subtree holds a current pledge of the year in
    this status, from the pledge tallies: a subquery that lets the database start a list filtered
    by a status from the few units holding such pledges, rather than walk the members in name
    order until 50 of them have one (a province's returned pledges at national scale: 700 ms
    walking the nation's members for the province's, 170 ms from the units). Every member with
    such a pledge is in one of them (each unit's tally counts its own members)."""
    holding = PledgeTally.objects.filter(year=year, status=status, n__gt=0)
    tops = member_tops(user, unit.path if unit is not None else None)
    if tops is not None:
        holding = holding.filter(
            reduce(or_, [Q(unit__path__startswith=top) for top in tops], Q(pk__in=[]))
        )
    return holding.values("unit_id")


def status_counts(*, user, year: int, unit: Unit | None = None) -> dict:
    """{status: current pledges of the year} the user may see (`Pledge.objects.for_user`), within
    `unit`'s subtree if given, from the pledge tallies: one query whatever the number of
    pledges. The tallies of the tops of the user's scope, plus the user's own pledge where it
    lies outside (counted live: one row, found from the user's member record)."""
    scope = user_scope(user)
    tallies = PledgeTally.objects.filter(year=year)

    def own(units: Q | None = None, inside: bool = True):
        """The user's own pledge, its member's unit inside (or outside) the units given."""
        members = (
            Member.objects.filter(user=user) if user.is_authenticated else Member.objects.none()
        )
        if units is not None:
            found = Exists(Unit.objects.filter(units, pk=OuterRef("unit_id")))
            members = members.filter(found if inside else ~found)
        return (
            Pledge.objects.filter(member_id__in=members.values("pk"), year=year, is_current=True)
            .order_by()
            .annotate(n=Value(1, output_field=IntegerField()))
            .values_list("status", "n")
        )

    if unit is not None:
        if scope.allows("view", unit.path):
            parts = [tallies.filter(unit=unit).values_list("status", "n")]
        else:  # a unit seen only as the user's own: their own pledge in it, if any
            parts = [own(Q(path__startswith=unit.path))]
    elif scope.superuser:
        parts = [tallies.filter(unit__depth=1).values_list("status", "n")]
    else:
        tops = scope.paths_for("view")
        if tops:
            under = reduce(or_, [Q(path__startswith=p) for p in tops])
            parts = [tallies.filter(unit__path__in=tops).values_list("status", "n")]
            parts.append(own(under, inside=False))
        else:
            parts = [own()]
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    counts: dict[str, int] = {}
    for status, n in rows:
        counts[status] = counts.get(status, 0) + n
    return {status: n for status, n in counts.items() if n}


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


@dataclass
class Figures:
    unit: Unit
    year: int
    rows: list
    total: FigureRow
    below: list | None  # (grassroots unit, FigureRow) under the threshold; None: too many to list
    threshold: int
    by_rating_gender: dict  # code -> {"female": n, "male": n}
    by_rating_minority: dict  # code -> n of ethnic-minority members
    grassroots: int = 0  # active grassroots unions of the subtree


# The unions under the threshold are listed from each union's tallies (a few rows each, about
# 0.1 ms a union on PostgreSQL): up to this many unions in the subtree (a province has 1,000 to
# 5,000); above it (the nation, the largest cities), the page says to open a unit below.
BELOW_MAX_UNIONS = 5_000
_ACTIVE = MemberStatus.ACTIVE.value


def figures(*, unit: Unit, year: int, threshold: int = DEFAULT_THRESHOLD) -> Figures:
    """Members, pledges written and accepted, ratings — per child of `unit` (each child for its
    whole subtree), the total, and the grassroots unions under the threshold. Everything is read
    from the member and pledge tallies of the unit and its children, and of the grassroots
    unions below for the threshold: five queries, whatever the number of members and pledges.
    The caller has checked that the unit is in the user's scope."""
    children = list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        .exclude(Q(active=False))
        .order_by("sort_key")
    )
    rows = {c.pk: FigureRow(unit=c) for c in children}
    total = FigureRow(unit=unit)
    rows[unit.pk] = total

    for unit_id, members, women, minority in (
        MemberTally.objects.filter(unit_id__in=list(rows), status=_ACTIVE)
        .order_by()
        .values("unit_id")
        .annotate(
            members=Sum("n"),
            women=Sum("n", filter=Q(gender=Gender.FEMALE)),
            minority=Sum("n", filter=~Q(ethnicity=MAJORITY_ETHNICITY)),
        )
        .values_list("unit_id", "members", "women", "minority")
    ):
        row = rows.get(unit_id)
        if row is not None:
            row.members, row.women, row.minority = members, women or 0, minority or 0

    by_rating_gender: dict[str, dict] = {}
    by_rating_minority: dict[str, int] = {}
    for unit_id, status, gender, minority, rating_, title, n in (
        PledgeTally.objects.filter(unit_id__in=list(rows), year=year, active=True)
        .exclude(n=0)
        .values_list("unit_id", "status", "gender", "minority", "rating", "title", "n")
    ):
        row = rows.get(unit_id)
        if row is None:
            continue
        if status in WRITTEN:
            row.written += n
            row.written_women += n if gender == Gender.FEMALE else 0
            row.written_minority += n if minority else 0
        if status == PledgeStatus.ACCEPTED:
            row.accepted += n
        if rating_:
            row.ratings[rating_] = row.ratings.get(rating_, 0) + n
            row.titles += n if title else 0
            if row is total:
                genders = by_rating_gender.setdefault(rating_, {})
                genders[gender] = genders.get(gender, 0) + n
                by_rating_minority[rating_] = by_rating_minority.get(rating_, 0) + (
                    n if minority else 0
                )

    shown = [
        rows[c.pk]
        for c in children
        if rows[c.pk].members or rows[c.pk].written or c.kind not in (UnitKind.DEPARTMENT,)
    ]
    grassroots = (
        UnitTally.objects.filter(unit=unit, kind=UnitKind.GRASSROOTS)
        .values_list("n", flat=True)
        .first()
        or 0
    )
    below = None
    if grassroots <= BELOW_MAX_UNIONS:
        below = _below(unit=unit, year=year, threshold=threshold)
    return Figures(
        unit=unit,
        year=year,
        rows=shown,
        total=total,
        below=below,
        threshold=threshold,
        by_rating_gender=by_rating_gender,
        by_rating_minority=by_rating_minority,
        grassroots=grassroots,
    )


def _written_sum(year: int):
    """A union's pledges written (every status but a draft) by active members, from its own
    tally rows: one index range (unit, year)."""
    return Coalesce(
        Subquery(
            PledgeTally.objects.filter(unit=OuterRef("pk"), year=year, active=True)
            .exclude(status=PledgeStatus.DRAFT)
            .order_by()
            .values("unit")
            .annotate(total=Sum("n"))
            .values("total")
        ),
        0,
    )


def _below(*, unit: Unit, year: int, threshold: int) -> list[FigureRow]:
    """The subtree's grassroots unions whose members wrote pledges below the threshold (%),
    lowest first: each union's active members and pledges written read from its own tallies
    (two index lookups per union), one query."""
    unions = (
        Unit.objects.filter(path__startswith=unit.path, kind=UnitKind.GRASSROOTS, active=True)
        .only("pk", "name", "short_name", "path", "depth", "kind")
        .annotate(
            active_members=tally_sum(MemberTally, status=_ACTIVE),
            pledges_written=_written_sum(year),
        )
        .order_by()
    )
    rows = [
        FigureRow(unit=u, members=u.active_members, written=u.pledges_written)
        for u in unions
        if u.active_members and 100 * u.pledges_written < threshold * u.active_members
    ]
    return sorted(rows, key=lambda r: ((r.rate or 0), r.unit.path))


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
