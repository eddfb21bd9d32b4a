"""Reading an uploaded plan document for the review screen, and keeping the upload meanwhile."""

import io
import re
import uuid
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .parsing import PlanReadError, parse_plan_text, read_plan_file
from .parsing.readers import MSG_NOT_A_PLAN

INCOMING = "plans/incoming"
_TOKEN = re.compile(r"^[0-9a-f]{32}\.(txt|docx|pdf)$")


def read_upload(upload) -> tuple[str, dict, bytes]:
    """(text, parsed plan, raw bytes) of an uploaded document; PlanReadError when unreadable."""
    data = upload.read()
    text = read_plan_file(io.BytesIO(data), upload.name)
    parsed = parse_plan_text(text)
    if parsed["kind"] is None and not parsed["sections"]:
        raise PlanReadError(MSG_NOT_A_PLAN)
    return text, parsed, data


def stash_upload(data: bytes, filename: str) -> str:
    """Keep the uploaded file until the officer saves the reviewed plan; returns a token."""
    suffix = PurePosixPath(filename).suffix.lower().lstrip(".") or "txt"
    token = f"{uuid.uuid4().hex}.{suffix}"
    default_storage.save(f"{INCOMING}/{token}", ContentFile(data))
    return token


def take_stashed(token: str):
    """The stashed file for a token (a ContentFile named like the original), or None."""
    if not token or not _TOKEN.match(token):
        return None
    path = f"{INCOMING}/{token}"
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        content = ContentFile(handle.read(), name=token)
    return content


def discard_stashed(token: str) -> None:
    if token and _TOKEN.match(token):
        default_storage.delete(f"{INCOMING}/{token}")
