"""Figures quoted inside a report's narrative: `{study.sessions}` in the text is replaced by the
report's figure for that indicator code, so the narrative never disagrees with the table."""

import re

from chuyende.core.documents import vn_number

REFERENCE = re.compile(r"\{([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)\}")


def fill_references(text: str, values: dict) -> str:
    """Replace each {code} whose code has a figure; unknown codes stay as typed."""

    def replace(match):
        code = match.group(1)
        if code not in values or values[code] is None:
            return match.group(0)
        return vn_number(values[code])

    return REFERENCE.sub(replace, text or "")


def figure_values(figures) -> dict:
    """{code: value} from report_figures() rows."""
    return {row["indicator"].code: row["value"] for row in figures}
