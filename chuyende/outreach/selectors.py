"""Reads for outreach: lists, the occasions calendar, the public page and the roll-up, each in a
fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear, Substr

from chuyende.core.scoping import user_scope
from chuyende.core.text import fold
from chuyende.org.models import Unit
from chuyende.org.selectors import ancestor_paths
from chuyende.plans.models import Occasion

from .choices import Channel, PostStatus
from .models import OutreachPost, UnitWebsite
from .occasions import add_months, anniversary, occurrence

REACH = ("views", "reactions", "shares")


def website_domains(*, user=None, unit: Unit | None = None) -> list[str]:
    """Domains that count as 'website': those of the unit, the units above it and below it, or
    those the user can see (their units, below and above)."""
    if unit is not None:
        qs = UnitWebsite.objects.filter(
            Q(unit__path__in=[*ancestor_paths(unit.path), unit.path])
            | Q(unit__path__startswith=unit.path)
        )
    else:
        qs = UnitWebsite.objects.for_user(user)
    return list(qs.values_list("domain", flat=True))


def post_search(
    *,
    user,
    unit: Unit | None = None,
    query: str = "",
    channel: str = "",
    status: str = "",
    occasion_id: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
):
    """Posts in scope matching the filters, newest first."""
    qs = OutreachPost.objects.for_user(user).select_related("unit", "occasion")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if channel:
        qs = qs.filter(channel=channel)
    if status:
        qs = qs.filter(status=status)
    if occasion_id:
        qs = qs.filter(occasion_id=occasion_id)
    if start:
        qs = qs.filter(published_on__gte=start)
    if end:
        qs = qs.filter(published_on__lte=end)
    folded = fold(query)
    if folded:
        qs = qs.filter(search_title__contains=folded)
    return qs.order_by("-published_on", "-id")


def waiting_for_review(*, user) -> int:
    """Posts the user may approve that wait for it."""
    return OutreachPost.objects.for_user(user, "manage").filter(status=PostStatus.SUBMITTED).count()


def linkable_occasions(*, user):
    """Occasions a post can be tied to: the calendar the user sees."""
    return Occasion.objects.for_user(user).select_related("unit").order_by("-date", "name")


# --- The calendar --------------------------------------------------------------------------------


@dataclass
class CalendarEntry:
    occasion: Occasion
    day: datetime.date
    years: int | None  # the anniversary (95 for 28/7/1929 in 2024), recurring occasions only
    posts: int
    sessions: int | None  # None while the study module links no session to occasions
    editable: bool = False  # the user manages the occasion's unit

    @property
    def is_round(self) -> bool:
        return bool(self.years) and self.years % 5 == 0


@dataclass
class CalendarMonth:
    first: datetime.date
    entries: list[CalendarEntry] = field(default_factory=list)


def _study_sessions_per_occasion(user, occasion_ids) -> dict | None:
    """Study sessions tied to each occasion, when the study module has that tie (one query)."""
    try:
        model = apps.get_model("study", "StudySession")
    except LookupError:
        return None
    names = {f.name for f in model._meta.get_fields()}
    if "occasion" not in names or not hasattr(model.objects, "for_user"):
        return None
    return dict(
        model.objects.for_user(user)
        .filter(occasion_id__in=occasion_ids)
        .order_by()
        .values("occasion_id")
        .annotate(n=Count("id"))
        .values_list("occasion_id", "n")
    )


def occasion_calendar(*, user, start: datetime.date, months: int = 12) -> list[CalendarMonth]:
    """The occasions the user sees, month by month from `start` (the first of a month), each
    with the number of posts in scope tied to it that year (rejected ones left out).

    Two queries (three when the study module ties sessions to occasions)."""
    end = add_months(start, months) - datetime.timedelta(days=1)
    occasions = list(
        Occasion.objects.for_user(user)
        .filter(Q(recurring=True) | Q(date__range=(start, end)))
        .select_related("unit", "plan")
        .order_by("date", "name")
    )
    ids = [o.pk for o in occasions]
    posts = {
        (row["occasion_id"], row["year"]): row["n"]
        for row in OutreachPost.objects.for_user(user)
        .filter(occasion_id__in=ids, published_on__range=(start.replace(day=1, month=1), end))
        .exclude(status=PostStatus.REJECTED)
        .annotate(year=ExtractYear("published_on"))
        .order_by()
        .values("occasion_id", "year")
        .annotate(n=Count("id"))
    }
    sessions = _study_sessions_per_occasion(user, ids) if ids else None
    scope = user_scope(user)
    calendar = [CalendarMonth(add_months(start, i)) for i in range(months)]
    for occasion in occasions:
        for year in range(start.year, end.year + 1):
            day = occurrence(occasion.date, occasion.recurring, year)
            if day is None or not start <= day <= end:
                continue
            month = calendar[(day.year - start.year) * 12 + day.month - start.month]
            month.entries.append(
                CalendarEntry(
                    occasion=occasion,
                    day=day,
                    years=anniversary(occasion.date, occasion.recurring, year),
                    posts=posts.get((occasion.pk, year), 0),
                    sessions=None if sessions is None else sessions.get(occasion.pk, 0),
                    editable=scope.allows("manage", occasion.unit.path),
                )
            )
    for month in calendar:
        month.entries.sort(key=lambda e: (e.day, e.occasion.unit.depth, e.occasion.name))
    return calendar


# --- The public page -----------------------------------------------------------------------------


def public_posts(*, unit: Unit, limit: int = 30):
    """The latest approved posts of the unit's subtree (title, channel, date, link, unit)."""
    return list(
        OutreachPost.objects.filter(status=PostStatus.APPROVED, unit__path__startswith=unit.path)
        .select_related("unit")
        .only(
            "title",
            "channel",
            "link",
            "published_on",
            "unit__name",
            "unit__short_name",
            "unit__path",
        )
        .order_by("-published_on", "-id")[:limit]
    )


