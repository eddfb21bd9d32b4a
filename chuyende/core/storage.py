"""The uploaded files' storage: Django's FileSystemStorage, except that a file appears under its
name only once it is complete.

Django writes an upload straight to its final name; when the disk fills up (ENOSPC) or the
process is killed halfway, a truncated file stays there. Here the bytes go to a hidden
`.upload-*.part` file in the same folder, are flushed to disk, and only then linked to the free
name (an atomic step); on any error the partial file is removed and the error raised, so the
transaction that would have named the file rolls back and nothing half-saved remains. Backups
skip hidden files.
"""

from __future__ import annotations

import errno
import os
import tempfile

from django.core.files.storage import FileSystemStorage
from django.core.files.utils import validate_file_name
from django.utils._os import safe_makedirs


def _umask() -> int:
    """The process's umask, read without changing it (os.umask would, for every thread)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


_DEFAULT_MODE = 0o666 & ~_umask()
# Filesystems without hard links answer these; the name is then reserved by an empty file that
# the complete one replaces.
_NO_LINK = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK}


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        validate_file_name(name, allow_relative_path=True)
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        try:
            if self.directory_permissions_mode is not None:
                safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
            else:
                os.makedirs(directory, exist_ok=True)
        except FileExistsError:
            raise FileExistsError(f"{directory} exists and is not a directory.") from None
        fd, partial = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=directory)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                out.flush()
                os.fsync(out.fileno())  # a full disk may only say so here
            os.chmod(
                partial,
                self.file_permissions_mode
                if self.file_permissions_mode is not None
                else _DEFAULT_MODE,
            )
            while True:
                try:
                    self._publish(partial, full_path)
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
                else:
                    break
        finally:
            if os.path.lexists(partial):
                os.unlink(partial)
        name = os.path.relpath(full_path, self.location)
        self._ensure_location_group_id(full_path)
        return str(name).replace("\\", "/")

    def _publish(self, partial: str, full_path: str) -> None:
        """Give the complete file its final name, never over another file (unless the storage
        allows overwriting)."""
        if self._allow_overwrite:
            os.replace(partial, full_path)
            return
        try:
            os.link(partial, full_path)  # FileExistsError when the name is taken
        except OSError as error:
            if isinstance(error, FileExistsError) or error.errno not in _NO_LINK:
                raise
            os.close(os.open(full_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            os.replace(partial, full_path)
