"""Question banks: the bytes of an .xlsx, .csv, .ods or .docx through
chuyende.contests.imports.read_bank. Only ValidationError may come out; a bad question is a row
error with its row, column and message."""

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fuzz.harness import Upload, join, split

KINDS = (".xlsx", ".csv", ".docx", ".ods", ".xls")
DATABASE = False


def allowed():
    from django.core.exceptions import ValidationError

    return (ValidationError,)


def test_one_input(data: bytes, context=None) -> None:
    from django.core.exceptions import ValidationError

    from chuyende.contests.imports import read_bank

    kind, content = split(data, KINDS)
    try:
        questions, errors = read_bank(Upload(content, f"ngan-hang{kind}"))
    except ValidationError as error:
        assert error.messages
        return
    for question in questions:
        assert question["text"] and len(question["options"]) >= 2
        assert question["correct"] and all(
            0 <= index < len(question["options"]) for index in question["correct"]
        )
        assert question["difficulty"] in (1, 2, 3)
    for error in errors:
        assert isinstance(error.row, int) and str(error.column) and str(error.message)


def seeds() -> dict[str, bytes]:
    from fuzz import seeds

    rows = seeds.question_rows()
    return {
        "bank.xlsx": join(".xlsx", seeds.xlsx(rows), KINDS),
        "bank.csv": join(".csv", seeds.csv_bytes(rows), KINDS),
        "bank.docx": join(".docx", seeds.question_docx(), KINDS),
    }


if __name__ == "__main__":
    from fuzz.harness import main

    main(test_one_input, database=DATABASE)
