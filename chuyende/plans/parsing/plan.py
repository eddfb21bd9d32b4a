"""Plan text -> the structured plan of specs/plan-document.md."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from .body import build_sections, make_blocks, section_to_dict
from .footer import parse_footer
from .header import parse_header
from .layout import find_footer, find_kind, is_section_line, parse_title
from .mentions import find_occasions, find_references
from .normalise import fold_spaces, normalise_text
from .tasks import build_tasks

logger = logging.getLogger(__name__)

KEYS = (
    "kind",
    "number",
    "issuer",
    "issuer_parent",
    "place",
    "date",
    "title",
    "references",
    "sections",
    "tasks",
    "occasions",
    "reporting",
    "recipients",
    "signer",
)


def empty_plan() -> dict:
    return {
        "kind": None,
        "number": None,
        "issuer": None,
        "issuer_parent": None,
        "place": None,
        "date": None,
        "title": None,
        "references": [],
        "sections": [],
        "tasks": [],
        "occasions": [],
        "reporting": [],
        "recipients": [],
        "signer": {"authority": None, "position": None, "name": None},
    }


def parse_plan_text(text: str) -> dict:
    """The structured plan of a document's text. Never raises: unknown parts stay null or empty."""
    return parse_plan_text_strict(text, strict=False)


def parse_plan_text_strict(text: str, strict: bool = True) -> dict:
    """As parse_plan_text; with strict=True a bug in any stage raises instead of being skipped."""

    def stage(function: Callable[[], Any], default: Any) -> Any:
        if strict:
            return function()
        try:
            return function()
        except Exception:  # one stage failing must not lose the others
            logger.exception("plan parser stage failed")
            return default

    plan = empty_plan()
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = stage(lambda: normalise_text(text), "")
    lines = text.split("\n")
    kind = stage(lambda: find_kind(lines), None)
    if kind:
        index, plan["kind"], rest = kind
        header_lines = lines[:index]
        plan["title"], body_start = stage(
            lambda: parse_title(lines, index + 1, rest), (rest or None, index + 1)
        )
    else:
        body_start = _header_end(lines)
        header_lines = lines[:body_start]
    header = stage(lambda: parse_header(header_lines), {})
    for field in ("number", "issuer", "issuer_parent", "place", "date"):
        plan[field] = header.get(field)
    if plan["kind"] is None and header.get("subject"):
        plan["kind"], plan["title"] = "CÔNG VĂN", header["subject"]
    footer_start = stage(lambda: find_footer(lines, body_start), len(lines))
    blocks = stage(lambda: make_blocks(lines[body_start:footer_start]), [])
    _, sections = stage(lambda: build_sections(blocks), ([], []))
    plan["sections"] = stage(lambda: [section_to_dict(s) for s in sections], [])
    doc_date = _date(plan["date"])
    body_text = "\n".join(block.text for block in blocks)
    plan["references"] = stage(lambda: find_references(body_text, plan["number"]), [])
    occasion_text = f"{plan['title'] or ''}\n{body_text}"
    plan["occasions"] = stage(lambda: find_occasions(occasion_text, doc_date), [])
    plan["tasks"], plan["reporting"] = stage(lambda: build_tasks(sections, doc_date), ([], []))
    plan["recipients"], signer = stage(
        lambda: parse_footer(lines[footer_start:]), ([], plan["signer"])
    )
    plan["signer"] = signer
    return plan


def _header_end(lines: list[str]) -> int:
    """Without a document type line: the header ends where the body visibly starts."""
    for index, line in enumerate(lines[:40]):
        if is_section_line(line) or len(fold_spaces(line).split()) >= 15:
            return index
    return 0


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
