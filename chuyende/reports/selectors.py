"""Figures for reports: every indicator for a subtree or for each child, in grouped queries."""

from decimal import Decimal

from .models import Indicator
from .registry import REGISTRY


def compute_figures(*, indicators, root_path: str, width: int, start, end, plan=None) -> dict:
    """{group path prefix: {indicator code: value}} for the computed indicators given.

    One grouped query per computed indicator, whatever the size of the tree; ratios are derived
    from their numerator and denominator (computed as needed, not queried twice).
    """
    codes = [i.code for i in indicators]
    needed = set(codes)
    for code in codes:
        spec = REGISTRY.get(code)
        if spec and spec.aggregation == "ratio":
            needed |= {spec.numerator, spec.denominator}
    by_code = {}
    for code in sorted(needed):
        spec = REGISTRY.get(code)
        if spec is None or spec.compute is None:
            continue
        by_code[code] = spec.compute(
            root_path=root_path, width=width, start=start, end=end, plan=plan
        )
    groups = {prefix for values in by_code.values() for prefix in values}
    figures = {}
    for prefix in groups:
        row = {}
        for code in needed:
            spec = REGISTRY.get(code)
            if spec is None:
                continue
            if spec.aggregation == "ratio":
                top = by_code.get(spec.numerator, {}).get(prefix) or 0
                bottom = by_code.get(spec.denominator, {}).get(prefix) or 0
                row[code] = round(Decimal(top) * 100 / Decimal(bottom), 1) if bottom else None
            elif code in by_code:
                row[code] = by_code[code].get(prefix, 0)
        figures[prefix] = {code: row.get(code) for code in codes}
    return figures


def unit_figures(*, indicators, unit, start, end, plan=None) -> dict:
    """{code: value} for the unit's whole subtree."""
    figures = compute_figures(
        indicators=indicators,
        root_path=unit.path,
        width=len(unit.path),
        start=start,
        end=end,
        plan=plan,
    )
    return figures.get(
        unit.path,
        {
            code: (0 if REGISTRY.get(code) and REGISTRY[code].aggregation != "ratio" else None)
            for code in [i.code for i in indicators]
        },
    )


def computed_indicators():
    return Indicator.objects.filter(code__in=list(REGISTRY)).order_by("position", "code")
