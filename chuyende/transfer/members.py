"""Checking a member sheet against the database, and writing it.

`check(job)` reads the file, parses every mapped cell, resolves unit codes inside the job's
subtree and matches each row to an existing member (union card number — the member code of the
Tổng Liên đoàn's software, printed on the card — else citizen ID, else name + date of birth +
unit). It returns what an import would do — new, updated, unchanged, the errors with their row,
column and message, and the active members of the sheet's units that no row matches (missing:
reported, never deleted) — in a fixed number of queries per 2,000 rows, never one per row. `write(job, outcome)` then writes it in one transaction: COPY on PostgreSQL,
batched inserts elsewhere, one audit row for the import and one per updated member, and the
member tallies (chuyende.org.tallies) of the units written and those above in a few statements.

A blank cell never erases a stored value: monthly updates often leave optional columns empty.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from chuyende.core import sheets
from chuyende.core.sheets import CellError, RowError
from chuyende.core.text import fold, sort_key
from chuyende.org import tallies
from chuyende.org.choices import (
    ETHNICITY_CHOICES,
    MAJORITY_ETHNICITY,
    Gender,
    MemberStatus,
    UnionPosition,
)
from chuyende.org.models import MEMBER_UNIT_KINDS, Member, Unit, member_date_errors
from chuyende.org.services import MEMBER_FIELDS

from .fields import (
    GENDER_ALIASES,
    NO_RELIGION,
    STATUS_ALIASES,
    UNION_POSITION_ALIASES,
    column_namer,
)

CHUNK = 2000
DATA_FIELDS = tuple(f for f in MEMBER_FIELDS if f != "unit")  # a member form's fields
DATA_FIELD_SET = frozenset(DATA_FIELDS)
LIMITS = {f.name: f.max_length for f in Member._meta.fields if getattr(f, "max_length", None)}


@dataclass
class Outcome:
    total: int = 0
    creates: list = field(default_factory=list)  # [(row, {field: value, "unit_id": id})]
    updates: list = field(default_factory=list)  # [(row, member, {field: new value})]
    unchanged: int = 0
    errors: list = field(default_factory=list)  # [RowError]
    # Active members of the units the sheet names whom no row matches, by id (reported only).
    missing: list = field(default_factory=list)

    @property
    def error_rows(self) -> set:
        return {e.row for e in self.errors}


def _parse_text(name):
    def parse(value):
        result = sheets.text(value)
        limit = LIMITS.get(name)
        if limit and len(result) > limit:
            raise CellError(_("Too long: at most %(limit)s characters.") % {"limit": limit})
        return result

    return parse


def _parse_email(value):
    result = sheets.text(value)
    if result:
        try:
            validate_email(result)
        except ValidationError as error:
            raise CellError(
                _("“%(value)s” is not an e-mail address.") % {"value": result}
            ) from error
    return result


def _parse_religion(value):
    result = sheets.text(value)
    return "" if fold(result) in NO_RELIGION else result[: LIMITS["religion"]]


def parsers() -> dict[str, Callable]:
    """Field → cell parser; the choice tables are built once per check, in the language then
    active (messages follow it)."""
    return {
        "unit_code": sheets.text,
        "full_name": _parse_text("full_name"),
        "gender": sheets.choice_parser(Gender.choices, aliases=GENDER_ALIASES),
        "date_of_birth": sheets.parse_date,
        "ethnicity": sheets.choice_parser(ETHNICITY_CHOICES),
        "religion": _parse_religion,
        "phone": sheets.parse_phone,
        "email": _parse_email,
        "id_number": sheets.parse_id_number,
        "card_number": lambda v: sheets.text(v).upper()[: LIMITS["card_number"] + 1],
        "job_title": _parse_text("job_title"),
        "union_position": sheets.choice_parser(
            UnionPosition.choices, aliases=UNION_POSITION_ALIASES
        ),
        "joined_on": sheets.parse_date,
        "status": sheets.choice_parser(MemberStatus.choices, aliases=STATUS_ALIASES),
    }


REQUIRED_NEW = ("full_name", "gender")


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def check(job, *, progress: Callable[[int, int], None] | None = None) -> Outcome:
    """What importing the job's file would do; nothing is written."""
    from .services import raw_rows

    return resolve(job, parse(job, raw_rows(job), progress=progress), progress=progress)


