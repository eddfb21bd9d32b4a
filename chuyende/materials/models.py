import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuyende.core.scoping import ScopedQuerySet, scope_q
from chuyende.core.text import fold

from .choices import FILE_EXTENSIONS, FILE_KINDS, LINK_KINDS, MaterialKind


def material_upload_to(instance, filename):
    """A safe storage name (random, ASCII); the name the user gave is kept in `original_name`."""
    extension = FILE_EXTENSIONS.get(instance.kind, "")
    return f"materials/{timezone.now():%Y}/{uuid.uuid4().hex}{extension}"


class MaterialQuerySet(ScopedQuerySet):
    def for_user(self, user, action: str = "view"):
        """As every scoped model, and when viewing: unpublished (removed) materials only for those
        who may change their unit."""
        qs = super().for_user(user, action)
        if action != "view":
            return qs
        editable = scope_q(user, "change", path_lookup=self.model.scope_path)
        if editable is None:  # superuser
            return qs
        return qs.filter(Q(published=True) | editable)


class Material(models.Model):
    """A study material published by a union: a file (PDF, Word, PowerPoint) or a link.

    Units below the publisher see and download it; its managers and editors change it.
    """

    scope_path = "unit__path"
    scope_sees_from_above = True

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("published by"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=MaterialKind.choices)
    file = models.FileField(_("file"), upload_to=material_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    url = models.URLField(_("link"), max_length=500, blank=True)
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="materials",
    )
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    published = models.BooleanField(_("published"), default=True)
    search_title = models.CharField(max_length=255, editable=False, db_index=True, blank=True)
    audience_keys = models.TextField(editable=False, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("study material")
        verbose_name_plural = _("study materials")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind__in=FILE_KINDS) & ~Q(file="") & Q(url=""))
                | (Q(kind__in=LINK_KINDS) & ~Q(url="") & Q(file="")),
                name="materials_material_file_or_link",
                violation_error_message=_("A file kind needs a file; a link kind needs a link."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "published"], name="materials_unit_published")]

    def __str__(self):
        return self.title

    def clean(self):
        self.title = " ".join((self.title or "").split())
        if self.kind in FILE_KINDS:
            if not self.file:
                raise ValidationError({"file": _("Attach the file.")})
            if self.url:
                raise ValidationError({"url": _("A file material has no link.")})
        elif self.kind in LINK_KINDS:
            if not self.url:
                raise ValidationError({"url": _("Give the link.")})
            if self.file:
                raise ValidationError({"file": _("A link material has no file.")})

    def refresh_derived(self):
        """The accent-free search column and the audience keys used by the filters."""
        self.search_title = fold(self.title)[:255]
        self.audience_keys = audience_keys(self.audiences)

    @property
    def is_file(self) -> bool:
        return self.kind in FILE_KINDS


def audience_keys(audiences) -> str:
    """'|a|b|': one folded key per audience, so one audience is found with a `contains`."""
    keys = [fold(a).replace("|", " ").strip() for a in audiences or []]
    keys = [key for key in keys if key]
    return f"|{'|'.join(keys)}|" if keys else ""


class MaterialDownload(models.Model):
    """One download (or opening of a link) of a material, counted for the downloader's unit."""

    scope_path = "unit__path"
    scope_owner = "user"

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="downloads")
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("material download")
        verbose_name_plural = _("material downloads")
        indexes = [models.Index(fields=["material", "unit"], name="materials_download_unit")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.material_id} {self.unit_id}"
