"""Tasks and reporting duties, read off the section tree."""

from __future__ import annotations

import datetime as dt
import re

from .body import Node, iter_nodes, node_parts
from .dates import period_end
from .normalise import fold_spaces, key, skeleton, strip_entry

_EXCLUDED_SECTIONS = (
    "MUC DICH",
    "YEU CAU",
    "CAN CU",
    "KINH PHI",
    "TINH HINH",
    "KET QUA",
    "DANH GIA",
    "CHE DO BAO CAO",
    "THOI GIAN",
    "DIA DIEM",
    "THANH PHAN",
    "DOI TUONG",
    "KHEN THUONG",
    "DU TRU KINH PHI",
)
_UNIT_STARTS = (
    "BAN ",
    "BCH",
    "BTV",
    "VAN PHONG",
    "LIEN DOAN",
    "LDLD",
    "CONG DOAN",
    "CD ",
    "CDCS",
    "DOAN ",
    "TINH DOAN",
    "HUYEN DOAN",
    "THANH DOAN",
    "CHI DOAN",
    "HOI ",
    "UY BAN",
    "UBND",
    "PHONG ",
    "SO ",
    "CAC ",
    "CHI BO",
    "DANG UY",
    "DANG BO",
    "TINH UY",
    "HUYEN UY",
    "THANH UY",
    "THUONG TRUC",
    "TRUNG TAM",
    "CO QUAN",
    "TRUONG ",
    "MAT TRAN",
    "CONG AN",
    "QUAN SU",
    "BO ",
    "NGANH ",
    "DON VI",
    "CAP UY",
    "TO ",
    "KHOI ",
    "TIEU BAN",
    "BCD",
    "BAO ",
    "DAI ",
    "HOI DONG",
    "CAN BO",
    "DOAN VIEN",
    "NGUOI ",
    "MTTQ",
    "UBMTTQ",
    "HOI LHPN",
    "CUM ",
    "THANH VIEN",
    "CHU TICH",
    "HIEU TRUONG",
    "GIAM DOC",
    "TRUONG BAN",
    "LANH DAO",
    "TONG ",
    "TRAM ",
    "HOI LIEN HIEP",
    "HUYEN ",
    "THANH PHO ",
    "XA ",
    "THON",
    "BUON ",
)
# Verbs that end the subject of a duty sentence: 'Các CĐCS | xây dựng kế hoạch…'.
_VERBS = tuple(
    v + " "
    for v in (
        "TUYEN TRUYEN",
        "PHOI HOP",
        "CHI DAO",
        "TRIEN KHAI",
        "TO CHUC",
        "THUC HIEN",
        "VAN DONG",
        "XAY DUNG",
        "BAO CAO",
        "HUONG DAN",
        "KIEM TRA",
        "CHU TRI",
        "THAM MUU",
        "THEO DOI",
        "QUAN TAM",
        "CAN CU",
        "TICH CUC",
        "CHU DONG",
        "TONG HOP",
        "DANG KY",
        "GUI",
        "CO TRACH NHIEM",
        "NGHIEM TUC",
        "DAY MANH",
        "LANH DAO",
        "BO TRI",
        "DAM BAO",
        "BAO DAM",
        "HO TRO",
        "TAO DIEU KIEN",
        "DON DOC",
        "PHAN CONG",
        "THANH LAP",
        "LUA CHON",
        "CU",
        "DE XUAT",
        "RA SOAT",
        "TANG CUONG",
        "TIEP TUC",
        "LAM",
        "LA",
        "CHUAN BI",
        "BO SUNG",
        "THONG TIN",
        "DANG TAI",
        "MO",
        "CUNG CAP",
        "VAN DUNG",
        "PHAT DONG",
        "HUONG UNG",
        "NANG CAO",
        "KIP THOI",
    )
)
_ROMANS = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX".split()
_UNIT_PREFIXES = ("DOI VOI ", "DE NGHI ")
_LABELS = {
    "audiences": ("DOI TUONG",),
    "time": ("THOI GIAN",),
    "form": ("HINH THUC",),
    "responsible": ("DON VI THUC HIEN", "DON VI CHU TRI", "CHU TRI", "PHU TRACH"),
}
_REPORT_RE = re.compile(r"BAO\s+CAO(?!\s+VIEN)")
_VIA_RE = re.compile(r"[^.;]{0,160}?\s(?:GUI\s+)?VE\s+(?=\S)")
_PERIODIC_RE = re.compile(r"\s*,?\s*DINH\s+KY\s+")
_TO_STOP_RE = re.compile(
    r"\s*[(,;.:]|\s+(?:TRUOC|THEO|QUA|DINH KY|DE|VAO|TRONG|HANG|KHI|SAU|BANG|CHAM NHAT|"
    r"TRUC TIEP|DUOI|TAI|LAM|NHU)\b"
)
_FREQ_RE = re.compile(
    r"^(\d+ THANG(?: DAU NAM| CUOI NAM)?|THANG|QUY|NAM|TUAN|CUOI NAM|"
    r"DOT XUAT|DINH KY)$"
)
_EVERY_RE = re.compile(r"\b(?:DINH KY\s+)?(?:HANG|HANG)\s+(THANG|QUY|NAM|TUAN)\b")


