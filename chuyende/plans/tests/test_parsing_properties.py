"""Mangled input never breaks the parser: it returns every key with the right type."""

import datetime as dt
import json
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chuyende.plans.parsing import KEYS, parse_plan_text
from chuyende.plans.parsing.plan import parse_plan_text_strict

SEED = Path(__file__).resolve().parents[2] / "demo" / "data" / "ke-hoach-26-KH-LDLD-2024.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")
FIXTURE_TEXTS = [
    p.read_text(encoding="utf-8")
    for p in sorted((Path(__file__).parent / "fixtures").glob("*.txt"))
]
DOCUMENTS = [SEED_TEXT, *FIXTURE_TEXTS]
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_OPTIONAL_TEXT = ("kind", "number", "issuer", "issuer_parent", "place", "date", "title")


def _opt_str(value) -> bool:
    return value is None or isinstance(value, str)


def _iso(value) -> bool:
    if value is None:
        return True
    dt.date.fromisoformat(value)
    return True


def _check_item(item: dict) -> None:
    assert set(item) == {"number", "heading", "text", "items"}
    assert _opt_str(item["number"]) and _opt_str(item["heading"])
    assert isinstance(item["text"], str)
    assert isinstance(item["items"], list)
    for child in item["items"]:
        _check_item(child)


def check_plan(plan: dict) -> None:
    assert list(plan) == list(KEYS)
    for key in _OPTIONAL_TEXT:
        assert _opt_str(plan[key]), key
    assert _iso(plan["date"])
    for ref in plan["references"]:
        assert set(ref) == {"number", "date"} and isinstance(ref["number"], str)
        assert _iso(ref["date"])
    for section in plan["sections"]:
        assert set(section) == {"number", "heading", "items"}
        assert _opt_str(section["number"]) and _opt_str(section["heading"])
        for item in section["items"]:
            _check_item(item)
    for task in plan["tasks"]:
        assert list(task) == [
            "ref",
            "title",
            "audiences",
            "time",
            "due",
            "form",
            "responsible",
            "details",
        ]
        assert isinstance(task["ref"], str) and isinstance(task["title"], str)
        assert _opt_str(task["time"]) and _opt_str(task["form"]) and _iso(task["due"])
        for key in ("audiences", "responsible", "details"):
            assert all(isinstance(entry, str) for entry in task[key]), key
    for occasion in plan["occasions"]:
        assert set(occasion) == {"date", "name"} and isinstance(occasion["name"], str)
        assert _iso(occasion["date"])
    for duty in plan["reporting"]:
        assert set(duty) == {"by", "to", "frequency"}
        assert _opt_str(duty["by"]) and isinstance(duty["to"], str)
        assert all(isinstance(f, str) for f in duty["frequency"])
    for recipient in plan["recipients"]:
        assert set(recipient) == {"name", "purpose"}
        assert isinstance(recipient["name"], str) and _opt_str(recipient["purpose"])
    assert set(plan["signer"]) == {"authority", "position", "name"}
    assert all(_opt_str(v) for v in plan["signer"].values())
    dumped = json.dumps(plan, ensure_ascii=False)
    assert unicodedata.is_normalized("NFC", dumped)


def check(text: str) -> None:
    check_plan(parse_plan_text(text))
    check_plan(parse_plan_text_strict(text))  # a bug in any stage shows up here


@st.composite
def whitespace_mangled(draw):
    text = draw(st.sampled_from(DOCUMENTS))
    inserts = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(text)),
                st.sampled_from(
                    [" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u200b", "\n\n", "   |   "]
                ),
            ),
            max_size=40,
        )
    )
    for position, chunk in sorted(inserts, reverse=True):
        text = text[:position] + chunk + text[position:]
    return text


@st.composite
def truncated(draw):
    text = draw(st.sampled_from(DOCUMENTS))
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, len(text)))
    return text[start:end]


@st.composite
def lines_dropped(draw):
    lines = draw(st.sampled_from(DOCUMENTS)).split("\n")
    keep = draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    return "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept)


@SETTINGS
@given(st.text(max_size=400))
def test_any_string_gives_a_complete_plan(text):
    check(text)


@SETTINGS
@given(st.binary(max_size=2000))
def test_binary_junk_decoded_with_replacement_gives_a_complete_plan(data):
    check(data.decode("utf-8", errors="replace"))
    check(data.decode("latin-1"))


@SETTINGS
@given(whitespace_mangled())
def test_random_whitespace_gives_a_complete_plan(text):
    check(text)


@SETTINGS
@given(truncated())
def test_documents_cut_at_random_points_give_a_complete_plan(text):
    check(text)


@SETTINGS
@given(lines_dropped())
def test_documents_missing_random_lines_and_header_blocks_give_a_complete_plan(text):
    check(text)


@SETTINGS
@given(st.sampled_from(DOCUMENTS), st.sampled_from(["NFD", "NFKD", "NFKC"]))
def test_decomposed_documents_parse_like_the_composed_ones(text, form):
    check(unicodedata.normalize(form, text))
    if form == "NFD":
        assert parse_plan_text(unicodedata.normalize(form, text)) == parse_plan_text(text)


@SETTINGS
@given(
    st.lists(st.sampled_from([line for doc in DOCUMENTS for line in doc.split("\n")]), max_size=60)
)
def test_shuffled_lines_from_real_documents_give_a_complete_plan(lines):
    check("\n".join(lines))


def test_header_dropped_from_the_seed_still_reads_the_body():
    body = SEED_TEXT[SEED_TEXT.index("KẾ HOẠCH") :]
    plan = parse_plan_text(body)
    assert plan["number"] is None and plan["issuer"] is None and plan["date"] is None
    assert plan["kind"] == "KẾ HOẠCH"
    assert [task["ref"] for task in plan["tasks"]] == ["II.1", "II.2", "II.3", "III.1", "III.2"]
    assert plan["tasks"][0]["time"] == "Quý 1/2024"
    assert plan["tasks"][0]["due"] == "2024-03-31"  # the period names its own year
