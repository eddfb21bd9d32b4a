"""The intermediate results of an import are read back only when this installation signed them."""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from chuyende.transfer import cache


def test_a_stored_value_comes_back_whole():
    value = {"rows": [[3, {"date_of_birth": datetime.date(1985, 3, 2)}, False]]}
    cache.store("imports/cache/test.pickle", value)
    assert cache.load("imports/cache/test.pickle") == value
    cache.forget("imports/cache/test.pickle")
    assert cache.load("imports/cache/test.pickle") is None


def test_an_altered_or_foreign_file_is_never_unpickled():
    cache.store("imports/cache/test.pickle", {"a": 1})
    with default_storage.open("imports/cache/test.pickle", "rb") as handle:
        blob = bytearray(handle.read())
    blob[-2] ^= 0xFF
    default_storage.delete("imports/cache/test.pickle")
    default_storage.save("imports/cache/test.pickle", ContentFile(bytes(blob)))
    assert cache.load("imports/cache/test.pickle") is None
    default_storage.delete("imports/cache/test.pickle")
    default_storage.save("imports/cache/test.pickle", ContentFile(b"\0" * 32 + b"cos\nsystem\n"))
    assert cache.load("imports/cache/test.pickle") is None
