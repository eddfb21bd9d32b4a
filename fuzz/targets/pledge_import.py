"""Pledge imports: the bytes of a sheet through chuyende.pledges.imports.import_check for a
grassroots union with members and the year's template (each input in a transaction rolled back).
Only ValidationError (SheetError) may come out; a wrong row is a row error."""

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fuzz.harness import Upload, join, split

KINDS = (".xlsx", ".csv", ".ods")
DATABASE = True


def allowed():
    from django.core.exceptions import ValidationError

    return (ValidationError,)


class _Rollback(Exception):
    pass


def test_one_input(data: bytes, context) -> None:
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from chuyende.pledges.imports import import_check

    kind, content = split(data, KINDS)
    try:
        with transaction.atomic():
            batch = import_check(
                unit=context.union,
                template=context.template,
                file=Upload(content, f"ban-cam-ket{kind}"),
                acting_user=context.user,
            )
            assert batch.total_rows >= 1
            for error in batch.errors:
                assert error["row"] >= 1 and error["column"] and error["message"]
            raise _Rollback
    except _Rollback:
        pass
    except ValidationError as error:
        assert error.messages


def seeds() -> dict[str, bytes]:
    from fuzz import seeds

    rows = seeds.pledge_rows()
    return {
        "pledges.xlsx": join(".xlsx", seeds.xlsx(rows), KINDS),
        "pledges.csv": join(".csv", seeds.csv_bytes(rows), KINDS),
    }


if __name__ == "__main__":
    from fuzz.harness import main

    main(test_one_input, database=DATABASE)
