"""A 100,000-row member sheet imported into the province, end to end, next to two bare baselines
measured in the same run on the same file and rows (issue 6):

- the fastest reader's bare read of the file (python-calamine, every cell to Python values);
- a bare write of the same 100,000 finished rows into the member table: COPY on PostgreSQL,
  one executemany INSERT on SQLite, inside a transaction that is rolled back.

The platform's figure is what an officer waits for: upload (header detection, column guess),
the check (every cell parsed, units resolved, matches looked up, errors listed) and the import
(checked again against the database, then written in one transaction), through the same services
the screens call, with the task backend of the test settings running the tasks inline.
Target: within 3× the sum of the two baselines.
"""

import datetime
import os
import random
import resource
import statistics
import tempfile
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from chuyende.org.models import Member, Unit
from chuyende.transfer import members as engine
from chuyende.transfer import services

from .common import prepare, write

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
CARD_PREFIX = "BENCH-"
TARGET_RATIO = 3.0
HEADER = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Dân tộc",
    "Số điện thoại",
    "Số CCCD",
    "Số thẻ đoàn viên",
    "Chức vụ",
    "Ngày vào công đoàn",
    "Mã đơn vị",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "H'", "Y"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Ngọc", "Minh", "Thị Thu", "Xuân"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hạnh", "Hùng", "Lan", "Mai", "Nam", "Nhung", "Sơn"]


def _sheet(path, codes):
    from openpyxl import Workbook

    rng = random.Random(6)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Đoàn viên")
    sheet.append(["DANH SÁCH ĐOÀN VIÊN CÔNG ĐOÀN (bản kiểm thử tốc độ)"])
    sheet.append(HEADER)
    for n in range(1, ROWS + 1):
        born = datetime.date(1965 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28))
        sheet.append(
            [
                n,
                f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                "Nữ" if rng.random() < 0.55 else "Nam",
                born.strftime("%d/%m/%Y") if n % 3 else born,
                "Ê Đê" if rng.random() < 0.1 else "Kinh",
                f"09{n:08d}",
                f"0669{n:08d}",
                f"{CARD_PREFIX}{n:07d}",
                "Công nhân",
                f"0{1 + n % 9}/0{1 + n % 9}/2015",
                codes[n % len(codes)],
            ]
        )
    workbook.save(path)


def _bare_read(path):
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    assert len(rows) >= ROWS


def _finished_rows(codes_to_ids):
    """The same rows as the table would hold them, prepared outside the timing."""
    now = datetime.datetime.now(datetime.UTC)
    rng = random.Random(6)
    ids = list(codes_to_ids.values())
    rows = []
    for n in range(1, ROWS + 1):
        values = {
            "unit_id": ids[n % len(ids)],
            "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            "gender": "female",
            "date_of_birth": datetime.date(1980, 1, 1),
            "ethnicity": "Kinh",
            "phone": f"09{n:08d}",
            "id_number": f"0669{n:08d}",
            "card_number": f"{CARD_PREFIX}{n:07d}",
            "job_title": "Công nhân",
            "joined_on": datetime.date(2015, 1, 1),
        }
        row = engine.new_member_values(values, now)
        rows.append([row[c] for c in engine.COPY_COLUMNS])
    return rows


def _bare_write(rows):
    table = Member._meta.db_table
    columns = ", ".join(f'"{c}"' for c in engine.COPY_COLUMNS)
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(engine.COPY_COLUMNS))
                cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)
        transaction.set_rollback(True)


def _platform(path, province, user):
    with open(path, "rb") as handle:
        upload = SimpleUploadedFile("doan-vien-100k.xlsx", handle.read())
    started = time.perf_counter()
    job = services.import_start(unit=province, kind="members", upload=upload, acting_user=user)
    job = services.import_map(job=job, mapping=job.mapping, acting_user=user)
    job.refresh_from_db()
    checked = time.perf_counter()
    services.import_confirm(job=job, valid_only=False, acting_user=user)
    job.refresh_from_db()
    done = time.perf_counter()
    return job, (checked - started) * 1000, (done - checked) * 1000


def _cleanup():
    with transaction.atomic():
        Member.objects.filter(card_number__startswith=CARD_PREFIX).delete()


def _median_ms(fn, repeat=3):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def run(*, scale: str):
    prepare(scale)
    _cleanup()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="tinh")
    province = Unit.objects.get(code="DLK")
    grassroots = dict(
        Unit.objects.filter(path__startswith=province.path, kind="grassroots")
        .order_by("path")
        .values_list("code", "id")
    )
    codes = list(grassroots)
    path = os.path.join(tempfile.mkdtemp(prefix="chuyende-bench-"), "members.xlsx")
    _sheet(path, codes)
    size_mb = os.path.getsize(path) / 2**20
    members_before = Member.objects.count()

    read_ms = _median_ms(lambda: _bare_read(path))
    finished = _finished_rows(grassroots)
    write_ms = _median_ms(lambda rows=finished: _bare_write(rows))
    del finished
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    job, check_ms, import_ms = _platform(path, province, user)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    total_ms = check_ms + import_ms
    added = Member.objects.count() - members_before
    baseline = read_ms + write_ms
    ratio = round(total_ms / baseline, 2)
    bare_what = "COPY" if connection.vendor == "postgresql" else "executemany INSERT"
    metrics = [
        {
            "metric": "import_100k_total_ms",
            "value": round(total_ms, 1),
            "unit": "ms",
            "higher_is_better": False,
            "baseline": {
                "what": f"calamine bare read ({read_ms:.0f} ms) + bare {bare_what} "
                f"of the same rows ({write_ms:.0f} ms)",
                "value": round(baseline, 1),
            },
            "ratio": ratio,
            "target": {"ratio_at_most": TARGET_RATIO},
            "met": ratio <= TARGET_RATIO,
        },
        {
            "metric": "import_upload_and_check_ms",
            "value": round(check_ms, 1),
            "unit": "ms",
            "higher_is_better": False,
        },
        {
            "metric": "import_check_again_and_write_ms",
            "value": round(import_ms, 1),
            "unit": "ms",
            "higher_is_better": False,
        },
        {"metric": "bare_read_ms", "value": round(read_ms, 1), "unit": "ms"},
        {
            # a figure, not a check: peak resident memory of the process (ru_maxrss), before
            # the import and after it
            "metric": "peak_rss_mb",
            "value": round(rss_after / 1024),
            "unit": "MB",
            "higher_is_better": False,
            "before_import": round(rss_before / 1024),
        },
        {
            "metric": f"bare_{bare_what.split()[0].lower()}_ms",
            "value": round(write_ms, 1),
            "unit": "ms",
        },
    ]
    checks = [
        {
            "check": "every row imported once",
            "passed": job.status == "done" and job.new_count == ROWS and added == ROWS,
            "detail": f"status {job.status}, {job.new_count} new, {added} rows added, "
            f"{job.error_count} errors; file {size_mb:.1f} MB",
        },
    ]
    _cleanup()
    return write("imports", scale, metrics, checks)