def upcoming_occasions(*, unit: Unit, today: datetime.date, days: int = 120, limit: int = 12):
    """Occasions on the unit's calendar (its own, those above and below it) in the next days."""
    end = today + datetime.timedelta(days=days)
    rows = Occasion.objects.filter(
        Q(unit__path__in=[*ancestor_paths(unit.path), unit.path])
        | Q(unit__path__startswith=unit.path)
    ).filter(Q(recurring=True) | Q(date__range=(today, end)))
    found = []
    for occasion in rows.only("date", "name", "recurring"):
        for year in (today.year, today.year + 1):
            day = occurrence(occasion.date, occasion.recurring, year)
            if day is not None and today <= day <= end:
                years = anniversary(occasion.date, occasion.recurring, year)
                found.append((day, occasion.name, years))
    found.sort()
    return found[:limit]


# --- The roll-up ---------------------------------------------------------------------------------


def _figures() -> dict:
    approved = Q(status=PostStatus.APPROVED)
    return {
        "posts": Count("id", filter=approved),
        "pending": Count("id", filter=Q(status=PostStatus.SUBMITTED)),
        **{name: Sum(name, filter=approved) for name in REACH},
    }


FIGURES = ("posts", "pending", *REACH)


def _empty() -> dict:
    return dict.fromkeys(FIGURES, 0)


def _add(total: dict, row: dict) -> None:
    for key in FIGURES:
        total[key] += row.get(key) or 0


def outreach_rollup(*, unit: Unit, start: datetime.date, end: datetime.date) -> dict:
    """Outreach of the unit's subtree between two dates: approved posts and their reach, by
    channel, by occasion and per child unit (each child's whole subtree); `pending` counts the
    posts still waiting for review. Plain data (ids, strings, numbers), three queries; the
    caller has checked the unit is in scope."""
    width = (unit.depth + 1) * Unit.steplen
    children = list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        .order_by("-active", "sort_key")
        .values("id", "code", "name", "short_name", "path", "active")
    )
    period = OutreachPost.objects.filter(
        unit__path__startswith=unit.path, published_on__range=(start, end)
    )
    rows = list(
        period.annotate(prefix=Substr("unit__path", 1, width))
        .order_by()
        .values("prefix", "channel")
        .annotate(**_figures())
    )
    occasion_rows = list(
        period.filter(status=PostStatus.APPROVED, occasion__isnull=False)
        .order_by()
        .values("occasion_id", "occasion__name", "occasion__date", "occasion__recurring")
        .annotate(posts=Count("id"), **{name: Sum(name) for name in REACH})
    )
    labels = dict(Channel.choices)
    totals = _empty()
    own = _empty()
    by_channel = {value: _empty() for value in Channel.values}
    per_prefix: dict[str, dict] = {}
    for row in rows:
        _add(totals, row)
        _add(by_channel[row["channel"]], row)
        target = own if row["prefix"] == unit.path else None
        if target is None:
            entry = per_prefix.setdefault(row["prefix"], {**_empty(), "by_channel": {}})
            entry["by_channel"][row["channel"]] = row["posts"]
            target = entry
        _add(target, row)
    child_rows = []
    for child in children:
        figures = per_prefix.get(child["path"])
        if figures is None and not child["active"]:
            continue
        figures = figures or {**_empty(), "by_channel": {}}
        child_rows.append(
            {
                "unit_id": child["id"],
                "code": child["code"],
                "name": child["short_name"] or child["name"],
                **figures,
            }
        )
    return {
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name},
        "start": start,
        "end": end,
        "totals": totals,
        "own": own,
        "by_channel": [
            {"channel": value, "label": str(labels[value]), **figures}
            for value, figures in by_channel.items()
            if figures["posts"] or figures["pending"]
        ],
        "by_occasion": sorted(
            (
                {
                    "occasion_id": row["occasion_id"],
                    "name": row["occasion__name"],
                    "date": row["occasion__date"],
                    "recurring": row["occasion__recurring"],
                    "posts": row["posts"],
                    **{name: row[name] or 0 for name in REACH},
                }
                for row in occasion_rows
            ),
            key=lambda r: (-r["posts"], r["name"]),
        ),
        "children": child_rows,
        "channels": [{"channel": v, "label": str(labels[v])} for v in Channel.values],
    }


def occasion_near(*, user, day: datetime.date, days: int = 20) -> Occasion | None:
    """The occasion of the user's calendar closest to a day (at most `days` away); a dated one
    (named by a plan) before a yearly one. One query."""
    window = (day - datetime.timedelta(days=days), day + datetime.timedelta(days=days))
    best = None
    for occasion in Occasion.objects.for_user(user).filter(
        Q(recurring=True) | Q(date__range=window)
    ):
        when = occurrence(occasion.date, occasion.recurring, day.year)
        if when is None or abs((when - day).days) > days:
            continue
        key = (abs((when - day).days), occasion.recurring, occasion.unit_id, occasion.pk)
        if best is None or key < best[0]:
            best = (key, occasion)
    return best[1] if best else None
