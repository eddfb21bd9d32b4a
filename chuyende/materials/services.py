"""Writes on study materials and their downloads. Each is atomic and writes its own audit row."""

import posixpath
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chuyende.core.audit import audit_record, diff
from chuyende.core.models import AuditAction
from chuyende.core.scoping import require
from chuyende.core.storage import delete_after_commit
from chuyende.core.text import fold, nfc
from chuyende.org.models import Unit
from chuyende.plans.models import Plan

from . import selectors
from .choices import FILE_EXTENSIONS, LINK_KINDS, ZIP_PARTS, MaterialKind
from .models import Material, MaterialDownload

DEFAULT_MAX_FILE_SIZE = 50 * 1024 * 1024
MAX_AUDIENCES = 20
MAX_AUDIENCE_LENGTH = 200
MB = 1024 * 1024


def max_file_size() -> int:
    """The upload limit in bytes: MATERIALS_MAX_FILE_SIZE when set, else 50 MB."""
    return getattr(settings, "MATERIALS_MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE)


def max_file_size_mb() -> str:
    return f"{max_file_size() / MB:g}"


def original_name(name: str) -> str:
    """The file name as the user gave it, without any folder, control characters or accents
    decomposed (NFC), at most 255 characters with its extension kept."""
    base = posixpath.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in nfc(base) if unicodedata.category(ch)[0] != "C").strip()
    if len(base) > 255:
        stem, dot, extension = base.rpartition(".")
        base = f"{stem[: 254 - len(extension)]}.{extension}" if dot else base[:255]
    return base


def _zip_names(upload) -> list[str] | None:
    """The part names of a zip file, read from its directory only (nothing is extracted)."""
    try:
        upload.seek(0)
        if not zipfile.is_zipfile(upload):
            return None
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError):
        return None  # NotImplementedError: a zip "version" or method Python cannot read
    finally:
        upload.seek(0)