def parse(job, raw: dict, *, progress=None) -> dict:
    """Every mapped cell of the file parsed: {"headers", "rows": [[number, {field: value},
    bad]], "errors": [[row, column, message]]}. Depends on the file and the mapping only."""
    mapping = {name: int(index) for name, index in job.mapping.items()}
    headers = raw["headers"]
    column = column_namer(job, headers)
    errors = []
    rows = []
    cell_parsers = parsers()
    for number, values in raw["rows"]:
        parsed, bad = {}, False
        for name, index in mapping.items():
            parser = cell_parsers.get(name)
            if parser is None or index >= len(values):
                continue
            try:
                parsed[name] = parser(values[index])
            except CellError as error:
                errors.append([number, column(name), str(error)])
                bad = True
        rows.append([number, parsed, bad])
        if progress and len(rows) % CHUNK == 0:
            progress(len(rows), 0)
    return {"headers": headers, "rows": rows, "errors": errors}


def resolve(job, parsed: dict, *, progress=None) -> Outcome:
    """The parsed rows against the database as it is now: units, matches, duplicates."""
    rows = parsed["rows"]
    column = column_namer(job, parsed["headers"])
    mapping = job.mapping
    outcome = Outcome(errors=[RowError(*e) for e in parsed["errors"]])
    outcome.total = len(rows)
    if progress:
        progress(0, outcome.total)

    units = _units(job, {p.get("unit_code") for _n, p, _b in rows if p.get("unit_code")})
    seen_cards, seen_ids = {}, {}
    by_card = _existing("card_number", {p.get("card_number") for _n, p, _b in rows})
    by_id = _existing("id_number", {p.get("id_number") for _n, p, _b in rows})
    unkeyed_units = {
        units[p["unit_code"].upper()].pk
        for _n, p, _b in rows
        if not p.get("card_number")
        and not p.get("id_number")
        and p.get("unit_code", "").upper() in units
    }
    by_person = _existing_people(unkeyed_units)
    today = timezone.localdate()
    matched = set()  # members a row of the sheet stands for, rows with errors included

    for done, (number, parsed, bad) in enumerate(rows, start=1):
        errors = []

        def fail(name, message, errors=errors, number=number):
            errors.append(RowError(number, column(name), str(message)))

        code = parsed.get("unit_code", "")
        unit = units.get(code.upper())
        if "unit_code" not in mapping or not code:
            fail("unit_code", _("The unit code is missing."))
        elif unit is None:
            fail("unit_code", _("Unknown unit code “%(code)s”.") % {"code": code})
        elif not unit.path.startswith(job.unit.path):
            fail(
                "unit_code",
                _("The unit “%(code)s” is outside the units you import into.") % {"code": code},
            )
        elif unit.kind not in MEMBER_UNIT_KINDS:
            fail(
                "unit_code",
                _("“%(code)s” is not a grassroots union or section: members cannot belong to it.")
                % {"code": code},
            )
        card = parsed.get("card_number", "")
        if card and len(card) > LIMITS["card_number"]:
            fail("card_number", _("The union card number is too long."))
        for key, seen, label in (
            (card, seen_cards, "card_number"),
            (parsed.get("id_number", ""), seen_ids, "id_number"),
        ):
            if not key:
                continue
            if key in seen:
                fail(label, _("Same as row %(row)s of this file.") % {"row": seen[key]})
            else:
                seen[key] = number
        for name, message in member_date_errors(
            parsed.get("date_of_birth"), parsed.get("joined_on"), today
        ).items():
            fail(name, message)

        member = None
        card_match = by_card.get(card) if card else None
        id_match = by_id.get(parsed.get("id_number")) if parsed.get("id_number") else None
        if card_match and id_match and card_match.pk != id_match.pk:
            fail(
                "id_number",
                _("This citizen ID number belongs to another member than the card number."),
            )
        member = card_match or id_match
        if member is None and not card and not parsed.get("id_number") and unit is not None:
            member = by_person.get(
                (fold(parsed.get("full_name")), parsed.get("date_of_birth"), unit.pk)
            )
        if member is not None:
            matched.add(member.pk)
        if member is not None and not member.unit.path.startswith(job.unit.path):
            fail(
                "card_number" if card_match else "id_number",
                _("This number belongs to a member of a unit outside the units you import into."),
            )
        if member is None:
            for name in REQUIRED_NEW:
                if not parsed.get(name):
                    fail(
                        name,
                        _("“%(column)s” is required for a new member.") % {"column": column(name)},
                    )
        if errors or bad:
            outcome.errors.extend(errors)
            continue
        values = {k: v for k, v in parsed.items() if k in DATA_FIELD_SET and v not in ("", None)}
        if member is None:
            outcome.creates.append((number, {**values, "unit_id": unit.pk}))
        else:
            changes = {k: v for k, v in values.items() if getattr(member, k) != v}
            if unit.pk != member.unit_id:
                changes["unit_id"] = unit.pk
            if changes:
                outcome.updates.append((number, member, changes))
            else:
                outcome.unchanged += 1
        if progress and done % CHUNK == 0:
            progress(done, outcome.total)
    outcome.errors.sort(key=lambda e: e.row)
    listed = {
        u.pk
        for u in units.values()
        if u.path.startswith(job.unit.path) and u.kind in MEMBER_UNIT_KINDS
    }
    outcome.missing = _missing(listed, matched)
    return outcome


