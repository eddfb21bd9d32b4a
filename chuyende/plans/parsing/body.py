"""The body: numbered sections, items and bullets as a tree."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .layout import ROMAN, ROMAN_RE
from .normalise import (
    fold_spaces,
    is_separator,
    is_upper_text,
    key,
    split_bullet,
    starts_lower,
    strip_heading,
)

_NUM_MULTI_RE = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})+)\.?\s*\)?\s*(?=[^\W\d_]|[“\"(‘'])(.*)$")
_NUM_RE = re.compile(r"^\s*(\d{1,2})\s*(?:[.)]|[-–](?=\s))\s*(?=[^\W\d_]|[“\"(‘'])(.*)$")
_LETTER_RE = re.compile(r"^\s*([a-zđ])\s*[.)]\s+(?=\S)(.*)$")
_LABEL_RE = re.compile(r"^([^:;.()]{2,60}?)\s*:\s*(.*)$")
SECTION_KEYS = (
    "MUC DICH",
    "YEU CAU",
    "NOI DUNG",
    "TO CHUC THUC HIEN",
    "KINH PHI",
    "THOI GIAN",
    "PHAN CONG",
    "CHE DO BAO CAO",
    "DOI TUONG",
    "HINH THUC",
    "NHIEM VU",
    "GIAI PHAP",
    "CAC HOAT DONG",
    "CHUONG TRINH",
    "TIEN DO",
    "DIEU KIEN",
    "CAN CU",
    "KHEN THUONG",
    "THANH PHAN",
    "DIA DIEM",
    "TINH HINH",
    "KET QUA",
    "DANH GIA",
    "TRACH NHIEM",
)
_CLOSING_STARTS = (
    "TREN DAY",
    "TRONG QUA TRINH",
    "QUA TRINH THUC HIEN",
    "NHAN DUOC",
    "MOI THONG TIN",
    "DE NGHI CAC",
    "YEU CAU CAC",
)
_CLOSING_SUBJECTS = (
    "BAN THUONG VU",
    "BAN CHAP HANH",
    "THUONG TRUC",
    "UY BAN NHAN DAN",
    "UBND",
    "BAN THUONG TRUC",
    "BCH",
    "BTV",
    "TINH UY",
    "HUYEN UY",
    "DANG UY",
)


@dataclass
class Block:
    kind: str  # roman, bare, num, letter, bullet, para
    number: str | None
    text: str
    bullet: str | None = None


@dataclass
class Node:
    kind: str
    number: str | None
    text: str
    bullet: str | None = None
    depth: int = 0
    children: list[Node] = field(default_factory=list)
    bullet_order: list[str] = field(default_factory=list)


def _classify(line: str) -> Block:
    match = ROMAN_RE.match(line)
    if match and match.group(1) in ROMAN and len(match.group(2).split()) <= 25:
        return Block("roman", match.group(1), match.group(2).strip())
    match = _NUM_MULTI_RE.match(line)
    if match:
        return Block("num", match.group(1), match.group(2).strip())
    match = _NUM_RE.match(line)
    if match:
        return Block("num", match.group(1), match.group(2).strip())
    match = _LETTER_RE.match(line)
    if match:
        return Block("letter", match.group(1), match.group(2).strip())
    bullet = split_bullet(line)
    if bullet:
        return Block("bullet", None, bullet[1], bullet[0])
    if (
        is_upper_text(line)
        and len(line.split()) <= 12
        and not line.endswith(".")
        and key(line).startswith(SECTION_KEYS)
    ):
        return Block("bare", None, line.strip())
    return Block("para", None, line)


def make_blocks(lines: list[str]) -> list[Block]:
    """Classified blocks, with wrapped lines joined back into their paragraph."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    wide = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0
    blocks: list[Block] = []
    blank = False
    prev_len = 0
    for raw in lines:
        line = fold_spaces(raw)
        if not line or is_separator(line):
            blank = True
            continue
        block = _classify(line)
        if block.kind == "para" and blocks and _continues(blocks[-1], line, blank, prev_len, wide):
            blocks[-1].text += " " + line
        else:
            blocks.append(block)
        prev_len = len(line)
        blank = False
    return blocks


def _continues(prev: Block, line: str, blank: bool, prev_len: int, wide: int) -> bool:
    if prev.kind in ("roman", "bare") or prev.text.endswith((".", ":", "!", "?")):
        return False
    if starts_lower(line) or line[:1] in ",;)–":
        return True
    if prev.text.endswith(";"):
        return False
    return not blank and wide >= 50 and prev_len >= 0.7 * wide