def classify_sections(sections: list[Node]) -> tuple[list[Node], Node | None]:
    """(content sections, the TỔ CHỨC THỰC HIỆN section or None)."""
    keys = [key(s.text) for s in sections]
    purpose = next(
        (i for i, k in enumerate(keys) if "MUC DICH" in k or k.startswith("YEU CAU")), None
    )
    organise = next((i for i, k in enumerate(keys) if "TO CHUC THUC HIEN" in k), None)
    start = 0 if purpose is None else purpose + 1
    end = len(sections) if organise is None else organise
    content = [
        s
        for s, k in zip(sections[start:end], keys[start:end], strict=True)
        if not k.startswith(_EXCLUDED_SECTIONS)
    ]
    return content, sections[organise] if organise is not None else None


def build_tasks(sections: list[Node], doc_date: dt.date | None) -> tuple[list[dict], list[dict]]:
    """(tasks, reporting duties)."""
    content, organise = classify_sections(sections)
    tasks: list[dict] = []
    units: dict[int, str] = {}
    position = {id(section): index for index, section in enumerate(sections)}
    for section in content:
        for child in section.children:
            if child.number is not None:
                ref = _ref(section, child, position[id(section)])
                tasks.append(_task(ref, child, [], doc_date))
    if organise is not None:
        for child in organise.children:
            if child.number is None:
                continue
            heading, text = node_parts(child)
            unit = _unit_name(heading) if heading else _subject_unit(text)
            ref = _ref(organise, child, position[id(organise)])
            tasks.append(_task(ref, child, [unit] if unit else [], doc_date))
            for node in iter_nodes([child]):
                units[id(node)] = unit
    reporting: list[dict] = []
    for node in iter_nodes(sections):
        for duty in _reporting(node.text, units.get(id(node))):
            if duty not in reporting:
                reporting.append(duty)
    return tasks, reporting


def _ref(section: Node, item: Node, position: int) -> str:
    """'II.1'; a section printed without a number is named by its place (I, II, …)."""
    number = item.number or ""
    if section.number is None:
        return f"{_ROMANS[position]}.{number}" if position < len(_ROMANS) else number
    if number.startswith(section.number + "."):
        return number
    return f"{section.number}.{number}"


def _unit_name(heading: str) -> str | None:
    name = strip_entry(heading)
    skel = key(name)
    for prefix in _UNIT_PREFIXES:
        if skel.startswith(prefix):
            name = name[len(prefix) :].strip()
            return name or None
    if len(name.split()) > 15 or not (skel + " ").startswith(_UNIT_STARTS):
        return None
    return name


def _subject_unit(text: str) -> str | None:
    """The unit a duty sentence opens with: 'Đề nghị Ủy ban MTTQ xã tuyên truyền…' -> 'Ủy ban MTTQ xã'."""
    words = text.split()
    keys = [k.strip(",;.:") for k in key(text).split()]
    if len(words) != len(keys):
        return None
    start = 2 if keys[:2] == ["DE", "NGHI"] else 0
    if not (" ".join(keys[start:]) + " ").startswith(_UNIT_STARTS):
        return None
    for index in range(start + 1, min(len(keys), start + 16)):
        if (" ".join(keys[index:]) + " ").startswith(_VERBS):
            return strip_entry(" ".join(words[start:index])) or None
    return None


