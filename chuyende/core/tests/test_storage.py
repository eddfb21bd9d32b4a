"""The file storage writes each file whole under its name, or nothing."""

import errno
import os
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import TemporaryUploadedFile

from chuyende.core.storage import AtomicFileSystemStorage


@pytest.fixture
def storage(tmp_path):
    return AtomicFileSystemStorage(location=tmp_path, base_url="/m/")


def _listing(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_files_are_saved_whole_and_never_over_another(storage, tmp_path):
    first = storage.save("a/b/tệp.txt", ContentFile("một".encode()))
    second = storage.save("a/b/tệp.txt", ContentFile(b"two"))
    assert first == "a/b/tệp.txt" and second != first and second.startswith("a/b/tệp_")
    assert storage.open(first).read() == "một".encode() and storage.open(second).read() == b"two"
    assert _listing(tmp_path) == sorted([first, second])  # no hidden partial file left
    mode = os.stat(tmp_path / first).st_mode & 0o777
    assert mode & 0o044 == 0o044  # readable as Django's storage leaves files (umask 022)


def test_a_large_upload_kept_in_a_temporary_file_is_copied_whole(storage, tmp_path):
    upload = TemporaryUploadedFile("lớn.bin", "application/octet-stream", 0, None)
    upload.write(b"x" * 3_000_000)
    upload.seek(0)
    name = storage.save("uploads/lớn.bin", upload)
    assert (tmp_path / name).stat().st_size == 3_000_000


def test_a_write_failing_midway_leaves_nothing(storage, tmp_path):
    with mock.patch(
        "chuyende.core.storage.os.fsync",
        side_effect=OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
    ):
        with pytest.raises(OSError) as error:
            storage.save("x/y.pdf", ContentFile(b"%PDF-" + b"0" * 10_000))
    assert error.value.errno == errno.ENOSPC
    assert _listing(tmp_path) == []
    assert not storage.exists("x/y.pdf")


def test_text_content_is_stored_as_utf8(storage, tmp_path):
    name = storage.save("t.txt", ContentFile("Công đoàn"))
    assert (tmp_path / name).read_bytes() == "Công đoàn".encode()