def check_upload(upload, kind: str) -> None:
    """The file is of the kind chosen, by its extension and by its content, and within the size
    limit. Raises ValidationError on the `file` field."""
    extension = FILE_EXTENSIONS[kind]
    name = original_name(upload.name)
    if not name.lower().endswith(extension):
        raise ValidationError(
            {
                "file": _("For this kind the file must be a %(extension)s file; “%(name)s” is not.")
                % {"extension": extension, "name": name}
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > max_file_size():
        raise ValidationError(
            {
                "file": _("The file is %(size)s MB; files can be at most %(limit)s MB.")
                % {"size": f"{upload.size / MB:.1f}", "limit": max_file_size_mb()}
            }
        )
    if kind == MaterialKind.PDF:
        upload.seek(0)
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise ValidationError(
                {
                    "file": _("“%(name)s” is not a real PDF file: its content is not PDF.")
                    % {"name": name}
                }
            )
        return
    names = _zip_names(upload)
    part = ZIP_PARTS[kind]
    if (
        not names
        or "[Content_Types].xml" not in names
        or not any(n.startswith(part) for n in names)
    ):
        label = _("Word document") if kind == MaterialKind.DOCX else _("PowerPoint presentation")
        raise ValidationError(
            {
                "file": _(
                    "“%(name)s” is not a real %(label)s: the file is damaged or of another type."
                )
                % {"name": name, "label": label}
            }
        )


def clean_audiences(values) -> list[str]:
    """Trimmed, de-duplicated (accents and case ignored) audiences, in the order given."""
    seen = set()
    result = []
    for value in values or []:
        text = " ".join(nfc(str(value)).split())[:MAX_AUDIENCE_LENGTH]
        key = fold(text)
        if key and key not in seen:
            seen.add(key)
            result.append(text)
    if len(result) > MAX_AUDIENCES:
        raise ValidationError(
            {"audiences": _("Give at most %(n)s audiences.") % {"n": MAX_AUDIENCES}}
        )
    return result


def _check_plan(plan: Plan | None, unit: Unit, acting_user) -> None:
    """The plan is one the user can see, of the publishing unit or a unit above it (so whoever
    sees the material sees its plan too)."""
    if plan is None:
        return
    visible = Plan.objects.for_user(acting_user).filter(pk=plan.pk).exists()
    if not visible or not unit.path.startswith(plan.unit.path):
        raise ValidationError(
            {"plan": _("Choose a plan of the publishing unit or of a unit above it.")}
        )


def _check_link(url: str) -> str:
    url = (url or "").strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise ValidationError({"url": _("The link must start with http:// or https://.")})
    return url


def _snapshot(material: Material) -> dict:
    return {
        "unit": material.unit_id,
        "title": material.title,
        "description": material.description,
        "kind": material.kind,
        "url": material.url,
        "file": material.original_name,
        "plan": material.plan_id,
        "audiences": list(material.audiences),
    }


def _set_content(material: Material, *, kind: str, file, url: str, replacing: bool) -> str:
    """Put the file or the link on the material; returns the storage name of a file it replaced
    (to delete once the transaction commits), or ""."""
    if kind not in MaterialKind.values:
        raise ValidationError({"kind": _("Choose a valid kind.")})
    old_name = material.file.name if material.file else ""
    old_kind = material.kind
    material.kind = kind
    if kind in LINK_KINDS:
        material.url = _check_link(url)
        material.file = ""
        material.original_name = ""
        material.file_size = 0
        return old_name
    material.url = ""
    if file is None:
        if not replacing or not old_name:
            raise ValidationError({"file": _("Attach the file.")})
        if old_kind != kind:
            raise ValidationError({"file": _("Attach a new file of the kind chosen.")})
        return ""
    check_upload(file, kind)
    material.file = file
    material.original_name = original_name(file.name)
    material.file_size = file.size
    return old_name


def _delete_stored(name: str) -> None:
    from django.core.files.storage import default_storage

    delete_after_commit(default_storage, [name])


@transaction.atomic
def material_create(
    *,
    unit: Unit,
    acting_user,
    title: str,
    kind: str,
    description: str = "",
    file=None,
    url: str = "",
    plan: Plan | None = None,
    audiences=(),
) -> Material:
    """Publish a material: a checked file (PDF, Word, PowerPoint) or a link."""
    require(acting_user, "change", unit)
    material = Material(
        unit=unit,
        title=nfc(title),
        description=nfc(description).strip(),
        plan=plan,
        audiences=clean_audiences(audiences),
        uploaded_by=acting_user,
    )
    _set_content(material, kind=kind, file=file, url=url, replacing=False)
    _check_plan(plan, unit, acting_user)
    material.full_clean(exclude=["file"])
    material.refresh_derived()
    material.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=material,
        unit=unit,
        changes={"kind": material.kind, "file": material.original_name, "url": material.url},
    )
    return material


@transaction.atomic
def material_update(
    *,
    material: Material,
    acting_user,
    unit: Unit,
    title: str,
    kind: str,
    description: str = "",
    file=None,
    url: str = "",
    plan: Plan | None = None,
    audiences=(),
) -> Material:
    """Change a material; a new file replaces the old one (deleted once saved)."""
    require(acting_user, "change", material.unit)
    require(acting_user, "change", unit)
    old = _snapshot(material)
    material.unit = unit
    material.title = nfc(title)
    material.description = nfc(description).strip()
    material.plan = plan
    material.audiences = clean_audiences(audiences)
    replaced = _set_content(material, kind=kind, file=file, url=url, replacing=True)
    _check_plan(plan, unit, acting_user)
    material.full_clean(exclude=["file"])
    material.refresh_derived()
    material.save()
    _delete_stored(replaced)
    changes = diff(old, _snapshot(material))
    if changes:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=material,
            unit=material.unit,
            changes=changes,
        )
    return material


@transaction.atomic
def material_unpublish(*, material: Material, acting_user) -> Material:
    """Remove a material from the library (soft: its file, history and counts are kept)."""
    require(acting_user, "manage", material.unit)
    if material.published:
        material.published = False
        material.save(update_fields=["published", "updated_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.DELETE,
            obj=material,
            unit=material.unit,
            changes={"published": {"from": True, "to": False}},
        )
    return material


@transaction.atomic
def material_publish(*, material: Material, acting_user) -> Material:
    """Put a removed material back in the library."""
    require(acting_user, "manage", material.unit)
    if not material.published:
        material.published = True
        material.save(update_fields=["published", "updated_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=material,
            unit=material.unit,
            changes={"published": {"from": False, "to": True}},
        )
    return material


@transaction.atomic
def material_download(*, material: Material, acting_user) -> MaterialDownload:
    """Count one download for the downloader's unit, and record it in the audit log (export)."""
    if not Material.objects.for_user(acting_user).filter(pk=material.pk).exists():
        raise PermissionDenied(_("You cannot download this material."))
    unit = selectors.downloader_unit(user=acting_user)
    download = MaterialDownload.objects.create(material=material, unit=unit, user=acting_user)
    audit_record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        obj=material,
        unit=unit or material.unit,
        changes={"kind": material.kind, "file": material.original_name, "url": material.url},
    )
    return download
