"""The contest under a synchronised rush: real HTTP against gunicorn, many simulated participants.

Three apps are served in turn under the same gunicorn settings and driven by the same client
threads (http.client, one keep-alive connection per simulated participant):

- the machine's limit: a minimal WSGI app inserting one row with plain psycopg (sqlite3 when
  the run has no PostgreSQL);
- Django's floor: a bare Django view (same settings and middleware) doing one
  `Model.objects.create`;
- the contest: every participant starts an attempt at the same moment, then every participant
  submits 20 answers and a prediction at the same moment; some submits are sent twice.

Afterwards the database must hold exactly one entry per accepted submit, and the unit tallies
must add up to it. With a local PostgreSQL cluster, a last phase restarts PostgreSQL in the
middle of a rush (`pg_ctlcluster … restart`); clients retry, and every submit that got a
success answer must be in the database exactly once. CONTEST_BENCH_RESTART=0 skips it.
"""

import datetime
import http.client
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from .common import p, write

PARTICIPANTS = int(os.environ.get("CONTEST_BENCH_PARTICIPANTS", "1200"))
CLIENTS = int(os.environ.get("CONTEST_BENCH_CLIENTS", "16"))
WORKERS = int(os.environ.get("CONTEST_BENCH_WORKERS", str(2 * (os.cpu_count() or 2) + 1)))
RETRY_SHARE = 10  # one submit in ten is sent a second time
HOST = "testserver"
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SETTINGS = """
from {base} import *  # noqa
CONTESTS_STARTS_PER_ADDRESS = 10**9
ROOT_URLCONF = "contest_bench_urls"
DEBUG = False
# 1,200 participants from one address: the per-address limits of public pages would refuse them
RATELIMIT_ENABLED = False
LOGGING = {{"version": 1, "disable_existing_loggers": True}}
"""

URLS = """
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from chuyende.core.models import AuditEvent
from chuyende.urls import urlpatterns as project


@csrf_exempt
def create(request):
    AuditEvent.objects.create(action="create", object_type="bench", object_repr="bench")
    return HttpResponse("ok")


urlpatterns = [path("bench/create/", create), *project]
"""

WSGI_PG = """
import os
import psycopg

_conn = None


def app(environ, start_response):
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg.connect(os.environ["BENCH_PG_DSN"], autocommit=True)
    with _conn.cursor() as cur:
        cur.execute("insert into bench_row (at, note) values (now(), %s)", ("bench",))
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
"""

WSGI_SQLITE = """
import os
import sqlite3

_conn = None


def app(environ, start_response):
    global _conn
    if _conn is None:
        _conn = sqlite3.connect(os.environ["BENCH_SQLITE"], timeout=30, isolation_level=None)
        _conn.execute("pragma journal_mode=wal")
    _conn.execute("insert into bench_row (at, note) values (datetime('now'), 'bench')")
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
"""


class Server:
    """gunicorn serving one app, same settings for every app of the run."""

    def __init__(self, app: str, folder: Path, env: dict):
        self.port = _free_port()
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "--keep-alive",
            "5",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=folder,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(folder / f"gunicorn-{self.port}.log", "w"),  # noqa: SIM115
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError(f"gunicorn did not start for {app}")
        time.sleep(1.0)  # let every worker boot

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


