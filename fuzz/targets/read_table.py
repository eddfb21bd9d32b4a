"""Spreadsheets: the bytes of a .csv, .xlsx, .xlsm, .ods or .xls read by
chuyende.core.sheets.read_table (with the member sheet's header aliases), every row iterated and
every cell through each cell parser. Only SheetError (the whole file) and CellError (a cell) may
come out."""

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fuzz.harness import Upload, join, split

KINDS = (".csv", ".xlsx", ".ods", ".xls", ".xlsm")
DATABASE = False
MAX_CELLS = 5000  # cells parsed per input (a big sheet is read whole, its cells sampled)


def allowed():
    from chuyende.core.sheets import SheetError

    return (SheetError,)


def test_one_input(data: bytes, context=None) -> None:
    from chuyende.core import sheets
    from chuyende.org.choices import Gender
    from chuyende.transfer.fields import aliases

    kind, content = split(data, KINDS)
    try:
        table = sheets.read_table(Upload(content, f"danh-sach{kind}"), aliases=aliases("members"))
    except sheets.SheetError as error:
        assert error.messages
        return
    assert all(isinstance(h, str) for h in table.headers)
    sheets.match_headers(table.headers, aliases("members"))
    gender = sheets.choice_parser(Gender.choices)
    parsers = (
        sheets.text,
        sheets.parse_date,
        sheets.parse_phone,
        sheets.parse_id_number,
        sheets.parse_int,
        gender,
    )
    cells = 0
    for number, values in table.rows():
        assert isinstance(number, int) and len(values) == len(table.headers)
        for value in values:
            cells += 1
            if cells > MAX_CELLS:
                continue
            for parse in parsers:
                try:
                    parse(value)
                except sheets.CellError as error:
                    assert str(error)


def seeds() -> dict[str, bytes]:
    from fuzz import seeds

    members, units = seeds.member_rows(), seeds.unit_rows()
    return {
        "members.csv": join(".csv", seeds.csv_bytes(members), KINDS),
        "members-semicolon-bom.csv": join(
            ".csv", seeds.csv_bytes(members, delimiter=";", bom=True), KINDS
        ),
        "members.xlsx": join(".xlsx", seeds.xlsx(members), KINDS),
        "units.xlsx": join(".xlsx", seeds.xlsx(units), KINDS),
        "units.csv": join(".csv", seeds.csv_bytes(units, delimiter="\t"), KINDS),
    }


if __name__ == "__main__":
    from fuzz.harness import main

    main(test_one_input, database=DATABASE)
