"""The uploads' disk full (a small tmpfs filled up): an upload answers with a clear message, and
leaves no file, no partial file and no row; with room again, the same upload goes through."""

import hashlib
import os
import random

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from .harness import TALLY, fault_page, note

DISK_FULL = (
    "The server's disk is full, so your file was not saved and nothing was recorded. Please tell "
    "the system administrator, then send it again."
)


def _listing(root):
    return sorted(
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _dirs, names in os.walk(root)
        for name in names
    )


def _counts(site):
    return site.cluster.sql(
        "SELECT (SELECT count(*) FROM materials_material), (SELECT count(*) FROM "
        "transfer_importjob), (SELECT count(*) FROM core_auditevent)"
    )[0]


def test_an_upload_on_a_full_disk(site):
    if not site.media_mounted:
        pytest.skip("needs root: the uploads' folder is filled on a tmpfs of its own")
    client = site.client("tinh")
    province = site.cluster.one("SELECT id FROM org_unit WHERE code = 'DLK'")
    rng = random.Random(3)
    pdf = b"%PDF-1.4\n%" + rng.randbytes(2_000_000) + b"\n%%EOF\n"
    sheet = ("Mã đơn vị,Họ và tên,Giới tính\n" + "X,Nguyễn Văn A,Nam\n" * 60_000).encode()

    stats = os.statvfs(site.media)
    room = 256 * 1024
    filler = site.media / "filler.bin"
    with open(filler, "wb") as out:
        left = stats.f_bavail * stats.f_frsize - room
        while left > 0:
            left -= out.write(b"\0" * min(left, 8 << 20))
    files, counts = _listing(site.media), _counts(site)
    with translation.override("vi"):
        expected = escape(gettext(DISK_FULL))

    fields = {"unit": province, "title": "FAULTS đĩa đầy", "kind": "pdf", "url": "", "plan": ""}
    material = client.post(
        "/materials/new/", fields, files={"file": ("tai-lieu.pdf", pdf, "application/pdf")}
    )
    sheet_upload = client.post(
        "/imports/",
        {"kind": "members", "unit": province, "preset": ""},
        files={"file": ("doan-vien.csv", sheet, "text/csv")},
    )
    TALLY["faults injected"] += 2
    for response in (material, sheet_upload):
        assert fault_page(response, 507), (response.status, response.body[:500])
        assert expected in response.body
    assert _listing(site.media) == files, "a file or a partial file was left on the full disk"
    assert _counts(site) == counts, "a row was written for an upload that failed"
    note(
        f"[disk] uploads of {len(pdf):,} and {len(sheet):,} bytes with {room // 1024} KiB free: "
        f"both 507 with the message, no file, no partial file, no row"
    )

    filler.unlink()
    response = client.post(
        "/materials/new/", fields, files={"file": ("tai-lieu.pdf", pdf, "application/pdf")}
    )
    assert response.status == 302 and response.location.startswith("/materials/"), response.status
    (stored,) = site.cluster.sql(
        "SELECT file FROM materials_material WHERE title = %s", ["FAULTS đĩa đầy"]
    )[0]
    path = site.media / stored
    assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(pdf).digest()
    assert not [f for f in _listing(site.media) if os.path.basename(f).startswith(".upload-")]
    TALLY["writes checked"] += 1
    note("[disk] with room again the same upload is stored whole")