class Client:
    """One simulated participant's browser: a keep-alive connection and its cookies."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.conn = None

    def request(self, method, path, body: dict | None = None):
        from urllib.parse import urlencode

        headers = {"Host": HOST, "Connection": "keep-alive"}
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                response.read()
                return response.status, response.getheader("Location", "")
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        return 0, ""


def _drive(port, jobs, clients, make_cookies=None, retries=0):
    """Run `jobs` (callables taking a Client, returning (ok, status)) over `clients` threads;
    returns (latencies ms of successful calls, results, wall seconds)."""
    lock = threading.Lock()
    queue = list(enumerate(jobs))
    failures = [0]
    latencies, results = [], [None] * len(jobs)
    barrier = threading.Barrier(clients + 1)

    def worker():
        barrier.wait()
        while True:
            with lock:
                if not queue:
                    return
                index, job = queue.pop()
            client = Client(port, make_cookies(index) if make_cookies else None)
            outcome = None
            for attempt in range(retries + 1):
                started = time.perf_counter()
                try:
                    outcome = job(client)
                except (OSError, http.client.HTTPException):
                    outcome = (False, 0, "")
                elapsed = (time.perf_counter() - started) * 1000
                if outcome[0]:
                    with lock:
                        latencies.append(elapsed)
                    break
                with lock:
                    failures[0] += 1
                time.sleep(min(0.25 * 2**attempt, 2.0))
            results[index] = outcome
            if client.conn is not None:
                client.conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    _drive.failures = failures[0]
    return latencies, results, time.perf_counter() - started


def _warm(port, path, count=60):
    client = Client(port)
    for _ in range(count):
        client.request(
            "POST" if path.startswith("/bench") or path == "/" else "GET",
            path,
            {"x": "1"} if path.startswith("/bench") or path == "/" else None,
        )
    client.conn.close()


def _throughput(metric, latencies, wall, base_rate, base_what, ratio_at_least):
    rate = round(len(latencies) / wall, 1) if wall else 0.0
    ratio = round(rate / base_rate, 2) if base_rate else None
    return {
        "metric": metric,
        "value": rate,
        "unit": "1/s",
        "higher_is_better": True,
        "baseline": {"what": base_what, "value": base_rate},
        "ratio": ratio,
        "target": {"ratio_at_least": ratio_at_least},
        "met": ratio is not None and ratio >= ratio_at_least,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(p(latencies, 0.99), 1) if latencies else None,
    }


def _latency(metric, latencies, at_most, base=None, base_what=""):
    value = round(p(latencies, 0.99), 1) if latencies else 0.0
    result = {
        "metric": metric,
        "value": value,
        "unit": "ms",
        "higher_is_better": False,
        "target": {"at_most": at_most},
        "met": bool(latencies) and value <= at_most,
        "p50": round(statistics.median(latencies), 1) if latencies else None,
    }
    if base:
        base_value = round(p(base, 0.99), 1)
        result["baseline"] = {"what": base_what, "value": base_value}
        result["ratio"] = round(value / base_value, 1) if base_value else None
    return result


def _prepare_contest(n_participants, label):
    """A published contest with an open round and participants with ready sessions (the
    registration step is not what is measured)."""
    from django.contrib.sessions.backends.db import SessionStore

    from chuyende.contests import selectors
    from chuyende.contests.demo_questions import QUESTIONS, as_fields
    from chuyende.contests.models import Contest, Participant, Question, Round
    from chuyende.org.models import Member, Unit

    province = Unit.objects.get(code="DLK")
    contest = Contest.objects.create(unit=province, title=f"Benchmark {label}", published=True)
    Question.objects.bulk_create(
        [Question(contest=contest, **as_fields(entry)) for entry in QUESTIONS]
    )
    now = timezone.now()
    round_ = Round.objects.create(
        contest=contest,
        number=1,
        opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(hours=3),
        attempts_allowed=1,
        questions_per_attempt=20,
        time_limit_minutes=20,
        quotas={},
    )
    members = list(
        Member.objects.filter(unit__path__startswith=province.path)
        .order_by("id")
        .values_list("pk", "full_name", "unit_id", "unit__path")[:n_participants]
    )
    participants = Participant.objects.bulk_create(
        [
            Participant(
                contest=contest,
                member_id=pk,
                full_name=name,
                phone=f"09{index:08d}",
                unit_id=unit_id,
            )
            for index, (pk, name, unit_id, _path) in enumerate(members)
        ]
    )
    sessions = []
    for participant, (_pk, _name, _unit, path) in zip(participants, members, strict=True):
        store = SessionStore()
        store[f"contests:p:{contest.pk}"] = [participant.pk, path]
        store.create()
        secret = secrets.token_hex(16)  # a 32-character CSRF secret, cookie and form alike
        sessions.append({"sessionid": store.session_key, "csrftoken": secret})
    selectors.round_bank(contest)
    return contest, round_, sessions


def _contest_rush(port, contest, round_, sessions, *, retries=0, during=None):
    """Start then submit for every participant; returns figures and the accepted tokens."""
    from chuyende.contests.models import Attempt

    start_path = f"/thi/{contest.pk}/rounds/{round_.pk}/start/"
    tokens = [None] * len(sessions)

    def start_job(index):
        def job(client):
            status, location = client.request(
                "POST", start_path, {"csrfmiddlewaretoken": sessions[index]["csrftoken"]}
            )
            ok = status == 302 and "/thi/a/" in location
            if ok:
                tokens[index] = location.rstrip("/").rsplit("/", 1)[-1]
            return ok, status, location

        return job

    start_latencies, start_results, start_wall = _drive(
        port,
        [start_job(i) for i in range(len(sessions))],
        CLIENTS,
        make_cookies=lambda i: sessions[i],
        retries=retries,
    )
    questions = dict(Attempt.objects.filter(round=round_).values_list("token", "questions"))
    accepted = []
    lock = threading.Lock()

    def submit_job(index):
        token = tokens[index]
        body = {
            "csrfmiddlewaretoken": sessions[index]["csrftoken"],
            "prediction": str(1000 + index),
            "submit_key": secrets.token_hex(8),
        }
        for qid, order in questions.get(token, []):
            body[f"q{qid}"] = str(order[index % len(order)])

        def job(client):
            status, location = client.request("POST", f"/thi/a/{token}/submit/", body)
            ok = status == 302 and location.endswith("/result/")
            if ok and index % RETRY_SHARE == 0:  # a retried submit: same answer, no new entry
                again, location2 = client.request("POST", f"/thi/a/{token}/submit/", body)
                ok = again == 302 and location2 == location
            if ok:
                with lock:
                    accepted.append(token)
            return ok, status, location

        return job

    ready = [i for i in range(len(sessions)) if tokens[i]]
    side = None
    if during is not None:
        side = threading.Thread(target=during, daemon=True)
        side.start()
    submit_latencies, submit_results, submit_wall = _drive(
        port,
        [submit_job(i) for i in ready],
        CLIENTS,
        make_cookies=lambda i: sessions[ready[i]],
        retries=retries,
    )
    failed_tries = _drive.failures
    if side is not None:
        side.join(timeout=120)
    return {
        "failed_tries": failed_tries,
        "start": (start_latencies, start_wall, sum(1 for r in start_results if r and r[0])),
        "submit": (submit_latencies, submit_wall, len(accepted)),
        "accepted": accepted,
        "starts": len(ready),
        "errors": [r for r in submit_results + start_results if r and not r[0]][:5],
    }


def _check_once(round_, accepted) -> dict:
    from django.db.models import Sum

    from chuyende.contests.models import Attempt, UnitTally

    submitted = set(
        Attempt.objects.filter(round=round_, status="submitted").values_list("token", flat=True)
    )
    tallied = UnitTally.objects.filter(round=round_).aggregate(n=Sum("entries"))["n"] or 0
    accepted_set = set(accepted)
    passed = (
        accepted_set <= submitted
        and len(accepted) == len(accepted_set)
        and tallied == len(submitted)
    )
    return {
        "passed": passed,
        "detail": f"{len(accepted_set)} accepted submits, {len(submitted)} submitted attempts "
        f"in the database, tallies count {tallied}",
    }


def _pg_cluster():
    """(version, name) of the local cluster serving the run, or None."""
    if connection.vendor != "postgresql" or not shutil.which("pg_ctlcluster"):
        return None
    host = connection.settings_dict.get("HOST") or "localhost"
    if host not in ("localhost", "127.0.0.1", "") and not host.startswith("/"):
        return None
    try:
        lines = subprocess.run(
            ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return None
    port = str(connection.settings_dict.get("PORT") or 5432)
    for line in lines:
        parts = line.split()
        if len(parts) >= 4 and parts[2] == port and parts[3] == "online":
            return parts[0], parts[1]
    return None


def run(*, scale: str):
    print(
        "contest: rate limits off (RATELIMIT_ENABLED=False, CONTESTS_STARTS_PER_ADDRESS "
        "unlimited): every simulated participant comes from this one address, which the "
        "per-address limits would refuse; this measures capacity, not the limits"
    )
    call_command("migrate", verbosity=0)
    from chuyende.demo.builder import build_demo

    build_demo(scale=1.0, plan=False)  # the tree and its members are all the rush needs
    folder = Path(tempfile.mkdtemp(prefix="chuyende-contest-bench-"))
    base_settings = os.environ.get("DJANGO_SETTINGS_MODULE", "chuyende.settings_test")
    (folder / "contest_bench_settings.py").write_text(SETTINGS.format(base=base_settings))
    (folder / "contest_bench_urls.py").write_text(URLS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "contest_bench_settings",
        "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}",
        "ALLOWED_HOSTS": HOST,
    }
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                "create table if not exists bench_row (id bigserial primary key,"
                " at timestamptz, note text)"
            )
        else:
            cursor.execute(
                "create table if not exists bench_row (id integer primary key autoincrement,"
                " at text, note text)"
            )
    if postgres:
        s = connection.settings_dict
        env["BENCH_PG_DSN"] = (
            f"host={s.get('HOST') or 'localhost'} port={s.get('PORT') or 5432} "
            f"dbname={s['NAME']} user={s.get('USER') or ''} password={s.get('PASSWORD') or ''}"
        )
        (folder / "bench_wsgi.py").write_text(WSGI_PG)
    else:
        env["BENCH_SQLITE"] = str(connection.settings_dict["NAME"])
        (folder / "bench_wsgi.py").write_text(WSGI_SQLITE)
    connection.close()

    n = PARTICIPANTS
    metrics, checks = [], []

    # 1. The machine's limit: one row per request with plain psycopg.
    server = Server("bench_wsgi:app", folder, env)
    try:
        _warm(server.port, "/")
        plain, _r, plain_wall = _drive(
            server.port,
            [lambda c: (c.request("POST", "/", {"x": "1"})[0] == 200, 200, "")] * n,
            CLIENTS,
        )
    finally:
        server.stop()
    plain_rate = round(len(plain) / plain_wall, 1)

    # 2. Django's floor: a bare view doing one Model.objects.create, same settings.
    server = Server("chuyende.wsgi:application", folder, env)
    try:
        _warm(server.port, "/bench/create/")
        _warm(server.port, "/thi/")
        floor, _r, floor_wall = _drive(
            server.port,
            [lambda c: (c.request("POST", "/bench/create/", {"x": "1"})[0] == 200, 200, "")] * n,
            CLIENTS,
        )
        floor_rate = round(len(floor) / floor_wall, 1)

        # 3. The contest: a synchronised start, then a synchronised submit.
        contest, round_, sessions = _prepare_contest(n, "rush")
        connection.close()
        rush = _contest_rush(server.port, contest, round_, sessions)
        start_lat, start_wall, started = rush["start"]
        submit_lat, submit_wall, submitted = rush["submit"]
        metrics += [
            _throughput(
                "contest_submits_per_s",
                submit_lat,
                submit_wall,
                floor_rate,
                "bare Django view, one Model.objects.create",
                0.9,
            ),
            _latency("contest_submit_p99_ms", submit_lat, 300, floor, "bare Django view p99"),
            _throughput(
                "contest_starts_per_s",
                start_lat,
                start_wall,
                floor_rate,
                "bare Django view, one Model.objects.create",
                0.9,
            ),
            _latency("contest_start_p99_ms", start_lat, 300, floor, "bare Django view p99"),
            _throughput(
                "django_floor_per_s",
                floor,
                floor_wall,
                plain_rate,
                "minimal WSGI + psycopg insert",
                0.0,
            ),
            {
                "metric": "machine_limit_per_s",
                "value": plain_rate,
                "unit": "1/s",
                "higher_is_better": True,
                "p50_ms": round(statistics.median(plain), 1) if plain else None,
                "p99_ms": round(p(plain, 0.99), 1) if plain else None,
            },
        ]
        once = _check_once(round_, rush["accepted"])
        checks.append(
            {
                "check": "one entry per accepted submit",
                "passed": once["passed"] and submitted == started == n,
                "detail": f"{started}/{n} starts, {submitted} submits accepted; " + once["detail"],
            }
        )

        # 4. PostgreSQL restarted in the middle of a rush: retries, nothing lost or doubled.
        cluster = _pg_cluster()
        if cluster and os.environ.get("CONTEST_BENCH_RESTART", "1") != "0":
            contest2, round2, sessions2 = _prepare_contest(n, "restart")
            connection.close()
            restarted = {}

            def restart():
                time.sleep(0.5)
                began = time.perf_counter()
                subprocess.run(
                    ["pg_ctlcluster", cluster[0], cluster[1], "stop", "-m", "fast"],
                    capture_output=True,
                )
                time.sleep(3)
                subprocess.run(["pg_ctlcluster", cluster[0], cluster[1], "start"], check=False)
                restarted["seconds"] = round(time.perf_counter() - began, 1)

            storm = _contest_rush(
                server.port, contest2, round2, sessions2, retries=12, during=restart
            )
            time.sleep(1)
            connection.close()
            once = _check_once(round2, storm["accepted"])
            checks.append(
                {
                    "check": "PostgreSQL stopped and restarted mid-rush: every accepted submit "
                    "is in the database exactly once",
                    "passed": once["passed"],
                    "detail": f"down {restarted.get('seconds', '?')} s; "
                    f"{storm['start'][2]}/{n} starts, {len(storm['accepted'])} submits "
                    f"accepted, {storm['failed_tries']} failed tries retried; " + once["detail"],
                }
            )
        else:
            checks.append(
                {
                    "check": "PostgreSQL restart mid-rush",
                    "passed": False,  # not shown, so not claimed
                    "detail": "not run (CONTEST_BENCH_RESTART=0, or no local cluster and "
                    "pg_ctlcluster)",
                }
            )
    finally:
        server.stop()
    print(f"contest: {n} participants, {CLIENTS} client threads, {WORKERS} gunicorn sync workers")
    return write("contest", scale, metrics, checks)
