"""Every fixture document parses to its hand-written expected JSON, key by key."""

import json
from pathlib import Path

import pytest

from chuyende.plans.parsing import KEYS, parse_plan_text

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).resolve().parents[2] / "demo" / "data" / "ke-hoach-26-KH-LDLD-2024.txt"
DOCUMENTS = sorted(path.stem for path in FIXTURES.glob("*.txt"))


def _expected(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))


def _assert_same(result: dict, expected: dict) -> None:
    assert list(result) == list(KEYS)
    assert set(expected) == set(KEYS)
    for key in KEYS:  # one key at a time, so a failure names the field
        assert result[key] == expected[key], key


def test_at_least_twelve_fixture_documents_each_with_an_expectation():
    assert len(DOCUMENTS) >= 12
    for name in DOCUMENTS:
        assert (FIXTURES / f"{name}.expected.json").is_file(), name


def test_seed_plan_parses_to_the_full_expected_plan():
    result = parse_plan_text(SEED.read_text(encoding="utf-8"))
    _assert_same(result, _expected("seed"))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_fixture_document_parses_to_its_expected_plan(name):
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    _assert_same(parse_plan_text(text), _expected(name))


def test_nfd_fixture_is_really_decomposed_and_output_is_nfc():
    import unicodedata

    raw = (FIXTURES / "cdcs-nfd-tab-columns.txt").read_text(encoding="utf-8")
    assert not unicodedata.is_normalized("NFC", raw)
    dumped = json.dumps(parse_plan_text(raw), ensure_ascii=False)
    assert unicodedata.is_normalized("NFC", dumped)


def test_crlf_and_tabs_do_not_change_the_seed_result():
    text = SEED.read_text(encoding="utf-8")
    mangled = text.replace("\n", "\r\n").replace("  ", "\t ")
    result = parse_plan_text(mangled)
    expected = _expected("seed")
    for key in ("kind", "number", "issuer", "issuer_parent", "place", "date", "title", "tasks"):
        assert result[key] == expected[key], key
