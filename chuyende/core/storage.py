"""The uploaded files' storage: Django's FileSystemStorage, except that a file appears under its
name only once it is complete; or, when S3_BUCKET is set, a private bucket of an S3-compatible
object store (PrivateS3Storage, below).

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
from urllib.parse import urljoin

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.utils import validate_file_name
from django.db import transaction
from django.utils._os import safe_makedirs
from django.utils.encoding import filepath_to_uri

try:  # the optional extra "s3": django-storages with boto3
    from storages.backends.s3 import S3Storage
except ImportError:  # pragma: no cover - settings refuse S3_BUCKET without it
    S3Storage = None


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


def unserved_url(name: str) -> str:
    """What a stored file's `.url` gives: a path under MEDIA_URL, which no route and no server
    serves (stored files reach a browser only through scoped views)."""
    return urljoin(settings.MEDIA_URL, filepath_to_uri(name))


if S3Storage is not None:

    class PrivateS3Storage(S3Storage):
        """Uploads in a private bucket of an S3-compatible object store (AWS S3, MinIO, Ceph,
        a cloud provider's object storage), kept exactly as MEDIA_ROOT keeps them:

        - Private: no ACL is sent, so objects take the bucket's own (private) policy, and
          `url()` never names the bucket (neither a public nor a pre-signed link): it gives the
          same unserved /media/ path as the filesystem storage, so no page, form widget or admin
          page can hand out a way around the scoped views, which read files with `open()`.
        - Never overwritten: a name that is taken gets another (random names rarely meet).
        - Whole or absent: S3 makes an object visible only when its upload completes, as
          AtomicFileSystemStorage does on disk. (An interrupted multipart upload leaves
          invisible parts: a bucket lifecycle rule aborting incomplete uploads removes them.)
        - Typed by its name: the stored Content-Type is that of the kind checked at upload
          (chuyende.core.uploads), never what the browser claimed, and every object is marked
          as an attachment should the bucket ever be exposed by mistake.
        - Read without holding it all in memory: past FILE_UPLOAD_MAX_MEMORY_SIZE a file being
          read spills to a temporary file.
        """

        default_acl = None
        querystring_auth = False
        file_overwrite = False

        def get_default_settings(self):
            defaults = super().get_default_settings()
            defaults["max_memory_size"] = settings.FILE_UPLOAD_MAX_MEMORY_SIZE
            return defaults

        def get_object_parameters(self, name):
            from .uploads import kind_of_name

            params = super().get_object_parameters(name)
            kind = kind_of_name(name)
            params.setdefault(
                "ContentType", kind.content_type if kind else "application/octet-stream"
            )
            params.setdefault("ContentDisposition", "attachment")
            return params

        def url(self, name, parameters=None, expire=None, http_method=None):
            return unserved_url(name)


def delete_after_commit(storage, names) -> None:
    """Delete these stored files once the transaction that stopped using them commits (a rolled
    back write keeps them: its rows still point at them)."""
    for name in names:
        if name:
            transaction.on_commit(lambda name=name: storage.delete(name))