def _missing(unit_ids, matched) -> list[int]:
    """Active members of these units that no row of the sheet matched: a monthly list from the
    membership software no longer carries them (left, moved away, or dropped by mistake). They
    are reported for the officer to look at; an import never deletes a member."""
    found = []
    for chunk in _chunks(sorted(unit_ids), 500):
        found.extend(
            pk
            for pk in Member.objects.filter(unit_id__in=chunk, status=MemberStatus.ACTIVE)
            .order_by()
            .values_list("pk", flat=True)
            if pk not in matched
        )
    return sorted(found)


def _units(job, codes) -> dict[str, Unit]:
    """Unit code (upper case) → unit, whatever case the sheet or the database wrote it in."""
    wanted = sorted({c.upper() for c in codes})
    found = {}
    for chunk in _chunks(wanted):
        for unit in (
            Unit.objects.annotate(upper_code=Upper("code"))
            .filter(upper_code__in=chunk)
            .only("id", "code", "path", "kind")
        ):
            found[unit.code.upper()] = unit
    return found


def _existing(field_name, keys) -> dict:
    """Key → member holding it, anywhere in the database (the keys are unique nationally).

    The keys are looked up with plain SQL (ids only: Django's per-parameter preparation of
    100,000 keys costs more than the queries), then the few members found are loaded."""
    keys = sorted({k for k in keys if k})
    table = connection.ops.quote_name(Member._meta.db_table)
    column = connection.ops.quote_name(field_name)
    ids = []
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for chunk in _chunks(keys, 20000 if postgres else 5000):
            # PostgreSQL: one array parameter (thousands of placeholders cost more to send
            # than to look up); the != '' term lets either database use the partial index.
            if postgres:
                condition, params = f"{column} = ANY(%s)", [chunk]
            else:
                condition, params = f"{column} IN ({', '.join(['%s'] * len(chunk))})", chunk
            cursor.execute(
                f"SELECT id FROM {table} WHERE {condition} AND NOT ({column} = '')", params
            )
            ids.extend(row[0] for row in cursor.fetchall())
    found = {}
    for chunk in _chunks(ids):
        for member in Member.objects.filter(pk__in=chunk).select_related("unit"):
            found[getattr(member, field_name)] = member
    return found


def _existing_people(unit_ids) -> dict:
    found = {}
    for chunk in _chunks(unit_ids, 500):
        for member in Member.objects.filter(unit_id__in=chunk).select_related("unit"):
            found[(fold(member.full_name), member.date_of_birth, member.unit_id)] = member
    return found


# Writing ---------------------------------------------------------------------------------------