def build_sections(blocks: list[Block]) -> tuple[list[Block], list[Node]]:
    """(preamble blocks, top-level section nodes)."""
    arabic = not any(b.kind == "roman" for b in blocks) and _arabic_sections(blocks)
    bare = not any(b.kind == "roman" for b in blocks) and not arabic
    preamble: list[Block] = []
    sections: list[Node] = []
    stack: list[Node] = []
    last_structured = max((i for i, b in enumerate(blocks) if b.kind != "para"), default=-1)
    for index, block in enumerate(blocks):
        is_section = (
            block.kind == "roman"
            or (bare and block.kind == "bare")
            or (arabic and block.kind == "num" and "." not in block.number)
        )
        if is_section:
            node = Node("section", block.number, block.text)
            sections.append(node)
            stack = [node]
            continue
        if not sections:
            preamble.append(block)
            continue
        if block.kind == "bare":
            block = Block("para", None, block.text)
        _attach(stack, block, arabic, index > last_structured and _is_closing(block))
    return preamble, sections


def _arabic_sections(blocks: list[Block]) -> bool:
    tops = [b for b in blocks if b.kind == "num" and "." not in b.number]
    headed = [b for b in tops if is_upper_text(b.text) or key(b.text).startswith(SECTION_KEYS)]
    return len(headed) >= 2


def _is_closing(block: Block) -> bool:
    """The closing paragraph after the last item ('Trên đây là…', '…hướng dẫn./.')."""
    if block.kind != "para":
        return False
    skel = key(block.text)
    if block.text.rstrip().endswith("/.") or skel.startswith(_CLOSING_STARTS):
        return True
    return skel.startswith(_CLOSING_SUBJECTS) and ("DE NGHI" in skel or "YEU CAU" in skel)


def _attach(stack: list[Node], block: Block, arabic: bool, closing: bool) -> None:
    section = stack[0]
    if closing:
        del stack[1:]
        section.children.append(Node("para", None, block.text))
        return
    if block.kind == "num":
        depth = block.number.count(".") + (0 if arabic else 1)
        while len(stack) > 1 and not (stack[-1].kind == "num" and stack[-1].depth < depth):
            stack.pop()
        node = Node("num", block.number, block.text, depth=depth)
    elif block.kind == "letter":
        while len(stack) > 1 and stack[-1].kind not in ("num", "letter"):
            stack.pop()
        if stack[-1].kind == "letter":
            stack.pop()
        node = Node("letter", block.number, block.text, depth=stack[-1].depth + 1)
    elif block.kind == "bullet":
        anchor = len(stack) - 1
        while stack[anchor].kind not in ("section", "num", "letter"):
            anchor -= 1
        order = stack[anchor].bullet_order
        if block.bullet not in order:
            order.append(block.bullet)
        level = order.index(block.bullet)
        while len(stack) - 1 > anchor and not (
            stack[-1].kind == "bullet" and order.index(stack[-1].bullet) < level
        ):
            stack.pop()
        node = Node("bullet", None, block.text, bullet=block.bullet)
    else:
        top = stack[-1]
        if top.kind == "bullet" and top.text.rstrip().endswith(":"):
            top.children.append(Node("para", None, block.text))
            return
        while len(stack) > 1 and stack[-1].kind not in ("num", "letter"):
            stack.pop()
        stack[-1].children.append(Node("para", None, block.text))
        return
    stack[-1].children.append(node)
    stack.append(node)


def split_label(text: str) -> tuple[str, str] | None:
    """('Thời gian', 'Quý 1/2024') for 'Thời gian: Quý 1/2024'."""
    match = _LABEL_RE.match(text)
    if not match:
        return None
    label = match.group(1).strip()
    words = label.split()
    if not words or len(words) > 8 or not label[0].isupper() or re.search(r"\d{3,}", label):
        return None
    return label, match.group(2).strip()


def node_parts(node: Node) -> tuple[str | None, str]:
    """(heading, text) of an item, as the spec's item object holds them."""
    text = fold_spaces(node.text)
    label = split_label(text)
    if label:
        return label
    if node.children and len(text.split()) <= 40:
        return strip_heading(text) or None, ""
    return None, text


def node_to_item(node: Node) -> dict:
    heading, text = node_parts(node)
    return {
        "number": node.number,
        "heading": heading,
        "text": text,
        "items": [node_to_item(child) for child in node.children],
    }


def section_to_dict(node: Node) -> dict:
    return {
        "number": node.number,
        "heading": strip_heading(node.text) or None,
        "items": [node_to_item(child) for child in node.children],
    }


def iter_nodes(nodes: list[Node]):
    for node in nodes:
        yield node
        yield from iter_nodes(node.children)
