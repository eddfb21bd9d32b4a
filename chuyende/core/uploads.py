"""Every uploaded file is checked here before anything keeps it: by its extension, its size and
its content — the first bytes and, for the zip-based formats, the parts inside (a .docx is a zip
holding word/document.xml; a renamed .exe or .html is refused whatever its name says).

    file = UploadField(label=_("Minutes"), kinds=DOCUMENTS + PHOTOS, max_bytes=10 * MB)
    kind = check_upload(upload, ("pdf", "docx"))      # in a service: ValidationError or the Kind
    file = models.FileField(upload_to=UploadTo("study/minutes"))   # random name, no user text

Stored files are kept under MEDIA_ROOT (var/media by default), which no URL serves: neither
WhiteNoise (static files only) nor a media route; or, with S3_BUCKET set, in a private bucket
whose objects no page links to (chuyende.core.storage.PrivateS3Storage). They reach a browser
only through a scoped view (`stored_response`, reading through the storage API): as an
attachment unless an image shown in the page, with the content type of the kind checked at
upload and X-Content-Type-Options: nosniff.

The size limit of a field is the smaller of its own and UPLOAD_MAX_MB (settings, 50 by default).
"""

from __future__ import annotations

import io
import posixpath
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from .files import open_stored

MB = 1024 * 1024
HEAD = 64  # bytes read for the signatures
MAX_ZIP_RATIO = 200  # office files pack 3–20 times; a zip bomb thousands of times
MAX_ZIP_MEMBERS = 10_000


def _starts(*signatures: bytes) -> Callable[[bytes, object], bool]:
    return lambda head, upload: head.startswith(signatures)


def _webp(head: bytes, upload) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _zip_with(*parts: str, mimetype: bytes | None = None) -> Callable[[bytes, object], bool]:
    """A zip whose directory lists every part (a prefix ending in "/" is a folder), and for the
    OpenDocument formats whose "mimetype" member names the format."""

    def test(head: bytes, upload) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        names = _zip_names(upload, mimetype=mimetype)
        if names is None:
            return False
        return all(
            any(n.startswith(p) for n in names) if p.endswith("/") else p in names for p in parts
        )

    return test


def _any_zip(head: bytes, upload) -> bool:
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06")) and _zip_names(upload) is not None