COPY_COLUMNS = (
    "unit_id",
    *DATA_FIELDS,
    "search_name",
    "sort_key",
    "created_at",
    "updated_at",
)
DEFAULTS = {
    "ethnicity": MAJORITY_ETHNICITY,
    "status": MemberStatus.ACTIVE.value,
    "date_of_birth": None,
    "joined_on": None,
}


def new_member_values(values: dict, now: datetime.datetime) -> dict:
    """Every column of a new member row, from the sheet's values and the model's defaults."""
    row = {name: values.get(name, DEFAULTS.get(name, "")) for name in DATA_FIELDS}
    row["unit_id"] = values["unit_id"]
    row["search_name"] = fold(f"{row['full_name']} {row['card_number']}")
    row["sort_key"] = sort_key(row["full_name"])
    row["created_at"] = now
    row["updated_at"] = now
    return row


def insert(rows: list[dict], *, progress: Callable[[int], None] | None = None) -> None:
    """Insert new members: COPY on PostgreSQL, batched INSERTs elsewhere."""
    if connection.vendor == "postgresql":
        table = Member._meta.db_table
        columns = ", ".join(f'"{c}"' for c in COPY_COLUMNS)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for index, row in enumerate(rows, start=1):
                    copy.write_row([row[c] for c in COPY_COLUMNS])
                    if progress and index % CHUNK == 0:
                        progress(index)
        return
    # Elsewhere (SQLite): one prepared INSERT run over each batch of rows.
    ops = connection.ops
    adapt = {"date_of_birth": ops.adapt_datefield_value, "joined_on": ops.adapt_datefield_value}
    stamps = {}  # created_at / updated_at: one value for the whole import, adapted once

    def _adapted(column, value):
        if column in adapt:
            return adapt[column](value)
        if column in ("created_at", "updated_at"):
            if value not in stamps:
                stamps[value] = ops.adapt_datetimefield_value(value)
            return stamps[value]
        return value

    table = connection.ops.quote_name(Member._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COPY_COLUMNS)
    marks = ", ".join(["%s"] * len(COPY_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            batch = rows[start : start + CHUNK]
            cursor.executemany(sql, [[_adapted(c, row[c]) for c in COPY_COLUMNS] for row in batch])
            if progress:
                progress(start + len(batch))


UPDATE_BATCH = 500


def write(job, outcome: Outcome, *, acting_user, progress=None) -> None:
    """Write the outcome of a check; the caller holds the transaction and writes the summary
    audit row. Each updated member gets its own audit row with the changed fields (personal
    fields recorded as changed, without their values)."""
    from chuyende.core.audit import audit_event, diff
    from chuyende.core.models import AuditEvent

    now = timezone.now()
    total = len(outcome.creates) + len(outcome.updates)
    rows = [new_member_values(values, now) for _row, values in outcome.creates]
    counted = tallies.member_deltas(rows)  # the member tallies of the units and those above
    insert(rows, progress=(lambda done: progress(done, total)) if progress else None)
    hidden = set(Member.PERSONAL_FIELDS)
    events = []
    changed_fields = set()
    members = []
    for _row, member, changes in outcome.updates:
        old = {k: getattr(member, k) for k in changes}
        for key, value in changes.items():
            setattr(member, key, value)
        member.refresh_derived()
        member.updated_at = now
        changed_fields.update(changes)
        members.append(member)
        event = audit_event(
            actor=acting_user,
            action="update",
            obj=member,
            changes={**diff(old, changes, hidden=hidden), "import": job.pk},
        )
        event.unit_id = member.unit_id  # no query: the member's new unit, by id
        events.append(event)
    if members:
        fields = sorted(changed_fields | {"search_name", "sort_key", "updated_at"})
        counted.update(tallies.bulk_update_deltas(members, fields))  # read before writing
        for start in range(0, len(members), UPDATE_BATCH):
            Member.objects.bulk_update(members[start : start + UPDATE_BATCH], fields)
            if progress:
                progress(len(rows) + start + UPDATE_BATCH, total)
        AuditEvent.objects.bulk_create(events, batch_size=UPDATE_BATCH)
    # Last, so that the tally rows of the province and the root, which every import and every
    # member edit in the country updates, stay locked only until the import commits.
    tallies.apply(members=counted)
