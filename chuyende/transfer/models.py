"""Imports and exports of units and members: each a job with its file, its state and its result."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chuyende.core.scoping import ScopedQuerySet
from chuyende.core.uploads import UploadTo


class Kind(models.TextChoices):
    MEMBERS = "members", _("Members")
    UNITS = "units", _("Units")


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Columns to match")
    VALIDATING = "validating", _("Checking")
    VALIDATED = "validated", _("Checked")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


def _upload_to(instance, filename):
    """A random name with the sheet's extension (read_table picks the reader by it)."""
    return UploadTo("imports")(instance, filename)


def _export_to(instance, filename):
    return f"exports/{uuid.uuid4().hex}-{filename}"


class MappingPreset(models.Model):
    """A named column mapping (field → header text), saved for next month's file."""

    scope_path = "unit__path"
    scope_sees_from_above = True  # a preset of the province serves every union below it

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    mapping = models.JSONField(_("mapping"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("column mapping preset")
        verbose_name_plural = _("column mapping presets")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "name"], name="transfer_preset_unique_name"
            )
        ]

    def __str__(self):
        return self.name


class ImportJob(models.Model):
    """One uploaded sheet: matched, checked, then imported into the unit's subtree."""

    scope_path = "unit__path"
    MISSING_KEPT = 1000

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("into unit"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=_upload_to)
    original_name = models.CharField(_("file"), max_length=255)
    headers = models.JSONField(default=list)
    header_row = models.PositiveIntegerField(default=1)
    mapping = models.JSONField(default=dict)  # field -> column index
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.MAPPING
    )
    valid_only = models.BooleanField(default=False)
    total_rows = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [[row, column header, message], ...]
    # Member imports: active members of the units the sheet names whom no row matches (a
    # monthly list no longer carries them). Reported, never deleted: their count, and the ids
    # of the first MISSING_KEPT of them for the result page.
    missing_count = models.PositiveIntegerField(default=0)
    missing = models.JSONField(default=list)
    # The preset whose column matching was applied at upload ("" when none), and whether it
    # was suggested from the headers rather than chosen.
    preset_name = models.CharField(max_length=120, blank=True)
    preset_suggested = models.BooleanField(default=False)
    message = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return self.original_name

    @property
    def running(self) -> bool:
        return self.status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING)

    @property
    def error_rows(self) -> int:
        return len({row for row, _column, _message in self.errors})


class ExportJob(models.Model):
    """A list as filtered on screen, written to .xlsx or .csv by the task worker."""

    scope_path = "unit__path"

    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=5)
    filters = models.JSONField(default=dict)
    full_personal_data = models.BooleanField(default=False)
    status = models.CharField(max_length=12, default="queued")
    row_count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=_export_to, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return f"{self.kind}.{self.format}"
