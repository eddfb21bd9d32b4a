"""PostgreSQL stopped for 10 seconds while browsers read pages and send forms.

While it is down every page answers 503 with the plain "try again" page (never a 500, never a
trace); every form answered with success before or after is in the database afterwards; the site
comes back by itself once PostgreSQL is up, and so does the task worker.
"""

import random
import statistics
import threading
import time

from .harness import TALLY, fault_page, note

THREADS = 6
READS = ["/", "/materials/", "/members/", "/healthz", "/imports/"]
WRITE_SHARE = 0.3
BEFORE = 8  # seconds of load before the stop
OUTAGE = 10  # seconds PostgreSQL stays down
AFTER = 12  # seconds of load after it is back
GRACE = 5  # seconds after PostgreSQL is back within which a page may still fail


def test_postgresql_down_under_load(site):
    province = site.cluster.one("SELECT id FROM org_unit WHERE code = 'DLK'")
    clients = [site.client("tinh") for _ in range(THREADS)]
    results = []
    lock = threading.Lock()
    stop = threading.Event()

    def drive(index, client):
        rng = random.Random(index)
        sent = 0
        while not stop.is_set():
            if rng.random() < WRITE_SHARE:
                sent += 1
                title = f"FAULTS outage {index}-{sent}"
                kind, path = "write", "/materials/new/"
                fields = {
                    "unit": province,
                    "title": title,
                    "kind": "link",
                    "url": f"https://example.vn/tai-lieu/{index}/{sent}",
                    "description": "",
                    "plan": "",
                    "audiences_other": "",
                }
                call = lambda path=path, fields=fields: client.post(path, fields)  # noqa: E731
            else:
                title, kind, path = None, "read", rng.choice(READS)
                call = lambda path=path: client.get(path)  # noqa: E731
            started = time.monotonic()
            try:
                response = call()
                outcome = (response.status, response.headers, response.body, response.location)
            except OSError as error:
                outcome = (0, {}, f"{type(error).__name__}: {error}", "")
            with lock:
                results.append((kind, path, title, started, time.monotonic(), *outcome))
            if outcome[0] == 503:
                time.sleep(0.2)  # a person reads the page before trying again

    threads = [
        threading.Thread(target=drive, args=(i, c), daemon=True) for i, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(BEFORE)
        stopping = time.monotonic()
        site.cluster.stop("immediate")  # as a crash would: no goodbye to the connections
        down_from = time.monotonic()
        time.sleep(OUTAGE)
        up_begins = time.monotonic()
        site.cluster.start()
        up_at = time.monotonic()
        time.sleep(AFTER)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)

    def ok(row):
        kind, _path, _title, _s, _e, status, _h, _b, location = row
        if kind == "write":
            return status == 302 and location.startswith("/materials/")
        return status == 200

    during = [r for r in results if r[3] >= down_from and r[4] <= up_begins]
    after = [r for r in results if r[3] >= up_at + GRACE]
    server_errors = [r for r in results if r[5] >= 500 and r[5] != 503]
    traces = [r for r in results if "Traceback" in r[7]]
    unanswered = [r for r in results if r[5] == 0]
    not_fault_page = [r for r in during if not fault_page(_response(r), 503)]
    failed_after = [r for r in after if not ok(r)]
    acknowledged = [r[2] for r in results if r[0] == "write" and ok(r)]
    refused_writes = [r[2] for r in results if r[0] == "write" and r[5] == 503]
    stored = {
        title
        for (title,) in site.cluster.sql(
            "SELECT title FROM materials_material WHERE title LIKE 'FAULTS outage %%'"
        )
    }
    lost = [t for t in acknowledged if t not in stored]
    first_ok = min((r[4] for r in results if r[3] >= up_at and ok(r)), default=None)
    outage_ms = [1000 * (r[4] - r[3]) for r in during]

    TALLY["faults injected"] += 1
    TALLY["writes checked"] += len(acknowledged)
    note(
        f"[outage] {len(results)} requests by {THREADS} browsers ({sum(r[0] == 'write' for r in results)} "
        f"form posts); PostgreSQL stopped (immediate) {down_from - stopping:.1f} s, down "
        f"{up_begins - down_from:.1f} s"
    )
    note(
        f"[outage] while down: {len(during)} requests, "
        f"{sum(fault_page(_response(r), 503) for r in during)} answered 503 try-again "
        f"(median {statistics.median(outage_ms) if outage_ms else 0:.0f} ms); "
        f"500s anywhere: {len(server_errors)}, traces: {len(traces)}, no answer: {len(unanswered)}"
    )
    note(
        f"[outage] writes acknowledged {len(acknowledged)}, found afterwards "
        f"{len(acknowledged) - len(lost)}, lost {len(lost)}; answered 503 {len(refused_writes)} "
        f"(of which stored anyway {sum(t in stored for t in refused_writes)})"
    )
    note(
        f"[outage] first success {first_ok - up_at:.1f} s after PostgreSQL was up; "
        f"{len(after)} requests from {GRACE} s after: {len(after) - len(failed_after)} succeeded"
        if first_ok
        else "[outage] no success after PostgreSQL came back"
    )

    assert not server_errors, _show(server_errors)
    assert not traces, _show(traces)
    assert not unanswered, _show(unanswered)
    assert len(during) >= THREADS, "the load did not run during the outage"
    assert not not_fault_page, _show(not_fault_page)
    assert refused_writes, "no form was sent during the outage"
    assert not lost, f"acknowledged writes missing afterwards: {lost[:10]}"
    assert first_ok is not None and after, "the site did not come back"
    assert not failed_after, _show(failed_after)

    # The task worker rode the outage out and still works.
    worker = site.workers[-1]
    assert worker.poll() is None, "the task worker died with the database:\n" + site.log_tail(
        "worker.log"
    )
    response = clients[0].post("/exports/new/", {"kind": "members", "format": "csv"})
    assert response.status == 302 and "/exports/" in response.location, response.status
    export = int(response.location.rstrip("/").rsplit("/", 1)[-1])
    deadline = time.time() + 120
    while time.time() < deadline:
        status = site.cluster.one("SELECT status FROM transfer_exportjob WHERE id = %s", [export])
        if status in ("done", "failed"):
            break
        time.sleep(0.5)
    assert status == "done", f"export after the outage: {status}\n{site.log_tail('worker.log')}"
    note("[outage] the task worker survived the outage and ran an export after it")


def _response(row):
    from .harness import Response

    return Response(row[5], row[6], row[7])


def _show(rows, most=5):
    return "\n".join(
        f"{kind} {path} → {status}: {body[:300]!r}"
        for kind, path, _t, _s, _e, status, _h, body, _l in rows[:most]
    )
