"""Computed indicators, declared by the module that owns their records.

A module declares its indicators in `<module>/indicators.py`:

    from chuyende.reports.registry import indicator

    @indicator("study.sessions", _("Study sessions held"), unit_of_measure=_("sessions"))
    def sessions_held(*, root_path, width, start, end, plan):
        return dict(StudySession.objects.filter(unit__path__startswith=root_path,
                                                date__range=(start, end))
                    .annotate(prefix=Substr("unit__path", 1, width)).order_by()
                    .values("prefix").annotate(n=Count("id")).values_list("prefix", "n"))

A compute function answers for a whole subtree in ONE grouped query: the value of each group of
units whose path starts with the same `width` characters (width = len(unit.path) gives the unit's
whole subtree as one group; len(unit.path) + 4 gives one group per child). `plan` may be None.
Ratio indicators name their numerator and denominator codes and compute nothing themselves.
"""

import contextvars
import importlib
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps

REGISTRY: dict[str, "Computed"] = {}


@dataclass(frozen=True)
class Computed:
    code: str
    name: str
    unit_of_measure: str = ""
    aggregation: str = "sum"
    compute: object = None
    numerator: str = ""
    denominator: str = ""
    position: int = 0
    drilldown: str = (
        ""  # URL name listing the records behind the figure (kwargs-free, ?unit=&start=&end=)
    )
    tags: tuple = field(default_factory=tuple)


def indicator(code, name, *, unit_of_measure="", aggregation="sum", position=0, drilldown=""):
    """Register a computed indicator; the decorated function computes it (see module doc)."""

    def register(function):
        REGISTRY[code] = Computed(
            code=code,
            name=name,
            unit_of_measure=unit_of_measure,
            aggregation=aggregation,
            compute=function,
            position=position,
            drilldown=drilldown,
        )
        return function

    return register


def ratio(code, name, *, numerator, denominator, position=0):
    """Register a ratio indicator: numerator / denominator × 100, both registered codes."""
    REGISTRY[code] = Computed(
        code=code,
        name=name,
        unit_of_measure="%",
        aggregation="ratio",
        numerator=numerator,
        denominator=denominator,
        position=position,
    )


def autodiscover():
    for config in apps.get_app_configs():
        if config.name.startswith("chuyende."):
            try:
                importlib.import_module(f"{config.name}.indicators")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.indicators":
                    raise


# Shared sub-queries --------------------------------------------------------------------------
# Several indicators of one module often count the same rows by different values (pledges by
# status, evaluations by rating). Within one computation of a set of indicators (one subtree,
# one grouping width, one period) such a module runs its grouped query once and each indicator
# reads its share: `shared(key, compute)`. Outside `shared_queries()` nothing is kept.

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("indicator_memo", default=None)


@contextmanager
def shared_queries():
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def shared(key, compute):
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]