def _task(ref: str, node: Node, responsible: list[str], doc_date: dt.date | None) -> dict:
    heading, text = node_parts(node)
    task = {
        "ref": ref,
        "title": strip_entry(heading or text),
        "audiences": [],
        "time": None,
        "due": None,
        "form": None,
        "responsible": list(responsible),
        "details": [],
    }
    if heading and text:
        task["details"].append(strip_entry(text))
    for child in node.children:
        _route(child, task)
    task["due"] = period_end(task["time"], doc_date)
    return task


def _route(node: Node, task: dict) -> None:
    heading, text = node_parts(node)
    label = key(heading) if heading and (text or node.children) else ""
    field = next((name for name, keys in _LABELS.items() if label.startswith(keys)), None)
    if field is None:
        task["details"].append(strip_entry(node.text))
        for child in iter_nodes(node.children):
            task["details"].append(strip_entry(child.text))
        return
    entries = [strip_entry(text)] if text else []
    entries += [strip_entry(child.text) for child in iter_nodes(node.children)]
    entries = [e for e in entries if e]
    if field in ("audiences", "responsible"):
        task[field].extend(entries)
    elif entries:
        joined = "; ".join(entries)
        task[field] = joined if task[field] is None else f"{task[field]}; {joined}"


def _reporting(text: str, unit: str | None) -> list[dict]:
    text = fold_spaces(text)
    skel = skeleton(text)
    duties = []
    for match in _REPORT_RE.finditer(skel):
        # Each mention is read within a bounded window: long texts stay linear.
        window, window_skel = (
            text[match.start() : match.start() + 300],
            skel[match.start() : match.start() + 300],
        )
        head = match.end() - match.start()
        found = None
        via = _VIA_RE.match(window_skel, head)
        if via:
            found = _target(window, window_skel, via.end(), direct=False)
        if found is None:
            found = _target(window, window_skel, head, direct=True)
        if found is None:
            continue
        target, end = found
        frequency = _frequency(window, window_skel, end)
        duties.append({"by": unit, "to": target, "frequency": frequency})
    return duties


def _target(text: str, skel: str, start: int, direct: bool) -> tuple[str, int] | None:
    while start < len(text) and text[start].isspace():
        start += 1
    stop = _TO_STOP_RE.search(skel, start)
    end = stop.start() if stop else len(text)
    target = text[start:end].strip()
    if not target or not target[0].isupper() or len(target.split()) > 10:
        return None
    if direct and not (key(target) + " ").startswith(_UNIT_STARTS):
        return None
    return target, end


def _frequency(text: str, skel: str, end: int) -> list[str]:
    rest = text[end:].lstrip()
    if rest.startswith("("):
        close = rest.find(")")
        parts = _freq_items(re.split(r",|\bvà\b", rest[1:close]) if close > 0 else [])
        if parts:
            return parts
    periodic = _PERIODIC_RE.match(skel, end)
    if periodic:
        stop = re.compile(r"[.;(]").search(text, periodic.end())
        chunk = text[periodic.end() : stop.start() if stop else len(text)]
        items = []
        for part in re.split(r",|\bvà\b", chunk):
            cleaned = _freq_items([part])
            if not cleaned:
                break
            items.extend(cleaned)
        if items:
            return items
    sentence_end = skel.find(".", end)
    clause = skel[end : sentence_end if sentence_end > 0 else len(skel)]
    return [_EVERY_WORDS[m.group(1)] for m in _EVERY_RE.finditer(clause)]


_EVERY_WORDS = {"THANG": "tháng", "QUY": "quý", "NAM": "năm", "TUAN": "tuần"}


def _freq_items(parts: list[str]) -> list[str]:
    """['6 tháng', 'năm'] if every part names a period, else []."""
    items = []
    for part in parts:
        item = strip_entry(part)
        item = re.sub(r"^(hằng|hàng)\s+", "", item, flags=re.I)
        if not item or not _FREQ_RE.match(skeleton(item).upper()):
            return []
        items.append(item)
    return items
