"""Member (and unit) imports: the bytes of a sheet through chuyende.transfer as an import job
does it — read the file, match the columns from the headers, parse every mapped cell, resolve the
rows against the database (units by code, members by card number, citizen ID or name). Only
ValidationError (SheetError: the whole file) may come out; a bad cell is a row error."""

from types import SimpleNamespace

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fuzz.harness import Upload, join, split

KINDS = ("members.csv", "members.xlsx", "units.csv", "units.xlsx")
DATABASE = True


def allowed():
    from django.core.exceptions import ValidationError

    return (ValidationError,)


def test_one_input(data: bytes, context) -> None:
    from django.core.exceptions import ValidationError

    from chuyende.core import sheets
    from chuyende.transfer import members, units
    from chuyende.transfer.fields import aliases

    kind, content = split(data, KINDS)
    engine_name, extension = kind.split(".")
    engine = members if engine_name == "members" else units
    try:
        table = sheets.read_table(
            Upload(content, f"nhap.{extension}"), aliases=aliases(engine_name)
        )
        raw = {"file": "fuzz", "headers": table.headers, "rows": list(table.rows())}
    except ValidationError as error:
        assert error.messages
        return
    mapping = sheets.match_headers(raw["headers"], aliases(engine_name))
    job = SimpleNamespace(
        kind=engine_name, mapping=mapping, unit=context.province, unit_id=context.province.pk
    )
    parsed = engine.parse(job, raw)
    outcome = engine.resolve(job, parsed)
    assert outcome.total == len(raw["rows"])
    for error in outcome.errors:
        assert isinstance(error.row, int) and isinstance(error.message, str) and error.message


def seeds() -> dict[str, bytes]:
    from fuzz import seeds

    members, units = seeds.member_rows(), seeds.unit_rows()
    return {
        "members.csv": join("members.csv", seeds.csv_bytes(members), KINDS),
        "members.xlsx": join("members.xlsx", seeds.xlsx(members), KINDS),
        "units.csv": join("units.csv", seeds.csv_bytes(units), KINDS),
        "units.xlsx": join("units.xlsx", seeds.xlsx(units), KINDS),
    }


if __name__ == "__main__":
    from fuzz.harness import main

    main(test_one_input, database=DATABASE)
