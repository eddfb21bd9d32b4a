"""Checking a unit sheet and writing it: new units under a parent named by its code (in the
database or earlier in the same file), existing units (by code) updated in place.

A row that would move an existing unit under another parent is an error: moves keep a history
and go through the unit's own Move screen.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import F
from django.db.models.functions import Left, Upper
from django.utils.translation import gettext as _

from chuyende.core import sheets
from chuyende.core.audit import audit_event, diff
from chuyende.core.models import AuditEvent
from chuyende.core.sheets import CellError, RowError
from chuyende.org.choices import UnitEventKind, UnitKind, UnitSubKind
from chuyende.org.models import Unit, UnitEvent, code_validator

from .fields import KIND_ALIASES, column_namer

DATA_FIELDS = ("name", "kind", "sub_kind", "short_name", "address", "phone", "email")
LIMITS = {f.name: f.max_length for f in Unit._meta.fields if getattr(f, "max_length", None)}


@dataclass
class Outcome:
    total: int = 0
    creates: list = field(default_factory=list)  # [(row, parent code, {field: value})]
    updates: list = field(default_factory=list)  # [(row, unit, {field: value})]
    unchanged: int = 0
    errors: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # ids of units the file no longer lists

    @property
    def error_rows(self) -> set:
        return {e.row for e in self.errors}


def _text(name):
    def parse(value):
        result = sheets.text(value)
        if len(result) > LIMITS[name]:
            raise CellError(_("Too long: at most %(limit)s characters.") % {"limit": LIMITS[name]})
        return result

    return parse


def _code(value):
    result = sheets.text(value)
    if result:
        try:
            code_validator(result)
        except ValidationError as error:
            raise CellError(" ".join(error.messages)) from error
    return result


def _email(value):
    result = sheets.text(value)
    if result:
        try:
            validate_email(result)
        except ValidationError as error:
            raise CellError(
                _("“%(value)s” is not an e-mail address.") % {"value": result}
            ) from error
    return result


def parsers() -> dict[str, Callable]:
    return {
        "code": _code,
        "name": _text("name"),
        "parent_code": _code,
        "kind": sheets.choice_parser(UnitKind.choices, aliases=KIND_ALIASES),
        "sub_kind": sheets.choice_parser(UnitSubKind.choices),
        "short_name": _text("short_name"),
        "address": _text("address"),
        "phone": sheets.parse_phone,
        "email": _email,
    }


def check(job, *, progress=None) -> Outcome:
    from .services import raw_rows

    return resolve(job, parse(job, raw_rows(job), progress=progress), progress=progress)


def parse(job, raw: dict, *, progress=None) -> dict:
    mapping = {name: int(index) for name, index in job.mapping.items()}
    headers = raw["headers"]
    column = column_namer(job, headers)
    errors = []
    rows = []
    cell_parsers = parsers()
    for number, values in raw["rows"]:
        parsed, bad = {}, False
        for name, index in mapping.items():
            if name in cell_parsers and index < len(values):
                try:
                    parsed[name] = cell_parsers[name](values[index])
                except CellError as error:
                    errors.append([number, column(name), str(error)])
                    bad = True
        rows.append([number, parsed, bad])
    return {"headers": headers, "rows": rows, "errors": errors}


def resolve(job, parsed: dict, *, progress=None) -> Outcome:
    rows = parsed["rows"]
    column = column_namer(job, parsed["headers"])
    outcome = Outcome(errors=[RowError(*e) for e in parsed["errors"]])
    outcome.total = len(rows)
    codes = {p.get("code", "").upper() for _n, p, _b in rows} | {
        p.get("parent_code", "").upper() for _n, p, _b in rows
    }
    codes.discard("")
    existing = {
        u.code.upper(): u
        for u in Unit.objects.annotate(upper_code=Upper("code")).filter(upper_code__in=codes)
    }
    parents_by_path = {
        u.path: u
        for u in Unit.objects.filter(
            path__in={u.path[: -Unit.steplen] for u in existing.values() if u.depth > 1}
        )
    }
    in_file = {}
    file_codes = {p.get("code", "").upper() for _n, p, _b in rows} - {""}
    for done, (number, parsed, bad) in enumerate(rows, start=1):
        errors = []

        def fail(name, message, errors=errors, number=number):
            errors.append(RowError(number, column(name), str(message)))

        code = parsed.get("code", "")
        parent_code = parsed.get("parent_code", "")
        if not code:
            fail("code", _("The unit code is missing."))
        elif code.upper() in in_file:
            fail("code", _("Same as row %(row)s of this file.") % {"row": in_file[code.upper()]})
        unit = existing.get(code.upper())
        if unit is not None and not unit.path.startswith(job.unit.path):
            fail(
                "code",
                _("The unit “%(code)s” is outside the units you import into.") % {"code": code},
            )
            unit = None
        parent = existing.get(parent_code.upper()) if parent_code else None
        if unit is not None and unit.pk == job.unit_id:
            pass  # the unit imported into: its own place in the tree is not the file's to change
        elif not parent_code:
            fail("parent_code", _("The parent unit code is missing."))
        elif parent is None and parent_code.upper() not in file_codes:
            fail("parent_code", _("Unknown unit code “%(code)s”.") % {"code": parent_code})
        elif parent is not None and not parent.path.startswith(job.unit.path):
            fail(
                "parent_code",
                _("The unit “%(code)s” is outside the units you import into.")
                % {"code": parent_code},
            )
        if unit is not None and parent is not None and unit.pk != job.unit_id:
            current = parents_by_path.get(unit.path[: -Unit.steplen])
            if current is not None and current.pk != parent.pk:
                fail(
                    "parent_code",
                    _(
                        "“%(code)s” is under “%(current)s”, not “%(parent)s”: move it on its "
                        "unit page."
                    )
                    % {"code": code, "current": current.code, "parent": parent_code},
                )
        if unit is None:
            for name in ("name", "kind"):
                if not parsed.get(name):
                    fail(
                        name,
                        _("“%(column)s” is required for a new unit.") % {"column": column(name)},
                    )
        if code:
            in_file.setdefault(code.upper(), number)
        if errors or bad:
            outcome.errors.extend(errors)
            continue
        values = {k: v for k, v in parsed.items() if k in DATA_FIELDS and v not in ("", None)}
        if unit is None:
            outcome.creates.append((number, parent_code.upper(), {"code": code, **values}))
        else:
            changes = {k: v for k, v in values.items() if getattr(unit, k) != v}
            if changes:
                outcome.updates.append((number, unit, changes))
            else:
                outcome.unchanged += 1
        if progress and done % 500 == 0:
            progress(done, outcome.total)
    _drop_orphans(outcome, existing, column)
    outcome.errors.sort(key=lambda e: e.row)
    named = {p.get("parent_code", "").upper() for _n, p, _b in rows}
    parents = {u.path for code, u in existing.items() if code in named}
    outcome.missing = _missing(job.unit.path, parents, file_codes)
    return outcome


def _missing(root: str, parent_paths, file_codes) -> list[int]:
    """Active units of the subtree at `root` right below the parents the file names that no row
    of it lists: a monthly export of the membership software no longer carries them (dissolved,
    merged, moved, or dropped by mistake). Reported for the officer to look at; an import never
    deletes, closes or moves a unit. One query per 1,000 parents."""
    found = []
    parents = sorted(p for p in parent_paths if p.startswith(root))
    for start in range(0, len(parents), 1000):
        found.extend(
            pk
            for pk, code in Unit.objects.filter(path__startswith=root, active=True)
            .annotate(parent_path=Left("path", (F("depth") - 1) * Unit.steplen))
            .filter(parent_path__in=parents[start : start + 1000])
            .order_by()
            .values_list("pk", "code")
            if code.upper() not in file_codes
        )
    return sorted(found)


def _drop_orphans(outcome, existing, column) -> None:
    """A new unit whose parent is a row of the file that has errors cannot be created either."""
    while True:
        creatable = {
            code.upper() for _r, _p, values in outcome.creates for code in [values["code"]]
        }
        orphans = [
            entry
            for entry in outcome.creates
            if entry[1] not in existing and entry[1] not in creatable
        ]
        if not orphans:
            return
        for row, parent_code, _values in orphans:
            outcome.errors.append(
                RowError(
                    row,
                    column("parent_code"),
                    _("The parent unit “%(code)s” is in a row with errors.")
                    % {"code": parent_code},
                )
            )
        outcome.creates = [entry for entry in outcome.creates if entry not in orphans]


def write(job, outcome: Outcome, *, acting_user, progress=None) -> None:
    """New units in file order (a parent row comes before its children's), then updates."""
    codes = {parent for _row, parent, _values in outcome.creates}
    parents = {
        u.code.upper(): u
        for u in Unit.objects.annotate(upper_code=Upper("code")).filter(upper_code__in=codes)
    }
    pending = list(outcome.creates)
    events = []
    total = len(outcome.creates) + len(outcome.updates)
    done = 0
    while pending:
        waiting = []
        for row, parent_code, values in pending:
            parent = parents.get(parent_code)
            if parent is None:
                waiting.append((row, parent_code, values))
                continue
            unit = Unit(**values)
            unit.refresh_derived()
            try:
                unit.full_clean(exclude=["path", "depth", "numchild"])
            except ValidationError as error:
                raise ValidationError(
                    _("Row %(row)s: %(message)s")
                    % {"row": row, "message": " ".join(error.messages)}
                ) from error
            parent.refresh_from_db(fields=["path", "depth", "numchild"])
            unit = Unit.objects.add_child(parent, instance=unit)
            parents[unit.code.upper()] = unit
            UnitEvent.objects.create(unit=unit, kind=UnitEventKind.CREATED, actor=acting_user)
            events.append(
                audit_event(
                    actor=acting_user,
                    action="create",
                    obj=unit,
                    unit=unit,
                    changes={"import": job.pk},
                )
            )
            done += 1
            if progress:
                progress(done, total)
        if len(waiting) == len(pending):
            rows = ", ".join(str(row) for row, _p, _v in waiting)
            raise ValidationError(
                _("Rows %(rows)s name a parent that is never created.") % {"rows": rows}
            )
        pending = waiting
    for _row, unit, changes in outcome.updates:
        old = {k: getattr(unit, k) for k in changes}
        for key, value in changes.items():
            setattr(unit, key, value)
        unit.refresh_derived()
        unit.save()
        recorded = diff(old, changes)
        UnitEvent.objects.create(
            unit=unit, kind=UnitEventKind.UPDATED, actor=acting_user, details=recorded
        )
        events.append(
            audit_event(
                actor=acting_user,
                action="update",
                obj=unit,
                unit=unit,
                changes={**recorded, "import": job.pk},
            )
        )
        done += 1
        if progress:
            progress(done, total)
    AuditEvent.objects.bulk_create(events, batch_size=500)
