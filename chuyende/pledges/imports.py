"""Importing pledges members wrote on paper, from the CĐCS's spreadsheet.

`import_check` reads the sheet, finds each member of the union (by union card number, or by
name and year of birth) and checks every row; the result waits as a `PledgeImport` for the
officer to look at the errors (row, column, message). `import_run` then imports every row —
refused while any row is wrong — or only the valid rows, in one transaction.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuyende.core.audit import audit_event, audit_record
from chuyende.core.models import AuditAction, AuditEvent
from chuyende.core.scoping import require
from chuyende.core.sheets import CellError, SheetError, match_headers, parse_choice, read_table
from chuyende.core.sheets import text as cell_text
from chuyende.core.text import fold
from chuyende.org.choices import MemberStatus
from chuyende.org.models import Member

from . import selectors
from .choices import ImportStatus, PledgeSource, PledgeStatus
from .exports import ID_COLUMNS, TAIL_COLUMNS, import_columns
from .models import ITEM_MAX_LENGTH, MAX_ITEMS, Pledge, PledgeImport

SPLIT = re.compile(r"\s*(?:\r?\n|;)\s*")
BULLET = re.compile(r"^(?:[-–•+*]|\d{1,2}[.)])\s*")
EXTRA_ALIASES = {
    "card_number": ["Số thẻ", "Số thẻ ĐV", "Thẻ đoàn viên"],
    "full_name": ["Họ tên", "Họ và tên đoàn viên"],
    "birth_year": ["Năm sinh", "Ngày sinh"],
    "position": ["Chức vụ", "Vị trí công tác", "Chức danh"],
    "union_group": ["Tổ công đoàn", "Tổ CĐ"],
    "actions": ["Việc làm cụ thể", "Những việc làm cụ thể", "Hành động cụ thể"],
    "target_rating": ["Mức xếp loại phấn đấu", "Xếp loại phấn đấu", "Mức phấn đấu"],
}


def members_without_pledge(*, unit, year: int):
    """Active members of the union with no pledge written for the year (for the template)."""
    taken = Pledge.objects.filter(year=year, is_current=True).exclude(status=PledgeStatus.DRAFT)
    return list(
        Member.objects.filter(unit__path__startswith=unit.path, status=MemberStatus.ACTIVE)
        .exclude(pk__in=taken.values("member_id"))
        .order_by("sort_key", "id")[:2000]
    )


def _lines(value) -> list[str]:
    raw = "" if value is None else str(value)
    lines = []
    for part in SPLIT.split(raw.strip()):
        part = BULLET.sub("", " ".join(part.split()))
        if part:
            lines.append(part)
    return lines


def _aliases(sections) -> dict:
    aliases = {}
    for field, header in import_columns(sections):
        aliases[field] = [header, *EXTRA_ALIASES.get(field, [])]
    for section in sections:
        aliases[f"section_{section.code}"].append(section.title)
    return aliases


def _headers(sections) -> dict:
    return dict(import_columns(sections))


def import_check(*, unit, template, file, acting_user) -> PledgeImport:
    """Read and check the sheet; nothing is imported yet."""
    require(acting_user, "change", unit)
    sections = selectors.sections_for(template=template, unit=unit)
    aliases = _aliases(sections)
    table = read_table(file, aliases=aliases)
    columns = match_headers(table.headers, aliases)
    names = _headers(sections)
    if "card_number" not in columns and "full_name" not in columns:
        raise SheetError(
            _("The sheet needs a column “%(card)s” or “%(name)s” to find each member.")
            % {"card": names["card_number"], "name": names["full_name"]}
        )
    missing = [
        names[f]
        for f in [*[f"section_{s.code}" for s in sections if s.min_items], "actions"]
        if f not in columns
    ]
    if missing:
        raise SheetError(
            _("These columns are missing: %(columns)s. Use the template.")
            % {"columns": "; ".join(missing)}
        )

    members = list(
        Member.objects.filter(unit__path__startswith=unit.path, status=MemberStatus.ACTIVE).only(
            "pk", "full_name", "card_number", "date_of_birth", "job_title", "unit_id"
        )
    )
    by_card = {m.card_number.upper(): m for m in members if m.card_number}
    by_name: dict[str, list] = {}
    for m in members:
        by_name.setdefault(fold(m.full_name), []).append(m)
    existing = dict(
        Pledge.objects.filter(
            year=template.year, is_current=True, member__unit__path__startswith=unit.path
        ).values_list("member_id", "status")
    )
    levels = template.level_choices

    errors, valid, seen = [], [], {}
    total = 0
    content_fields = [f"section_{s.code}" for s in sections] + ["actions", "target_rating"]
    for row, values in table.rows():
        filled = [
            values[columns[f]]
            for f in content_fields
            if f in columns and columns[f] < len(values) and values[columns[f]] not in (None, "")
        ]
        if not filled:
            continue  # a name from the template with nothing written: no paper form handed in
        total += 1
        row_errors = []

        def err(field, message, row=row, row_errors=row_errors):
            row_errors.append({"row": row, "column": names.get(field, field), "message": message})

        def cell(field, values=values):
            index = columns.get(field)
            return values[index] if index is not None and index < len(values) else None

        member = None
        card = cell_text(cell("card_number")).replace(" ", "").upper()
        name = cell_text(cell("full_name"))
        birth_year = None
        raw_year = cell("birth_year")
        if raw_year not in (None, ""):
            if hasattr(raw_year, "year"):
                birth_year = raw_year.year
            else:
                found = re.search(r"(19|20)\d{2}", cell_text(raw_year))
                if found:
                    birth_year = int(found.group(0))
                else:
                    err("birth_year", _("“%(value)s” is not a year.") % {"value": raw_year})
        if card:
            member = by_card.get(card)
            if member is None:
                err(
                    "card_number",
                    _("No member of %(unit)s has the union card number %(card)s.")
                    % {"unit": unit.name, "card": card},
                )
        elif name:
            candidates = by_name.get(fold(name), [])
            if birth_year is not None:
                candidates = [
                    m
                    for m in candidates
                    if m.date_of_birth is None or m.date_of_birth.year == birth_year
                ]
            if not candidates:
                err(
                    "full_name",
                    _("No member of %(unit)s is named %(name)s (with this year of birth).")
                    % {"unit": unit.name, "name": name},
                )
            elif len(candidates) > 1:
                err(
                    "full_name",
                    _("Several members are named %(name)s; give the union card number.")
                    % {"name": name},
                )
            else:
                member = candidates[0]
        else:
            err("full_name", _("Give the member's name or union card number."))
        if member is not None:
            if member.pk in seen:
                err(
                    "full_name",
                    _("This member is already on row %(row)s.") % {"row": seen[member.pk]},
                )
            else:
                seen[member.pk] = row
            status = existing.get(member.pk)
            if status and status != PledgeStatus.DRAFT:
                err(
                    "full_name",
                    _("%(name)s already has a pledge for %(year)s.")
                    % {"name": member.full_name, "year": template.year},
                )

        commitments = {}
        for section in sections:
            field = f"section_{section.code}"
            lines = _lines(cell(field))
            if len(lines) < section.min_items:
                err(
                    field,
                    _("At least %(n)s commitments are needed here (found %(count)s).")
                    % {"n": section.min_items, "count": len(lines)},
                )
            elif len(lines) > MAX_ITEMS:
                err(field, _("At most %(n)s commitments in a section.") % {"n": MAX_ITEMS})
            elif any(len(line) > ITEM_MAX_LENGTH for line in lines):
                err(
                    field,
                    _("A commitment is at most %(n)s characters; split it in two.")
                    % {"n": ITEM_MAX_LENGTH},
                )
            if lines:
                commitments[section.code] = lines
        actions = _lines(cell("actions"))
        if not template.min_actions <= len(actions) <= template.max_actions:
            err(
                "actions",
                _("Write between %(min)s and %(max)s concrete actions (found %(count)s).")
                % {"min": template.min_actions, "max": template.max_actions, "count": len(actions)},
            )
        target = ""
        try:
            target = parse_choice(cell("target_rating"), levels)
        except CellError as error:
            err("target_rating", str(error))
        if not target and not any(e["column"] == names["target_rating"] for e in row_errors):
            err("target_rating", _("Choose the rating aimed for."))

        if row_errors:
            errors.extend(row_errors)
        else:
            valid.append(
                {
                    "row": row,
                    "member": member.pk,
                    "fields": {
                        "commitments": commitments,
                        "actions": actions,
                        "target_rating": target,
                        "position": cell_text(cell("position"))[:160] or member.job_title,
                        "union_group": cell_text(cell("union_group"))[:160],
                    },
                }
            )
    if total == 0:
        raise SheetError(_("No row of the sheet has a pledge written in it."))
    with transaction.atomic():
        batch = PledgeImport.objects.create(
            unit=unit,
            template=template,
            file_name=str(getattr(file, "name", ""))[:255],
            total_rows=total,
            valid_rows=valid,
            errors=errors,
            created_by=acting_user,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=batch,
            unit=unit,
            changes={"rows": total, "valid": len(valid), "errors": len(errors)},
        )
    return batch


@transaction.atomic
def import_run(*, batch: PledgeImport, acting_user, valid_only: bool) -> int:
    """Import the checked rows as accepted pledges (signed on paper). Without `valid_only`, a
    sheet with any wrong row is refused; either way all rows go in or none do."""
    batch = (
        PledgeImport.objects.select_for_update(of=("self",))
        .select_related("unit", "template")
        .get(pk=batch.pk)
    )
    require(acting_user, "change", batch.unit)
    if batch.status != ImportStatus.CHECKED:
        raise ValidationError(_("This sheet was already imported or discarded."))
    if batch.errors and not valid_only:
        raise ValidationError(
            _(
                "%(n)s rows have errors: nothing was imported. Correct them and upload the sheet "
                "again, or import only the valid rows."
            )
            % {"n": batch.error_rows}
        )
    if not batch.valid_rows:
        raise ValidationError(_("No row is valid: nothing to import."))
    template = batch.template
    member_ids = [r["member"] for r in batch.valid_rows]
    members = {
        m.pk: m
        for m in Member.objects.filter(
            pk__in=member_ids,
            unit__path__startswith=batch.unit.path,
            status=MemberStatus.ACTIVE,
        ).select_related("unit")
    }
    current = {
        p.member_id: p
        for p in Pledge.objects.select_for_update(of=("self",)).filter(
            member_id__in=member_ids, year=template.year, is_current=True
        )
    }
    problems = [
        r["row"]
        for r in batch.valid_rows
        if r["member"] not in members
        or (r["member"] in current and current[r["member"]].status != PledgeStatus.DRAFT)
    ]
    if problems:
        raise ValidationError(
            _(
                "Since the sheet was checked, members on rows %(rows)s have left or written a "
                "pledge; nothing was imported. Upload the sheet again."
            )
            % {"rows": ", ".join(str(r) for r in problems[:20])}
        )
    drafts = [current[m] for m in member_ids if m in current]
    for draft in drafts:
        draft.is_current = False
    Pledge.objects.bulk_update(drafts, ["is_current"])
    now = timezone.now()
    pledges = []
    for row in batch.valid_rows:
        member = members[row["member"]]
        fields = row["fields"]
        previous = current.get(member.pk)
        pledges.append(
            Pledge(
                member=member,
                template=template,
                year=template.year,
                status=PledgeStatus.ACCEPTED,
                source=PledgeSource.IMPORT,
                version=previous.version + 1 if previous else 1,
                previous=previous,
                full_name=member.full_name,
                birth_year=member.date_of_birth.year if member.date_of_birth else None,
                unit_name=member.unit.name,
                position=fields["position"],
                union_group=fields["union_group"],
                commitments=fields["commitments"],
                actions=fields["actions"],
                target_rating=fields["target_rating"],
                submitted_at=now,
                reviewer=acting_user,
                reviewed_at=now,
                created_by=acting_user,
            )
        )
    Pledge.objects.bulk_create(pledges, batch_size=1000)
    AuditEvent.objects.bulk_create(
        [
            audit_event(
                actor=acting_user,
                action=AuditAction.IMPORT,
                obj=p,
                unit=p.member.unit,
                changes={"import": batch.pk},
            )
            for p in pledges
        ],
        batch_size=1000,
    )
    batch.status = ImportStatus.IMPORTED
    batch.imported = len(pledges)
    batch.save(update_fields=["status", "imported"])
    audit_record(
        actor=acting_user,
        action=AuditAction.IMPORT,
        obj=batch,
        unit=batch.unit,
        changes={"imported": len(pledges), "skipped_rows": batch.error_rows},
    )
    return len(pledges)


__all__ = ["ID_COLUMNS", "TAIL_COLUMNS", "import_check", "import_run", "members_without_pledge"]
