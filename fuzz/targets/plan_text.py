"""Plan text: any text (the bytes as UTF-8) through every stage of the plan parser, strictly —
parse_plan_text must never lose a stage to an exception, so no exception at all may come out."""

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

KINDS = ("text",)
DATABASE = False


def allowed():
    return ()


def test_one_input(data: bytes, context=None) -> None:
    from chuyende.plans.parsing import KEYS
    from chuyende.plans.parsing.plan import parse_plan_text_strict

    plan = parse_plan_text_strict(data.decode("utf-8", "replace"), strict=True)
    assert tuple(plan) == KEYS


def seeds() -> dict[str, bytes]:
    from fuzz import seeds

    return {f"{name}.txt": text.encode("utf-8") for name, text in seeds.plan_texts().items()}


if __name__ == "__main__":
    from fuzz.harness import main

    main(test_one_input, database=DATABASE)
