"""Text normalisation shared by the plan parser: NFC, spaces, dashes, bullets, old spellings."""

from __future__ import annotations

import re
import unicodedata

# Upper-case Vietnamese letters, for character classes (re has no \p{Lu}).
UPPER = "A-ZÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ"
LOWER = "a-zàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"

DASHES = "-–—−‐‑‒―"

_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"
_TRANSLATE: dict[int, str | None] = {ord(c): " " for c in _SPACES}
_TRANSLATE.update({ord(c): None for c in _INVISIBLE})
_TRANSLATE.update({0x0B: "\n", 0x0C: "\n", 0x1C: "\n", 0x1D: "\n", 0x1E: "\n", 0x85: "\n"})
_TRANSLATE.update({0x2028: "\n", 0x2029: "\n"})
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")

# Old-style tone placement (hoà, uỷ) -> new style (hòa, ủy), for matching only.
_OLD_SPELLING = {}
for _old, _new in [
    ("oà", "òa"),
    ("oá", "óa"),
    ("oả", "ỏa"),
    ("oã", "õa"),
    ("oạ", "ọa"),
    ("oè", "òe"),
    ("oé", "óe"),
    ("oẻ", "ỏe"),
    ("oẽ", "õe"),
    ("oẹ", "ọe"),
    ("uỳ", "ùy"),
    ("uý", "úy"),
    ("uỷ", "ủy"),
    ("uỹ", "ũy"),
    ("uỵ", "ụy"),
]:
    _OLD_SPELLING[_old] = _new
    _OLD_SPELLING[_old.upper()] = _new.upper()
    _OLD_SPELLING[_old[0].upper() + _old[1]] = _new[0].upper() + _new[1]
_OLD_RE = re.compile("|".join(sorted(_OLD_SPELLING, key=len, reverse=True)))

_BULLET_CLASSES = {c: "dash" for c in DASHES}
_BULLET_CLASSES.update(
    {
        "+": "plus",
        "•": "dot",
        "●": "dot",
        "▪": "dot",
        "■": "dot",
        "◦": "circle",
        "○": "circle",
        "·": "dot",
        "*": "star",
        "∙": "dot",
        "➢": "arrow",
        "➤": "arrow",
        "►": "arrow",
        "": "dot",
        "✓": "check",
    }
)
BULLET_RE = re.compile(r"^\s*([" + re.escape("".join(_BULLET_CLASSES)) + r"])\s*(?=\S)(.*)$")
SEPARATOR_RE = re.compile(r"^[\s\-–—_=*~.·•oO0|]*[\-–—_=*~|][\s\-–—_=*~.·•oO0|]*$")
_SKELETON_CACHE: dict[str, str] = {}


def normalise_text(text: str) -> str:
    """NFC, Unix newlines, exotic spaces to plain spaces, control characters dropped."""
    text = _SURROGATE_RE.sub("\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TRANSLATE)
    text = _CONTROL_RE.sub(" ", text.replace("\t", "\x01")).replace("\x01", "\t")
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def fold_spaces(text: str) -> str:
    return " ".join(text.split())


def fold_old_spelling(text: str) -> str:
    """'CỘNG HOÀ', 'UỶ BAN' -> 'CỘNG HÒA', 'ỦY BAN'."""
    return _OLD_RE.sub(lambda m: _OLD_SPELLING[m.group(0)], text)


def _skeleton_char(char: str) -> str:
    cached = _SKELETON_CACHE.get(char)
    if cached is None:
        if char in "đĐ":
            cached = "D"
        else:
            base = unicodedata.normalize("NFD", char)[:1] or char
            upper = base.upper()
            cached = upper if len(upper) == 1 else base
        _SKELETON_CACHE[char] = cached
    return cached


def skeleton(text: str) -> str:
    """Upper case without diacritics, one character per input character (offsets line up)."""
    return "".join(_skeleton_char(c) for c in text)


def key(text: str) -> str:
    """Comparison key: skeleton with spaces folded."""
    return fold_spaces(skeleton(text))


def is_upper_text(text: str, ratio: float = 0.9) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2:
        return False
    return sum(1 for c in letters if c.isupper()) >= ratio * len(letters)


def starts_lower(text: str) -> bool:
    stripped = text.lstrip(" \t“\"'(")
    return bool(stripped) and stripped[0].islower()


def bullet_class(char: str) -> str:
    return _BULLET_CLASSES.get(char, "dash")


def split_bullet(line: str) -> tuple[str, str] | None:
    """('dash', 'text') for a bulleted line, else None."""
    match = BULLET_RE.match(line)
    if not match:
        return None
    text = match.group(2).strip()
    if match.group(1) in DASHES and text[:1].isdigit() and not text[1:2].isspace():
        return None  # a negative number or a date range, not a bullet
    if match.group(1) == "*" and text.startswith("*"):
        return None
    return bullet_class(match.group(1)), text


def is_separator(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and bool(SEPARATOR_RE.match(stripped))


def strip_entry(text: str) -> str:
    """A list entry without its bullet, trailing ';', '.', ',' or the closing './.'."""
    text = fold_spaces(text)
    bullet = split_bullet(text)
    if bullet:
        text = bullet[1]
    while text and (text[-1] in ";.,/ " or text.endswith("./.")):
        text = text[:-1].rstrip()
    return text


def strip_heading(text: str) -> str:
    text = fold_spaces(text)
    while text and text[-1] in ";.,:/ ":
        text = text[:-1].rstrip()
    return text


def dash_to_hyphen(text: str) -> str:
    return re.sub("[" + DASHES + "]", "-", text)
