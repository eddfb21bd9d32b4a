"""Plan documents: the bytes of a .txt, .docx or .pdf (or a file without a name, sniffed) read
to text and parsed into the structured plan. Only PlanReadError may come out; every stage of the
text parser runs strictly (parse_plan_text would log and skip a failing stage)."""

import io

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fuzz.harness import join, split

KINDS = (".txt", ".docx", ".pdf", "")  # "": no file name, the kind is read from the bytes
DATABASE = False


def allowed():
    from chuyende.plans.parsing import PlanReadError

    return (PlanReadError,)


def test_one_input(data: bytes, context=None) -> None:
    from chuyende.plans.parsing import KEYS, PlanReadError
    from chuyende.plans.parsing.plan import parse_plan_text_strict
    from chuyende.plans.parsing.readers import read_plan_file

    kind, content = split(data, KINDS)
    try:
        text = read_plan_file(io.BytesIO(content), filename=f"ke-hoach{kind}" if kind else None)
    except PlanReadError as error:
        assert error.message and isinstance(error.message, str)
        return
    plan = parse_plan_text_strict(text, strict=True)
    assert tuple(plan) == KEYS


def seeds() -> dict[str, bytes]:
    from fuzz import seeds

    found = {}
    for name, text in seeds.plan_texts().items():
        found[f"{name}.txt"] = join(".txt", text.encode("utf-8"), KINDS)
        found[f"{name}.cp1258.txt"] = join(".txt", text.encode("cp1258", "replace"), KINDS)
    found["seed.docx"] = join(".docx", seeds.plan_docx(), KINDS)
    found["seed.pdf"] = join(".pdf", seeds.plan_pdf(), KINDS)
    found["sniffed.pdf"] = join("", seeds.plan_pdf(), KINDS)
    return found


if __name__ == "__main__":
    from fuzz.harness import main

    main(test_one_input, database=DATABASE)