def _text(head: bytes, upload) -> bool:
    """Text: no NUL byte and no other control character beyond a few, in the first 64 KB."""
    upload.seek(0)
    sample = upload.read(64 * 1024)
    upload.seek(0)
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    controls = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\r\x0c")
    return controls <= max(2, len(sample) // 100)


def _zip_names(upload, *, mimetype: bytes | None = None) -> list[str] | None:
    """The part names of a zip from its directory (nothing extracted but a "mimetype" member),
    None when it is not a readable zip or unpacks to far more than an office file."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                return None
            unpacked = sum(info.file_size for info in infos)
            size = max(getattr(upload, "size", 0) or 0, 1)
            if unpacked > MAX_ZIP_RATIO * size or unpacked > 20 * max_bytes():
                return None
            if mimetype is not None:
                try:
                    if archive.read("mimetype")[:200].strip() != mimetype:
                        return None
                except KeyError:
                    return None
            return [info.filename for info in infos]
    except (
        zipfile.BadZipFile,
        NotImplementedError,
        OSError,
        EOFError,
        ValueError,
        RuntimeError,
        zlib.error,
    ):
        return None  # NotImplementedError: a zip "version" or method Python cannot read
    finally:
        upload.seek(0)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    extensions: tuple[str, ...]
    content_type: str
    test: Callable[[bytes, object], bool]
    inline: bool = False  # may be shown inside a page (an image), not only downloaded


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind("pdf", "PDF", (".pdf",), "application/pdf", _starts(b"%PDF-")),
        Kind(
            "docx",
            "Word (.docx)",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _zip_with("[Content_Types].xml", "word/"),
        ),
        Kind("doc", "Word 97–2003 (.doc)", (".doc",), "application/msword", _starts(OLE2)),
        Kind(
            "odt",
            "OpenDocument (.odt)",
            (".odt",),
            "application/vnd.oasis.opendocument.text",
            _zip_with("content.xml", mimetype=b"application/vnd.oasis.opendocument.text"),
        ),
        Kind(
            "xlsx",
            "Excel (.xlsx)",
            (".xlsx", ".xlsm"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _zip_with("[Content_Types].xml", "xl/"),
        ),
        Kind("xls", "Excel 97–2003 (.xls)", (".xls",), "application/vnd.ms-excel", _starts(OLE2)),
        Kind(
            "ods",
            "OpenDocument (.ods)",
            (".ods",),
            "application/vnd.oasis.opendocument.spreadsheet",
            _zip_with("content.xml", mimetype=b"application/vnd.oasis.opendocument.spreadsheet"),
        ),
        Kind(
            "pptx",
            "PowerPoint (.pptx)",
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            _zip_with("[Content_Types].xml", "ppt/"),
        ),
        Kind("csv", "CSV", (".csv",), "text/csv", _text),
        Kind("txt", "TXT", (".txt",), "text/plain", _text),
        Kind("zip", "ZIP", (".zip",), "application/zip", _any_zip),
        Kind("jpeg", "JPEG", (".jpg", ".jpeg"), "image/jpeg", _starts(b"\xff\xd8\xff"), True),
        Kind("png", "PNG", (".png",), "image/png", _starts(b"\x89PNG\r\n\x1a\n"), True),
        Kind("webp", "WebP", (".webp",), "image/webp", _webp, True),
        Kind("gif", "GIF", (".gif",), "image/gif", _starts(b"GIF87a", b"GIF89a"), True),
    )
}
PHOTOS = ("jpeg", "png", "webp")
IMAGES = (*PHOTOS, "gif")
DOCUMENTS = ("pdf", "docx", "doc", "odt")
SPREADSHEETS = ("xlsx", "xls", "ods", "csv")
PLAN_DOCUMENTS = ("txt", "docx", "pdf")
_BY_EXTENSION = {ext: kind for kind in KINDS.values() for ext in kind.extensions}


def max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_MB", 50)) * MB


def extensions(kinds: Iterable[str]) -> tuple[str, ...]:
    return tuple(ext for key in kinds for ext in KINDS[key].extensions)


def accept(kinds: Iterable[str]) -> str:
    """The file input's accept attribute."""
    return ",".join(extensions(kinds))


def kind_of_name(name: str) -> Kind | None:
    return _BY_EXTENSION.get(PurePath(str(name or "")).suffix.lower())


def _labels(kinds: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(KINDS[key].label for key in kinds))


def check_upload(
    upload, kinds: Iterable[str], *, limit: int | None = None, messages: dict | None = None
) -> Kind:
    """The kind of an uploaded file, among `kinds`, from its name and its content; a
    ValidationError (code "extension", "empty", "too_big" or "content") when the name, the size
    or the content is not right. `messages` replaces the default message of a code (a dict of
    kind → message for "content"); they may use %(name)s, %(kinds)s, %(size)s, %(limit)s and
    %(kind)s."""
    kinds = tuple(kinds)
    name = original_name(getattr(upload, "name", "") or "")
    kind = kind_of_name(name)
    ceiling = min(limit or max_bytes(), max_bytes())
    values = {"name": name, "kinds": _labels(kinds), "limit": filesizeformat(ceiling)}

    def refuse(code, default):
        message = (messages or {}).get(code, default)
        if isinstance(message, dict):
            message = message.get(kind.key, default)
        try:
            text = str(message) % values
        except (KeyError, TypeError, ValueError):  # a message without placeholders
            text = str(message)
        return ValidationError(text, code=code)

    if kind is None or kind.key not in kinds:
        raise refuse(
            "extension",
            _("Upload a file of one of these kinds: %(kinds)s (this one is “%(name)s”)."),
        )
    values["kind"] = kind.label
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    values["size"] = filesizeformat(size)
    if size == 0:
        raise refuse("empty", _("The file “%(name)s” is empty."))
    if size > ceiling:
        raise refuse("too_big", _("The file “%(name)s” is larger than %(limit)s."))
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    if kind.test(head, upload):
        return kind
    if kind.inline:  # a photo saved under another image type's extension: what it really is
        for other in kinds:
            if KINDS[other].inline and KINDS[other].test(head, upload):
                return KINDS[other]
    raise refuse(
        "content",
        _(
            "“%(name)s” is not a real %(kind)s file: its content is of another type or "
            "damaged. Open it and save it again as %(kind)s."
        ),
    )


def original_name(name: str) -> str:
    """The file name as the user gave it, fit to show: no folder, no control character, NFC,
    at most 255 characters with its extension kept."""
    base = posixpath.basename(str(name or "").replace("\\", "/"))
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if len(base) > 255:
        stem, dot, extension = base.rpartition(".")
        base = (
            f"{stem[: 254 - len(extension)]}.{extension}"
            if dot and len(extension) < 20
            else base[:255]
        )
    return base


@deconstructible
class UploadTo:
    """upload_to of a FileField: "<folder>/<year>/<random hex><.ext>", nothing the user typed
    (the name they gave is kept in a field of the model where it is shown)."""

    def __init__(self, folder: str):
        self.folder = folder.strip("/")

    def __call__(self, instance, filename: str) -> str:
        kind = kind_of_name(filename)
        extension = PurePath(filename).suffix.lower() if kind else ""
        return f"{self.folder}/{timezone.now():%Y}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, UploadTo) and other.folder == self.folder

    def __hash__(self):
        return hash(self.folder)


class UploadField(forms.FileField):
    """A file input checked by `check_upload` (kinds, size, content), or by `check`: a function
    of the upload raising ValidationError (an app's own wording of the same checks)."""

    def __init__(
        self,
        *args,
        kinds: Iterable[str],
        max_bytes: int | None = None,
        messages: dict | None = None,
        check: Callable | None = None,
        **kwargs,
    ):
        self.kinds = tuple(kinds)
        self.limit = max_bytes
        self.messages = messages
        self.custom_check = check
        kwargs.setdefault("widget", forms.ClearableFileInput())
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", accept(self.kinds))

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "read") and upload is not initial:
            self.check(upload)
        return upload

    def check(self, upload) -> None:
        try:
            if self.custom_check is not None:
                self.custom_check(upload)
            else:
                check_upload(upload, self.kinds, limit=self.limit, messages=self.messages)
        except ValidationError as error:
            raise forms.ValidationError(error.messages, code=getattr(error, "code", None)) from None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleUploadField(UploadField):
    """Several files in one input (Django's documented pattern), each checked."""

    def __init__(self, *args, max_files: int | None = None, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = [item for item in data if item] if isinstance(data, list | tuple) else [data]
        items = [item for item in items if item]
        if self.max_files is not None and len(items) > self.max_files:
            raise forms.ValidationError(
                _("At most %(n)s files.") % {"n": self.max_files}, code="too_many"
            )
        if not items and self.required:
            return [single(None, initial)]
        return [single(item, initial) for item in items]


# Serving ---------------------------------------------------------------------------------------


def stored_response(field, *, filename: str = "", inline: bool = False) -> FileResponse:
    """A stored file for a scoped view: its content type from the kind checked at upload (the
    storage name's extension), as an attachment unless `inline` and an image, never sniffed."""
    handle = open_stored(field)
    kind = kind_of_name(field.name)
    show = inline and kind is not None and kind.inline
    content_type = kind.content_type if kind else "application/octet-stream"
    name = filename or PurePath(field.name).name
    response = FileResponse(
        handle, as_attachment=not show, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    if show:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
