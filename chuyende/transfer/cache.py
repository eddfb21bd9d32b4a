"""Intermediate results of an import kept between its steps (upload → check → import), so a
100,000-row sheet is read once and its cells parsed once.

Kept in the private file storage as pickles signed with the site's secret key: a file that was
not written by this installation (or was altered) is ignored, never unpickled.
"""

import hashlib
import hmac
import pickle

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

SIGNATURE = 32  # bytes of HMAC-SHA256 in front of the pickle


def _sign(data: bytes) -> bytes:
    key = hashlib.sha256(("chuyende.transfer.cache" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, data, hashlib.sha256).digest()


def store(name: str, value) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    default_storage.delete(name)
    default_storage.save(name, ContentFile(_sign(data) + data))


def load(name: str):
    """The stored value, or None when it is missing or its signature does not match."""
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        blob = handle.read()
    signature, data = blob[:SIGNATURE], blob[SIGNATURE:]
    if not hmac.compare_digest(signature, _sign(data)):
        return None
    return pickle.loads(data)  # noqa: S301 — signed by this installation, checked above


def forget(*names: str) -> None:
    for name in names:
        default_storage.delete(name)
