"""The footer: Nơi nhận (recipients) and the signature block."""

from __future__ import annotations

import re

from .layout import AUTHORITY_RE
from .normalise import fold_spaces, is_separator, is_upper_text, skeleton, split_bullet, strip_entry

_NOI_NHAN_RE = re.compile(r"^\s*[-–*]?\s*NOI\s+NHAN\s*[:.]?\s*")
_PLACEHOLDER_RE = re.compile(
    r"^[\s(\[]*(DA\s*KY|DA\s*KI|KY\s*TEN|KY|CHU\s*KY|SIGNED|KY\s*(VA|,)?\s*DONG\s*DAU|DA\s*KY\s*VA"
    r"\s*DONG\s*DAU|KY\s*,?\s*GHI\s*RO\s*HO\s*TEN|KY\s*TEN\s*,?\s*DONG\s*DAU|DAU)[\s.)\]]*"
    r"([\s(]*(VA|,)?\s*(DONG\s*DAU|GHI\s*RO\s*HO\s*TEN)[\s.)]*)?$"
)
_PURPOSE_RE = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*[;.,]*\s*$")
_NAME_WORD_RE = re.compile(r"^[^\W\d_][^\W\d_'’]*(?:['’][^\W\d_]*)?$")


def _is_name(fragment: str) -> bool:
    words = fragment.split()
    if not 2 <= len(words) <= 6:
        return False
    return all(
        _NAME_WORD_RE.match(w)
        and w[0].isupper()
        and not w[1:].isupper()
        or (len(w) == 1 and w.isupper())
        for w in words
    )


def parse_footer(lines: list[str]) -> tuple[list[dict], dict]:
    """(recipients, signer) of the lines from the footer start to the end."""
    recipients: list[dict] = []
    signer = {"authority": None, "position": None, "name": None}
    authorities: list[str] = []
    positions: list[str] = []
    in_recipients = False
    for line in lines:
        after_recipient = False
        for fragment in re.split(r"\t+|\s{3,}", line.strip()):
            fragment = fragment.strip()
            if not fragment or is_separator(fragment):
                continue
            skel = skeleton(fragment)
            if _PLACEHOLDER_RE.match(skel):
                continue
            was_after, after_recipient = after_recipient, False
            if (
                was_after
                and recipients
                and fragment.startswith("(")
                and fragment.rstrip(" ;.,").endswith(")")
            ):
                if recipients[-1]["purpose"] is None:  # '- Ban TG Tỉnh ủy      (Báo cáo)'
                    recipients[-1]["purpose"] = fold_spaces(fragment.rstrip(" ;.,")[1:-1]) or None
                    continue
            label = _NOI_NHAN_RE.match(skel)
            if label:
                in_recipients = True
                rest = fragment[label.end() :].strip()
                if rest:
                    _add_recipient(recipients, rest)
                continue
            bullet = split_bullet(fragment)
            if bullet or skel.startswith("LUU"):
                _add_recipient(recipients, bullet[1] if bullet else fragment)
                in_recipients = after_recipient = True
                continue
            if AUTHORITY_RE.match(skel) and is_upper_text(fragment):
                authorities.append(fold_spaces(fragment))
                continue
            if is_upper_text(fragment) and signer["name"] is None:
                if len(positions) < 2 and len(fragment.split()) <= 8:
                    positions.append(fold_spaces(fragment))
                continue
            if _is_name(fragment) and signer["name"] is None and (authorities or positions):
                signer["name"] = fold_spaces(fragment)
                continue
            if in_recipients and recipients and fragment[:1].islower():
                last = recipients[-1]
                last["raw"] = fold_spaces(f"{last['raw']} {fragment}")
                last["name"], last["purpose"] = last["raw"], None
                _split_purpose(last)
                continue
            if _is_name(fragment) and signer["name"] is None:
                signer["name"] = fold_spaces(fragment)
    for entry in recipients:
        entry.pop("raw", None)
    if authorities:
        signer["authority"] = " ".join(authorities)
    if positions:
        signer["position"] = " ".join(positions)
    return recipients, signer


def _add_recipient(recipients: list[dict], text: str) -> None:
    entry = {"name": fold_spaces(text), "purpose": None, "raw": fold_spaces(text)}
    _split_purpose(entry)
    if entry["name"]:
        recipients.append(entry)


def _split_purpose(entry: dict) -> None:
    text = entry["name"]
    match = _PURPOSE_RE.match(text)
    if match and match.group(1).strip():
        entry["name"] = strip_entry(match.group(1))
        entry["purpose"] = fold_spaces(match.group(2)) or None
    else:
        entry["name"] = strip_entry(text)
