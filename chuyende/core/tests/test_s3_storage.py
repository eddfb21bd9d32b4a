"""Uploads on S3-compatible object storage (S3_BUCKET), against a real HTTP S3 endpoint: moto's
server on 127.0.0.1 (ThreadedMotoServer), configured exactly as chuyende/settings.py configures
it from the environment.

The same checks and random names as on disk; nothing reaches MEDIA_ROOT; the scoped views stream
files back from the bucket (and refuse out of scope); the import task reads its upload from the
bucket; deleting removes the object; no page ever names the bucket's host; a backup copies the
objects and a restore puts them back into another bucket."""

import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import boto3
import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import FileField
from django.urls import reverse
from moto.server import ThreadedMotoServer

from chuyende.core import backup
from chuyende.core.tests.test_url_scoping import LIST_URLS, OBJECT_URLS
from chuyende.org.models import Member
from chuyende.outreach.models import OutreachPost
from chuyende.transfer.models import ImportJob
from chuyende.transfer.tests.helpers import member_row, sheet

ROOT = Path(__file__).resolve().parents[3]
KEY_ID, SECRET = "chuyende-test-key", "chuyende-test-secret"
PREFIX = "dak-lak"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LINK = "https://ldldaklak.org.vn/2024/07/28/ky-niem-95-nam-ngay-thanh-lap-cong-doan-viet-nam/"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _default_storage_from_env(tmp_path, extra: dict) -> dict:
    """STORAGES["default"] as chuyende/settings.py makes it from these environment variables."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "chuyende.settings",
        **extra,
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings; "
            "print(json.dumps(settings.STORAGES['default']))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def s3_setting(s3_endpoint, tmp_path_factory):
    return _default_storage_from_env(
        tmp_path_factory.mktemp("settings"),
        {
            "S3_BUCKET": "from-the-environment",
            "S3_ENDPOINT_URL": s3_endpoint,
            "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": KEY_ID,
            "S3_SECRET_ACCESS_KEY": SECRET,
            "S3_PREFIX": f"/{PREFIX}/",
        },
    )


class Bucket:
    def __init__(self, endpoint: str, name: str, prefix: str = PREFIX):
        self.endpoint, self.name, self.prefix = endpoint, name, prefix
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
        )
        self.client.create_bucket(Bucket=name)

    def keys(self) -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {item["Key"] for page in pages for item in page.get("Contents", ())}

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}"

    def body(self, name: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=self.key(name))["Body"].read()

    def setting(self, s3_setting: dict) -> dict:
        return {**s3_setting, "OPTIONS": {**s3_setting["OPTIONS"], "bucket_name": self.name}}


def _use(settings, bucket: Bucket, s3_setting: dict) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": bucket.setting(s3_setting)}


@pytest.fixture
def s3(s3_endpoint, s3_setting, settings, tmp_path):
    """A fresh bucket as the default storage; MEDIA_ROOT an empty folder that must stay so."""
    bucket = Bucket(s3_endpoint, f"chuyende-{uuid.uuid4().hex[:16]}")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _use(settings, bucket, s3_setting)
    return bucket


@pytest.fixture
def s3_world(s3, world):
    """The shared world, its files (plan source, evidence) saved once the bucket is in use."""
    assert s3.key(world.foreign_plan.source_file.name) in s3.keys()
    return world


def _nothing_on_disk(settings):
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(media.rglob("*"))


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# Settings ---------------------------------------------------------------------------------------


def test_the_settings_choose_a_private_bucket_from_the_environment(s3_setting, s3_endpoint):
    assert s3_setting["BACKEND"] == "chuyende.core.storage.PrivateS3Storage"
    assert s3_setting["OPTIONS"] == {
        "bucket_name": "from-the-environment",
        "location": PREFIX,
        "endpoint_url": s3_endpoint,
        "region_name": "us-east-1",
        "addressing_style": "path",
        "access_key": KEY_ID,
        "secret_key": SECRET,
    }


def test_without_a_bucket_the_files_stay_in_media_root(tmp_path):
    setting = _default_storage_from_env(tmp_path, {})
    assert setting == {"BACKEND": "chuyende.core.storage.AtomicFileSystemStorage"}


# Uploads, tasks and scoped views ----------------------------------------------------------------


@pytest.mark.django_db
def test_an_import_upload_lands_in_the_bucket_and_the_task_reads_it_from_there(
    client, s3_world, s3, settings
):
    w, bucket = s3_world, s3
    client.force_login(w.bob)
    junk = SimpleUploadedFile("doan-vien.xlsx", b"MZ\x90\x00 not a workbook")
    refused = client.post(
        reverse("transfer:import_list"), {"kind": "members", "unit": w.a.pk, "file": junk}
    )
    assert refused.status_code == 200 and refused.context["form"].errors
    assert not any("/imports/" in key for key in bucket.keys())  # the checks come first

    upload = sheet([member_row(1), member_row(2, phone="12")])
    data = upload.read()
    upload.seek(0)
    client.post(
        reverse("transfer:import_list"), {"kind": "members", "unit": w.a.pk, "file": upload}
    )
    job = ImportJob.objects.get()
    assert re.fullmatch(r"imports/\d{4}/[0-9a-f]{32}\.xlsx", job.file.name)
    assert bucket.body(job.file.name) == data
    stored = bucket.client.head_object(Bucket=bucket.name, Key=bucket.key(job.file.name))
    assert stored["ContentType"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert stored["ContentDisposition"] == "attachment"
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=bucket.key(job.file.name))
    assert all("URI" not in grant["Grantee"] for grant in grants["Grants"])  # no public grant

    # The sheet in the bucket is replaced behind the application's back and what the upload
    # step kept is dropped: the check must read the bucket's file, now with three good rows.
    replacement = sheet([member_row(1), member_row(2), member_row(3)]).read()
    bucket.client.put_object(Bucket=bucket.name, Key=bucket.key(job.file.name), Body=replacement)
    for key in bucket.keys():
        if key.startswith(bucket.key("imports/cache/")):
            bucket.client.delete_object(Bucket=bucket.name, Key=key)
    mapping = {name: str(index) for name, index in job.mapping.items()}
    client.post(reverse("transfer:import_mapping", args=[job.pk]), mapping)
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.error_count) == ("validated", 3, 0)
    assert any(key.startswith(bucket.key("imports/cache/")) for key in bucket.keys())

    before = Member.objects.count()
    client.post(reverse("transfer:import_confirm", args=[job.pk]), {})
    job.refresh_from_db()
    assert job.status == "done" and Member.objects.count() == before + 3
    # the cells kept between the steps are deleted from the bucket once imported
    assert not any(key.startswith(bucket.key("imports/cache/")) for key in bucket.keys())
    _nothing_on_disk(settings)


@pytest.mark.django_db
def test_the_scoped_views_stream_files_from_the_bucket_and_refuse_out_of_scope(
    client, s3_world, s3
):
    w = s3_world
    original = reverse("plans:plan_original", args=[w.foreign_plan.pk])
    evidence = reverse("plans:evidence_file", args=[w.foreign_evidence.pk])
    client.force_login(w.bob)  # A's manager: B's plan is out of scope
    assert client.get(original).status_code == 404
    assert client.get(evidence).status_code == 404
    client.force_login(w.mallory)
    response = client.get(original)
    assert response.status_code == 200
    assert _body(response) == s3.body(w.foreign_plan.source_file.name) == b"KE HOACH"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"ke-hoach-{w.foreign_plan.pk}.txt" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"].startswith("text/plain")
    photo = client.get(evidence)
    assert photo.status_code == 200 and _body(photo) == b"\xff\xd8 photo"
    assert photo["X-Content-Type-Options"] == "nosniff"
    assert photo["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_a_screenshot_uploaded_through_the_page_is_served_and_deleted_with_its_post(
    client, s3_world, s3, settings, django_capture_on_commit_callbacks
):
    w = s3_world
    client.force_login(w.carol)
    response = client.post(
        reverse("outreach:post_create"),
        {
            "unit": w.a1.pk,
            "link": LINK,
            "channel": "website",
            "title": "Kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam",
            "published_on": "28/07/2024",
            "views": "350",
            "screenshot": SimpleUploadedFile("Ảnh.png", PNG),
        },
    )
    post = OutreachPost.objects.get()
    assert response.status_code == 302
    assert re.fullmatch(r"outreach/\d{4}/[0-9a-f]{32}\.png", post.screenshot.name)
    key = s3.key(post.screenshot.name)
    assert s3.body(post.screenshot.name) == PNG

    screenshot = reverse("outreach:post_screenshot", args=[post.pk])
    client.force_login(w.mallory)
    assert client.get(screenshot).status_code == 404
    client.force_login(w.carol)
    shown = client.get(screenshot)
    assert shown.status_code == 200 and _body(shown) == PNG
    assert shown["Content-Type"] == "image/png" and shown["X-Content-Type-Options"] == "nosniff"

    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.post(reverse("outreach:post_delete", args=[post.pk]))
    assert deleted.status_code == 302 and not OutreachPost.objects.exists()
    assert key not in s3.keys()
    _nothing_on_disk(settings)


# No link to the bucket ---------------------------------------------------------------------------


def _file_models():
    for model in admin.site._registry:
        if any(isinstance(f, FileField) for f in model._meta.get_fields()):
            yield model


@pytest.mark.django_db
def test_no_page_names_the_bucket_and_every_file_view_reads_from_it(client, s3_world, s3):
    """The project-wide walk (every URL sample, in scope) and the admin's change pages of every
    model holding a file, with the files in the bucket: every page answers as on disk, and none
    holds the bucket's address or a signed link, not even the admin's "Currently:" link."""
    w = s3_world
    host = s3.endpoint.split("//", 1)[1]
    leaks = ("X-Amz-", "Signature=", s3.name, host)
    client.force_login(w.mallory)
    pages = [reverse(name) + query for name, query in LIST_URLS.items()]
    pages += [reverse(name, kwargs=make(w)) for name, make in OBJECT_URLS.items()]
    streamed = []
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 403, 405), (url, response.status_code)
        content = _body(response)
        if response.streaming:
            streamed.append(content)
        assert not [leak for leak in leaks if leak in content.decode(errors="replace")], url
    objects = {s3.client.get_object(Bucket=s3.name, Key=key)["Body"].read() for key in s3.keys()}
    # plan files, evidence, minutes, photos, screenshots, ... as the bucket holds them
    assert sum(content in objects for content in streamed) >= 5

    client.force_login(w.admin)
    checked = 0
    for model in _file_models():
        instance = model._default_manager.order_by("pk").first()
        if instance is None:
            continue
        page = client.get(
            reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[instance.pk]
            )
        )
        assert page.status_code == 200, model
        body = page.content.decode()
        assert not [leak for leak in leaks if leak in body], model
        checked += 1
    assert checked >= 3
    admin_plan = client.get(reverse("admin:plans_plan_change", args=[w.foreign_plan.pk]))
    assert f'href="/media/{w.foreign_plan.source_file.name}"' in admin_plan.content.decode()


# Backup and restore -----------------------------------------------------------------------------

RESTORE_DB = "s3_storage_restore"


@pytest.fixture
def target(tmp_path):
    """An empty database of the test's vendor to restore into (a settings dict)."""
    if connection.vendor != "postgresql":
        yield {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")}
        return
    import psycopg

    db = dict(connection.settings_dict, NAME=RESTORE_DB)
    admin_params = backup.pg_params(db, dbname="postgres")
    with psycopg.connect(**admin_params, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{RESTORE_DB}" WITH (FORCE)')
    try:
        yield db
    finally:
        with psycopg.connect(**admin_params, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{RESTORE_DB}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_copies_the_objects_and_a_restore_puts_them_into_another_bucket(
    s3_world, s3, s3_endpoint, s3_setting, settings, tmp_path, target
):
    from chuyende.transfer import cache

    cache.store("imports/cache/parsed-1-x.pickle", {"kept": "between steps"})
    objects = {
        key[len(PREFIX) + 1 :]: s3.client.get_object(Bucket=s3.name, Key=key)["Body"].read()
        for key in s3.keys()
    }
    files = {name: data for name, data in objects.items() if not name.startswith("imports/cache/")}
    assert len(files) >= 2 and len(objects) == len(files) + 1

    archive, manifest = backup.backup(tmp_path / "out")

    assert manifest["storage"] == "PrivateS3Storage"
    assert {f["path"]: (f["size"], f["sha256"]) for f in manifest["files"]} == {
        name: (len(data), hashlib.sha256(data).hexdigest()) for name, data in files.items()
    }
    with tarfile.open(archive) as tar:
        for name, data in files.items():
            assert tar.extractfile(backup.MEDIA_PREFIX + name).read() == data
        assert not [m for m in tar.getnames() if "imports/cache" in m]
    _nothing_on_disk(settings)

    other = Bucket(s3_endpoint, f"chuyende-restored-{uuid.uuid4().hex[:8]}", prefix="restored")
    _use(
        settings,
        other,
        {**s3_setting, "OPTIONS": {**s3_setting["OPTIONS"], "location": "restored"}},
    )
    report = backup.restore(archive, database=target)
    assert report.ok, report.mismatches
    assert report.files == len(files)
    assert {
        key: other.client.get_object(Bucket=other.name, Key=key)["Body"].read()
        for key in other.keys()
    } == {other.key(name): data for name, data in files.items()}
    # A file changed in the bucket after the restore is reported, never passed over.
    changed = sorted(files)[0]
    other.client.put_object(Bucket=other.name, Key=other.key(changed), Body=b"changed")
    report = backup.verify(manifest, target, None, storage=_storage())
    assert report.mismatches == [f"file {changed}: different contents"]
    # Restoring again (forced: the database holds the first restore) puts the file back.
    report = backup.restore(archive, database=target, force=True)
    assert report.ok, report.mismatches
    assert (
        other.client.get_object(Bucket=other.name, Key=other.key(changed))["Body"].read()
        == (files[changed])
    )
    _nothing_on_disk(settings)


def _storage():
    from django.core.files.storage import storages

    return storages["default"]
