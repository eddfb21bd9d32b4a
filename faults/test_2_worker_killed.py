"""The task worker SIGKILLed in the middle of writing a large member sheet, twice.

After each kill nothing of the sheet is in the database (one transaction). The next worker
finds the task of the dead one and runs it again (the import is safe to repeat); after the
second kill the third worker gives up: the task is FAILED with the reason, the import failed
with a Vietnamese message on its page. Started again by the officer, it imports every row.
"""

import random
import time

from django.utils.html import escape

from .harness import DATABASE, TALLY, form_values, note

ROWS = 60_000
CARD_PREFIX = "FLT-"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Ngọc", "Minh", "Thu", "Xuân", "Quốc", "Thanh"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hạnh", "Hùng", "Lan", "Mai", "Nam", "Nhung", "Sơn"]


def _sheet(rows: int, codes: list[str]) -> bytes:
    rng = random.Random(11)
    lines = ["Mã đơn vị,Họ và tên,Giới tính,Ngày sinh,Dân tộc,Số điện thoại,Số thẻ đoàn viên"]
    for index in range(1, rows + 1):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        born = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1965, 2002)}"
        lines.append(
            f"{rng.choice(codes)},{name},{rng.choice(['Nam', 'Nữ'])},{born},Kinh,"
            f"09{index:08d},{CARD_PREFIX}{index:07d}"
        )
    return ("\n".join(lines) + "\n").encode()


def _members(site) -> tuple[int, int]:
    rows = site.cluster.sql(
        "SELECT count(*), count(*) FILTER (WHERE card_number LIKE %s) FROM org_member",
        [CARD_PREFIX + "%"],
    )
    return rows[0]


def _job(site, pk):
    return site.cluster.sql(
        "SELECT status, message, task_id, error_count, new_count FROM transfer_importjob "
        "WHERE id = %s",
        [pk],
    )[0]


def _task(site, task_id):
    return site.cluster.sql(
        "SELECT status, worker_ids, exception_class_path, traceback "
        "FROM django_tasks_database_dbtaskresult WHERE id = %s",
        [task_id],
    )[0]


def _wait_job(site, pk, statuses, timeout=900):
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = _job(site, pk)
        if job[0] in statuses:
            return job
        time.sleep(0.3)
    raise AssertionError(
        f"import {pk} still {job[0]} after {timeout} s:\n{site.log_tail('worker.log')}"
    )


def _wait_mid_write(site, pk, timeout=900):
    """The worker's backend holding a transaction that has written member rows: the pid."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        rows = site.cluster.sql(
            "SELECT pid, left(query, 40) FROM pg_stat_activity WHERE datname = %s "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL "
            "AND query ILIKE '%%org_member%%'",
            [DATABASE],
        )
        if rows:
            return rows[0]
        status = _job(site, pk)[0]
        assert status == "importing", f"the import ended ({status}) before it could be cut short"
        time.sleep(0.01)
    raise AssertionError("the import never started writing:\n" + site.log_tail("worker.log"))


def _kill_mid_write(site, pk, before):
    backend, query = _wait_mid_write(site, pk)
    worker = site.workers[-1]
    site.kill(worker)
    TALLY["faults injected"] += 1
    deadline = time.time() + 60
    while site.cluster.sql("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [backend]):
        assert time.time() < deadline, "PostgreSQL kept the dead worker's transaction"
        time.sleep(0.1)
    after = _members(site)
    assert after == before, f"half an import was left: {before} members before, {after} after"
    return query


def test_worker_killed_in_the_middle_of_an_import(site):
    from chuyende.core import workers

    client = site.client("tinh")
    province = site.cluster.one("SELECT id FROM org_unit WHERE code = 'DLK'")
    codes = [c for (c,) in site.cluster.sql("SELECT code FROM org_unit WHERE kind = 'grassroots'")]
    sheet = _sheet(ROWS, codes)
    before = _members(site)
    assert before[1] == 0

    response = client.post(
        "/imports/",
        {"kind": "members", "unit": province, "preset": ""},
        files={"file": ("danh-sach-doan-vien.csv", sheet, "text/csv")},
    )
    assert response.status == 302 and "/columns/" in response.location, response.body[:2000]
    pk = int(response.location.strip("/").split("/")[-2])
    mapping = form_values(client.get(response.location).body)
    mapping.pop("csrfmiddlewaretoken", None)
    response = client.post(response.location, mapping)
    assert response.status == 302, response.body[:2000]
    status, message, *_rest, errors, new = _wait_job(site, pk, {"validated", "failed"})
    assert (status, errors, new) == ("validated", 0, ROWS), message

    response = client.post(f"/imports/{pk}/import/", {})
    assert response.status == 302
    task_id = _job(site, pk)[2]

    # 1. killed while writing; the next worker runs it again
    query = _kill_mid_write(site, pk, before)
    assert _job(site, pk)[0] == "importing" and _task(site, task_id)[0] == "RUNNING"
    note(f"[worker] SIGKILL 1 during `{query}…`: members unchanged ({before[0]:,})")
    site.start_worker()

    # 2. killed again on its second run; the third worker gives up
    _kill_mid_write(site, pk, before)
    task = _task(site, task_id)
    assert task[0] == "RUNNING" and len(task[1]) == 2, task[:2]
    note("[worker] task retried by a new worker, SIGKILL 2 mid-write: members unchanged")
    site.start_worker()
    status, message, *_ = _wait_job(site, pk, {"failed", "done"}, timeout=120)
    task = _task(site, task_id)
    assert status == "failed" and message == workers.lost_reason(2), (status, message)
    assert task[0] == "FAILED" and task[2] == "chuyende.core.workers.WorkerLost", task[:3]
    assert _members(site) == before
    assert escape(message) in client.get(f"/imports/{pk}/").body
    note(f"[worker] third worker marked the task FAILED; the import says: {message}")

    # 3. started again by the officer, it goes through whole
    response = client.post(f"/imports/{pk}/import/", {})
    assert response.status == 302
    status, message, *_ = _wait_job(site, pk, {"done", "failed"})
    assert status == "done", message
    after = _members(site)
    assert after == (before[0] + ROWS, ROWS), after
    TALLY["writes checked"] += ROWS
    note(
        f"[worker] imported again: {ROWS:,} rows written once ({after[0]:,} members); "
        f"{site.worker_starts} worker processes started"
    )
