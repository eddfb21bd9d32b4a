"""Page server time of the main pages under concurrent users (issue 10, item 7).

Real HTTP against gunicorn, served from the database the run prepared (province scale: the
Đắk Lắk demo, built here if missing; SCALE=national: whatever DATABASE_URL holds, nothing is
built). Virtual users (threads, stdlib http.client, a cookie jar each) log in once through the
real login form (GET for the CSRF token, POST) as the demo personas, in a mix like real use
(mostly grassroots officers and members, a few upper-level and provincial officers), then each
walks the main pages of its role in a closed loop with no think time for LOAD_SECONDS.

A member's account meets the privacy notice (`chuyende.privacy`, PRIVACY_CONSENT_GATE) at its
first page: the virtual user reads it and agrees, as a member would (GET the notice, POST its
form), then goes on to the page it asked for; the notice is counted as a page like the others
("privacy notice") and stays in the member's walk.

Per page and persona: requests, server time (the `Server-Timing: app;dur=` header that
`chuyende.core.middleware.ServerTimingMiddleware` puts on every response: Django's own time,
without the wait for a free worker), client latency (connect, queue, server, transfer),
errors, and the worker's CPU time per request (a `cpu` entry the benchmark's own settings add
to Server-Timing: where it is far below the wall time, the request waited for a core or for
the database); in all: requests per second. The baseline is measured in the same run, before the load:
the same pages requested by ONE user, sequentially (median server time), so the ratio is the
cost of concurrency on this machine. Target: p95 server time under load at most 300 ms.

gunicorn runs the production settings (`chuyende.settings`, DEBUG off, static files collected
and served by whitenoise, HTTPS off as `chuyende run` does on a local address) with sync
workers, LOAD_WORKERS of them (default: cores + 1). The app is CPU-bound Python on a 2-core
machine: a sync worker serves one request at a time, so Server-Timing measures a request's own
work, and the 20 users queue at the socket (seen in the client latency). Threads in one process
would share one core under the GIL and show that queueing inside the server time instead,
without more throughput; the extra worker covers the database waits. The task worker
(`chuyende worker`) runs beside it, as `chuyende run` does, since pages ask it to recompute stale
report figures (LOAD_TASK_WORKER=0 leaves it out). LOAD_WORKER_CLASS=gthread with
LOAD_THREADS compares the other choice.

Environment: LOAD_USERS (20), LOAD_SECONDS (30), LOAD_BASELINE_REPEAT (5), LOAD_WORKERS,
LOAD_WORKER_CLASS (sync), LOAD_THREADS (4, gthread only), LOAD_TASK_WORKER (1).
"""

import atexit
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import quote_plus, urlencode, urlsplit

from .common import p, write

TARGET_MS = 300
PASSWORD = "demo"
# The privacy notice a member passes once (chuyende.privacy: privacy:consent), and its page name.
CONSENT_PATH = "/privacy/consent/"
NOTICE_PAGE = "privacy notice"
ROOT = Path(__file__).resolve().parent.parent
# Who the virtual users are, in the order they are handed out: user i is MIX[i % len(MIX)].
# Twenty users: 6 grassroots officers, 5 members, 4 upper-level officers, 2 provincial
# officers, 2 provincial viewers, 1 administrator.
MIX = [
    "coso",
    "doanvien",
    "captren",
    "tinh",
    "coso",
    "doanvien",
    "captren",
    "xem",
    "coso",
    "doanvien",
    "captren",
    "admin",
    "coso",
    "doanvien",
    "captren",
    "tinh",
    "coso",
    "doanvien",
    "coso",
    "xem",
]
# Unaccented name fragments typed into the member search, taken in turn.
SEARCHES = ["nguyen thi", "tran van", "le thi hoa", "pham", "hoang van nam", "ngoc"]
HASHERS = {
    "md5": "django.contrib.auth.hashers.MD5PasswordHasher",
    "pbkdf2_sha256": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "pbkdf2_sha1": "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "argon2": "django.contrib.auth.hashers.Argon2PasswordHasher",
    "bcrypt_sha256": "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "scrypt": "django.contrib.auth.hashers.ScryptPasswordHasher",
}
DEFAULT_HASHERS = ["pbkdf2_sha256", "pbkdf2_sha1", "argon2", "bcrypt_sha256", "scrypt"]


def _env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# Pure pieces (tested in tests/test_load_tool.py) ---------------------------------------------


def server_ms(header: str | None, metric: str = "app") -> float | None:
    """A duration of a Server-Timing header ("app;dur=12.3", maybe among others)."""
    if not header:
        return None
    for entry in header.split(","):
        name, *params = (part.strip() for part in entry.split(";"))
        if name != metric:
            continue
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "dur":
                try:
                    return float(value.strip().strip('"'))
                except ValueError:
                    return None
    return None


_CSRF_INPUT = re.compile(rb"<input[^>]*\bname=[\"']csrfmiddlewaretoken[\"'][^>]*>", re.I)
_VALUE = re.compile(rb"\bvalue=[\"']([^\"']+)[\"']", re.I)


def csrf_token(html: bytes) -> str | None:
    """The CSRF token of the first form of a page."""
    found = _CSRF_INPUT.search(html)
    if found is None:
        return None
    value = _VALUE.search(found.group(0))
    return value.group(1).decode() if value else None


def form_value(html: bytes, name: str) -> str | None:
    """The value of the first input of a page with this name (a hidden field)."""
    found = re.search(
        rb"<input[^>]*\bname=[\"']" + re.escape(name.encode()) + rb"[\"'][^>]*>", html
    )
    if found is None:
        return None
    value = _VALUE.search(found.group(0))
    return value.group(1).decode() if value else ""


def is_consent_gate(status: int, location: str, consent_path: str = CONSENT_PATH) -> bool:
    """Whether an answer sends the user to the privacy notice before the page asked for."""
    return status in (301, 302, 303, 307) and urlsplit(location).path == consent_path


def update_cookies(jar: dict, set_cookie_headers: list[str]) -> None:
    """Apply Set-Cookie headers to a name -> value jar (expired cookies are removed)."""
    for header in set_cookie_headers:
        cookie = SimpleCookie()
        try:
            cookie.load(header)
        except CookieError:
            continue
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0" or (morsel.value == "" and morsel["expires"]):
                jar.pop(name, None)
            else:
                jar[name] = morsel.value


def persona_mix(users: int, mix=MIX) -> list[str]:
    """The persona of each virtual user."""
    return [mix[i % len(mix)] for i in range(users)]


@dataclass
class Sample:
    persona: str
    page: str
    status: int
    server_ms: float | None
    client_ms: float
    error: str = ""
    cpu_ms: float | None = None

    @property
    def ok(self) -> bool:
        return not self.error and self.status == 200


def summarize(samples: list[Sample]) -> dict[tuple[str, str], dict]:
    """Per (persona, page): counts, server time and client latency percentiles, errors."""
    groups: dict[tuple[str, str], list[Sample]] = {}
    for sample in samples:
        groups.setdefault((sample.persona, sample.page), []).append(sample)
    summary = {}
    for key, group in groups.items():
        good = [s for s in group if s.ok]
        server = [s.server_ms for s in good if s.server_ms is not None]
        client = [s.client_ms for s in good]
        cpu = [s.cpu_ms for s in good if s.cpu_ms is not None]
        summary[key] = {
            "count": len(group),
            "errors": len(group) - len(good),
            "server_p50": round(statistics.median(server), 1) if server else None,
            "server_p95": round(p(server, 0.95), 1) if server else None,
            "server_max": round(max(server), 1) if server else None,
            "client_p50": round(statistics.median(client), 1) if client else None,
            "client_p95": round(p(client, 0.95), 1) if client else None,
            "cpu_p50": round(statistics.median(cpu), 1) if cpu else None,
            "statuses": sorted({s.status for s in group if not s.ok}),
            "error_kinds": sorted({s.error for s in group if s.error})[:3],
        }
    return summary


def page_metrics(load: dict, baseline: dict, order: list[tuple[str, str]], at_most=TARGET_MS):
    """One metric per (persona, page): p95 server time under load, the single-user median
    server time of the same page as its baseline."""
    metrics = []
    for key in order:
        if key not in load:
            continue
        persona, page = key
        stats, base = load[key], baseline.get(key, {})
        value = stats["server_p95"]
        base_value = base.get("server_p50")
        metrics.append(
            {
                "metric": f"{persona} {page}",
                "value": value if value is not None else float("nan"),
                "unit": "ms",
                "higher_is_better": False,
                "baseline": {
                    "what": "one user alone, sequential: median server time",
                    "value": base_value,
                },
                "ratio": round(value / base_value, 1) if value and base_value else None,
                "target": {"at_most": at_most},
                "met": value is not None and value <= at_most,
                "requests": stats["count"],
                "errors": stats["errors"],
                "server_p50": stats["server_p50"],
                "server_max": stats["server_max"],
                "client_p50": stats["client_p50"],
                "client_p95": stats["client_p95"],
                "cpu_p50": stats["cpu_p50"],
                "baseline_cpu_p50": base.get("cpu_p50"),
            }
        )
    return metrics


def overall_metrics(load_samples, load_wall, base_samples, base_wall, at_most=TARGET_MS):
    """Every page together: p95 server time and requests per second, beside one user alone."""
    good = [s for s in load_samples if s.ok]
    base_good = [s for s in base_samples if s.ok]
    server = [s.server_ms for s in good if s.server_ms is not None]
    base_server = [s.server_ms for s in base_good if s.server_ms is not None]
    value = round(p(server, 0.95), 1) if server else float("nan")
    base_value = round(statistics.median(base_server), 1) if base_server else None
    rate = round(len(good) / load_wall, 1) if load_wall else 0.0
    base_rate = round(len(base_good) / base_wall, 1) if base_wall else None
    return [
        {
            "metric": "all pages server p95",
            "value": value,
            "unit": "ms",
            "higher_is_better": False,
            "baseline": {"what": "one user alone: median server time", "value": base_value},
            "ratio": round(value / base_value, 1) if server and base_value else None,
            "target": {"at_most": at_most},
            "met": bool(server) and value <= at_most,
            "server_p50": round(statistics.median(server), 1) if server else None,
            "client_p50": round(statistics.median([s.client_ms for s in good]), 1)
            if good
            else None,
            "client_p95": round(p([s.client_ms for s in good], 0.95), 1) if good else None,
        },
        {
            "metric": "throughput",
            "value": rate,
            "unit": "1/s",
            "higher_is_better": True,
            "baseline": {"what": "one user alone, sequential", "value": base_rate},
            "ratio": round(rate / base_rate, 1) if base_rate else None,
            "requests": len(load_samples),
            "errors": len(load_samples) - len(good),
            "seconds": round(load_wall, 1),
        },
    ]


# HTTP ------------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    client_ms: float

    @property
    def server_ms(self):
        return server_ms(self.headers.get("Server-Timing"))

    @property
    def cpu_ms(self):
        return server_ms(self.headers.get("Server-Timing"), "cpu")


@dataclass
class Browser:
    """One user's browser: a connection (kept alive when the server allows) and cookies."""

    port: int
    cookies: dict = field(default_factory=dict)
    timeout: float = 180
    conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict | None = None) -> Response:
        headers = {"Accept-Language": "vi", "User-Agent": "chuyende-load"}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            fresh = self.conn is None
            if fresh:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                # a kept-alive connection the server had closed: send a GET once more
                if attempt or fresh or method != "GET":
                    raise
        elapsed = (time.perf_counter() - started) * 1000
        if response.will_close:
            self.close()
        update_cookies(self.cookies, response.headers.get_all("Set-Cookie") or [])
        return Response(response.status, response.headers, data, elapsed)

    def login(self, username: str, password: str, login_path: str) -> str:
        """Log in through the form; returns "" or what went wrong."""
        page = self.request("GET", login_path)
        token = csrf_token(page.body)
        if page.status != 200 or not token:
            return f"login page answered {page.status}, token {'found' if token else 'missing'}"
        answer = self.request(
            "POST",
            login_path,
            {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/"},
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            return f"login POST answered {answer.status}"
        return ""

    def accept_notice(self, location: str) -> tuple[Response, str]:
        """Read the privacy notice the server sent us to and agree to it, as a member does:
        GET the page, tick the box, POST the form (with the page's `next`). Returns the notice
        page's response and "" or what went wrong."""
        page = self.request("GET", location)
        token = csrf_token(page.body)
        if page.status != 200 or not token:
            return page, f"notice answered {page.status}, token {'found' if token else 'missing'}"
        form = {"csrfmiddlewaretoken": token, "agree": "on"}
        target = form_value(page.body, "next")
        if target is not None:
            form["next"] = target
        answer = self.request("POST", urlsplit(location).path, form)
        if answer.status not in (302, 303):
            return page, f"consent POST answered {answer.status}"
        return page, ""

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _sample(persona: str, page: str, response: Response, error: str = "") -> Sample:
    if not error and response.status != 200:
        error = f"{response.status} {response.headers.get('Location', '')}".strip()
    return Sample(
        persona,
        page,
        response.status,
        response.server_ms,
        response.client_ms,
        error,
        response.cpu_ms,
    )


def fetch_page(browser: Browser, persona: str, page: str, path: str) -> list[Sample]:
    """The page, as a user gets it: when the privacy notice stands before it (a member who has
    not agreed yet), the notice is read and agreed to first and the page asked for again. The
    samples: the notice's (a page like the others, NOTICE_PAGE), then the page's own, last."""
    try:
        response = browser.request("GET", path)
        if not is_consent_gate(response.status, response.headers.get("Location", "")):
            return [_sample(persona, page, response)]
        notice, problem = browser.accept_notice(response.headers["Location"])
        gate = _sample(persona, NOTICE_PAGE, notice, problem)
        if problem:
            return [gate, Sample(persona, page, 0, None, 0.0, f"privacy notice: {problem}")]
        return [gate, _sample(persona, page, browser.request("GET", path))]
    except (OSError, http.client.HTTPException) as exc:
        return [Sample(persona, page, 0, None, 0.0, type(exc).__name__)]


def fetch(browser: Browser, persona: str, page: str, path: str) -> Sample:
    """One GET, as it answers (a redirect is an error)."""
    try:
        response = browser.request("GET", path)
    except (OSError, http.client.HTTPException) as exc:
        return Sample(persona, page, 0, None, 0.0, type(exc).__name__)
    return _sample(persona, page, response)


# The pages of each persona --------------------------------------------------------------------


@dataclass
class Persona:
    username: str
    role: str
    unit_name: str
    pages: list[tuple[str, list[str]]]  # (page, the URLs it is requested with, taken in turn)


def personas(usernames) -> dict[str, Persona]:
    """The main pages of each demo persona, from its role and unit (ids looked up here)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import timezone

    from chuyende.contests.models import Round
    from chuyende.org.models import Member, RoleAssignment
    from chuyende.plans.models import Plan
    from chuyende.reports.models import Report, ReportForm

    User = get_user_model()
    found = {}
    for username in dict.fromkeys(usernames):
        user = User.objects.filter(username=username, is_active=True).first()
        assignment = (
            RoleAssignment.objects.filter(user=user).select_related("unit").order_by("unit__depth")
        ).first()
        if user is None or assignment is None:
            continue
        unit, role = assignment.unit, str(assignment.role)
        pages = [("home", [reverse("core:home")])]
        if role == "member":
            pages += [
                ("my pledge", [reverse("pledges:my_pledge")]),
                ("contests open", [reverse("contests:public_list")]),
                ("showcase", [reverse("honors:showcase")]),
            ]
        else:
            pages += [
                ("unit page", [reverse("org:unit_detail", args=[unit.pk])]),
                ("member list", [reverse("org:member_list")]),
                (
                    "member search",
                    [f"{reverse('org:member_list')}?q={quote_plus(q)}" for q in SEARCHES],
                ),
                ("reports dashboard", [reverse("reports:dashboard")]),
                ("report list", [reverse("reports:report_list")]),
            ]
            form = (
                ReportForm.objects.filter(recipient=unit, period_kind="semester")
                .order_by("pk")
                .first()
            )
            last = (
                Report.objects.filter(form=form).order_by("-period__end").first() if form else None
            )
            if last is not None:
                args = [form.pk, last.period.code]
                pages += [
                    ("report completeness", [reverse("reports:completeness", args=args)]),
                    ("report figures", [reverse("reports:rollup", args=args)]),
                ]
            plan = Plan.objects.for_user(user).order_by("pk").first()
            if plan is not None and plan.unit_id == unit.pk:
                pages.append(("plan board", [reverse("plans:plan_board", args=[plan.pk])]))
            else:
                pages.append(("unit tasks", [reverse("plans:unit_tasks", args=[unit.pk])]))
            pages += [
                ("study sessions", [reverse("study:session_list")]),
                ("study roll-up", [reverse("study:rollup")]),
                ("outreach posts", [reverse("outreach:post_list")]),
                ("outreach figures", [reverse("outreach:rollup")]),
                ("pledge list", [reverse("pledges:pledge_list")]),
                ("pledge figures", [reverse("pledges:figures")]),
                ("nominations", [reverse("honors:nomination_list")]),
            ]
        round_ = (
            Round.objects.filter(contest__published=True, opens_at__lte=timezone.now())
            .order_by("-opens_at", "-pk")
            .first()
        )
        if round_ is not None:
            board = reverse("contests:leaderboard", args=[round_.contest_id, round_.pk])
            pages.append(("contest leaderboard", [board]))
        pages.append(("notifications", [reverse("notifications:notification_list")]))
        if Member.objects.filter(user=user).exists():  # the privacy notice, read again
            pages.append((NOTICE_PAGE, [reverse("privacy:consent")]))
        found[username] = Persona(username, role, unit.display_name, pages)
    return found


# The server -----------------------------------------------------------------------------------


SETTINGS = """
from chuyende.settings import *  # noqa: F403
from chuyende.settings import MIDDLEWARE

DEBUG = False
PASSWORD_HASHERS = {hashers!r}
STATIC_ROOT = {static!r}
MIDDLEWARE = ["load_bench_cpu.CpuTimingMiddleware", *MIDDLEWARE]
"""

# The CPU time the worker's thread spent on the request, beside the app's wall time: on a
# machine shared with other work, the wall time also holds the waits for a core.
CPU_MIDDLEWARE = """
import time


class CpuTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.thread_time()
        response = self.get_response(request)
        took = (time.thread_time() - start) * 1000
        timing = response.headers.get("Server-Timing")
        cpu = f"cpu;dur={took:.1f}"
        response.headers["Server-Timing"] = f"{timing}, {cpu}" if timing else cpu
        return response
"""


def password_hashers(usernames) -> list[str]:
    """The hasher of the personas' stored passwords first (a login then rewrites nothing),
    Django's defaults after."""
    from django.contrib.auth import get_user_model

    stored = get_user_model().objects.filter(username__in=list(usernames))
    algorithms = [pw.split("$", 1)[0] for pw in stored.values_list("password", flat=True)]
    first = [a for a in dict.fromkeys(algorithms) if a in HASHERS]
    return [HASHERS[a] for a in dict.fromkeys(first + DEFAULT_HASHERS)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn (and the task worker) in their own process groups, stopped on exit, failure,
    Ctrl-C or SIGTERM."""

    def __init__(self, folder: Path, env: dict, workers: int, worker_class: str, threads: int):
        self.folder, self.env = folder, env
        self.port = _free_port()
        self.processes: list[subprocess.Popen] = []
        self.logs = [folder / "gunicorn.log", folder / "worker.log"]
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "chuyende.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--timeout",
            "300",
            "--graceful-timeout",
            "5",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ]
        if worker_class == "gthread":
            self.command += ["--threads", str(threads)]

    def _spawn(self, command, log: Path):
        process = subprocess.Popen(
            command,
            cwd=self.folder,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(log, "w"),  # noqa: SIM115
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def start(self, task_worker: bool):
        atexit.register(self.stop)
        web = self._spawn(self.command, self.logs[0])
        if task_worker:
            worker = [sys.executable, "-m", "chuyende.cli", "worker", "--queue-name", "*"]
            self._spawn([*worker, "--no-reload", "-v", "0"], self.logs[1])
        deadline = time.time() + 120
        while time.time() < deadline:
            if web.poll() is not None:
                break
            try:
                status = Browser(self.port, timeout=30).request("GET", "/healthz").status
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz:\n{self.log_tail()}")

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self.processes = []

    def log_tail(self, lines=30) -> str:
        return "\n".join(
            line
            for log in self.logs
            if log.exists()
            for line in log.read_text(errors="replace").splitlines()[-lines:]
        )

    def log_count(self, text: str) -> int:
        return sum(log.read_text(errors="replace").count(text) for log in self.logs if log.exists())


class CpuMeter:
    """Core-seconds the machine was busy over a phase, and how much of it was this run's:
    gunicorn and the task worker (their process groups), the PostgreSQL backends of the run's
    database, and this process (the client threads). PostgreSQL's parallel query workers live
    for one query and are reaped by the postmaster: the CPU of the postmaster's exited children
    is counted as the run's too (they may serve another database on the same cluster). Linux
    /proc; elsewhere it reports nothing. The rest is other work on the machine, which inflates
    every figure of the phase."""

    def __init__(self, groups: list[int], database: str | None):
        self.groups, self.database = set(groups), database
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def _machine(self) -> float:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
        return (user + nice + system + irq + softirq + steal) / self.tick

    def _ours(self) -> tuple[dict[int, float], dict[int, float]]:
        found, stats, parents = {}, {}, set()
        marker = f" {self.database} " if self.database else None
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                rest = stat[stat.rindex(")") + 2 :].split()
                stats[int(entry.name)] = rest
                if int(rest[2]) not in self.groups and int(entry.name) != os.getpid():
                    if marker is None or marker not in (entry / "cmdline").read_text():
                        continue
                    parents.add(int(rest[1]))  # the postmaster
                found[int(entry.name)] = (int(rest[11]) + int(rest[12])) / self.tick
            except (OSError, ValueError, IndexError):
                continue
        for parent in parents:  # children exited and reaped: keyed by the negative pid
            if parent in stats:
                found[-parent] = (int(stats[parent][13]) + int(stats[parent][14])) / self.tick
        # the postmaster's living children: their CPU before the phase is not the phase's
        children = {
            pid: (int(rest[11]) + int(rest[12])) / self.tick
            for pid, rest in stats.items()
            if int(rest[1]) in parents
        }
        return found, children

    def start(self):
        try:
            self.began = (time.perf_counter(), self._machine(), self._ours())
        except OSError:
            self.began = None

    def stop(self) -> dict | None:
        if self.began is None:
            return None
        try:
            wall, machine, ours = time.perf_counter(), self._machine(), self._ours()
        except OSError:
            return None
        (before, children), (ours, living) = self.began[2], ours
        mine = sum(t - before.get(pid, 0.0) for pid, t in ours.items() if pid > 0 or pid in before)
        mine -= sum(t for pid, t in children.items() if pid not in living)  # reaped meanwhile
        busy = machine - self.began[1]
        return {
            "seconds": round(wall - self.began[0], 1),
            "capacity": round((wall - self.began[0]) * (os.cpu_count() or 1), 1),
            "busy": round(busy, 1),
            "run": round(mine, 1),
            "other": round(max(busy - mine, 0.0), 1),
        }


def cpu_check(phase: str, figures: dict | None, share=0.1) -> dict:
    """Whether other work on the machine competed with the run: it took more than `share` of
    the capacity while the machine was near saturation (less than a fifth of it left idle)."""
    if figures is None:
        return {"check": f"machine otherwise idle ({phase})", "passed": False, "detail": "no /proc"}
    return {
        "check": f"machine otherwise idle ({phase})",
        "passed": figures["other"] <= share * figures["capacity"]
        or figures["busy"] <= 0.8 * figures["capacity"],
        "detail": f"{figures['busy']} of {figures['capacity']} core-seconds busy in "
        f"{figures['seconds']} s: {figures['run']} this run's processes, {figures['other']} "
        f"other processes",
    }


def _collectstatic(env: dict, folder: Path):
    subprocess.run(
        [sys.executable, "-m", "chuyende.cli", "collectstatic", "--noinput", "-v", "0"],
        cwd=folder,
        env=env,
        check=True,
    )


# Phases ---------------------------------------------------------------------------------------


def _check_pages(port, catalogue) -> tuple[dict, list[dict]]:
    """Each persona's pages once, by one user: the walk keeps the pages that answer 200."""
    browsers, checks = {}, []
    for name, persona in catalogue.items():
        browser = Browser(port)
        problem = browser.login(name, PASSWORD, "/accounts/login/")
        checks.append(
            {
                "check": f"{name} logs in through the form",
                "passed": not problem,
                "detail": problem or "302 and a session",
            }
        )
        if problem:
            persona.pages = []
            continue
        browsers[name] = browser
        kept = []
        for page, urls in persona.pages:
            samples = [fetch_page(browser, name, page, url)[-1] for url in urls]
            bad = [
                f"{url}: {s.status} {s.error}"
                for url, s in zip(urls, samples, strict=True)
                if not s.ok
            ]
            if bad:
                checks.append(
                    {
                        "check": f"{name} {page} answers 200",
                        "passed": False,
                        "detail": "; ".join(bad),
                    }
                )
            else:
                kept.append((page, urls))
        persona.pages = kept
    return browsers, checks


def _baseline(browsers, catalogue, repeat) -> tuple[list[Sample], float]:
    samples, busy = [], 0.0
    for name, browser in browsers.items():
        for page, urls in catalogue[name].pages:
            for i in range(repeat):
                began = time.perf_counter()
                samples.extend(fetch_page(browser, name, page, urls[i % len(urls)]))
                busy += time.perf_counter() - began
    return samples, busy


def _load(port, catalogue, users, seconds, login_checks, meter) -> tuple[list[Sample], float]:
    """The virtual users log in all at once (the morning rush: session, login record and
    last-login writes together, which SQLite serialises), then walk their pages in a closed
    loop for `seconds` from the moment the last one is in."""
    mix = [name for name in persona_mix(users) if catalogue.get(name) and catalogue[name].pages]
    samples: list[Sample] = []
    logins: list[float] = []
    lock = threading.Lock()
    stop = threading.Event()
    barrier = threading.Barrier(len(mix) + 1, timeout=600)
    ends = []

    def walk(index, name):
        browser = Browser(port)
        began = time.perf_counter()
        try:
            problem = browser.login(name, PASSWORD, "/accounts/login/")
        except (OSError, http.client.HTTPException) as exc:
            problem = type(exc).__name__
        with lock:
            if problem:
                login_checks.append(f"user {index} ({name}): {problem}")
            else:
                logins.append((time.perf_counter() - began) * 1000)
        pages = catalogue[name].pages
        rng = random.Random(index)
        step = rng.randrange(len(pages))  # users of one persona start at different pages
        turns = {}
        mine = []
        barrier.wait()
        while not problem and not stop.is_set():
            page, urls = pages[step % len(pages)]
            turn = turns.get(page, rng.randrange(len(urls)))
            turns[page] = turn + 1
            mine.extend(fetch_page(browser, name, page, urls[turn % len(urls)]))
            step += 1
        browser.close()
        with lock:
            samples.extend(mine)
            ends.append(time.perf_counter())

    threads = [
        threading.Thread(target=walk, args=(index, name), daemon=True)
        for index, name in enumerate(mix)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    _load.logins = logins
    began, cpu = time.perf_counter(), time.process_time()
    meter.start()
    try:
        time.sleep(seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=600)
    _load.client_cpu = time.process_time() - cpu
    return samples, (max(ends) if ends else time.perf_counter()) - began


def _figures_state() -> str:
    from django.utils import timezone

    from chuyende.reports.models import FigureSet

    ages = [
        (timezone.now() - s.computed_at).total_seconds()
        for s in FigureSet.objects.exclude(computed_at=None)
    ]
    if not ages:
        return "no stored figures"
    return f"{len(ages)} stored figure sets, newest {min(ages):.0f} s old, oldest {max(ages):.0f} s"


def _tasks_since(moment) -> str:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    rows = (
        DBTaskResult.objects.filter(enqueued_at__gte=moment)
        .values_list("task_path", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return ", ".join(f"{n} {path.rsplit('.', 1)[-1]} {status}" for path, status, n in rows)


def run(*, scale: str):
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    users = _env_int("LOAD_USERS", 20)
    seconds = _env_int("LOAD_SECONDS", 30)
    repeat = _env_int("LOAD_BASELINE_REPEAT", 5)
    workers = _env_int("LOAD_WORKERS", (os.cpu_count() or 2) + 1)
    worker_class = os.environ.get("LOAD_WORKER_CLASS", "sync")
    threads = _env_int("LOAD_THREADS", 4)
    task_worker = os.environ.get("LOAD_TASK_WORKER", "1") not in ("0", "false", "no")

    if scale == "province":
        call_command("migrate", verbosity=0)
        from chuyende.demo.builder import build_demo

        build_demo(scale=1.0)
        from chuyende import settings as served  # the server's settings, not the tests'

        if served.FIGURES_STORED and _stale_figures(served.FIGURES_MAX_AGE, seconds):
            from chuyende.reports.figures import refresh_all

            refresh_all()  # the run measures pages reading fresh figures, not a recomputation
    names = list(dict.fromkeys(persona_mix(users)))
    catalogue = personas(names)
    if not catalogue:
        raise RuntimeError(f"none of the demo accounts {names} has a role in this database")
    figures_before = _figures_state()
    folder = Path(tempfile.mkdtemp(prefix="chuyende-load-bench-"))
    (folder / "load_bench_cpu.py").write_text(CPU_MIDDLEWARE)
    (folder / "load_bench_settings.py").write_text(
        SETTINGS.format(hashers=password_hashers(names), static=str(folder / "static"))
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "load_bench_settings",
        "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "false",
        "HTTPS": "false",
        "STATIC_MANIFEST": "true",
    }
    _collectstatic(env, folder)
    started_at = timezone.now()
    database = connection.settings_dict["NAME"] if connection.vendor == "postgresql" else None
    connection.close()  # the benchmark process holds no connection while the server runs

    server = Server(folder, env, workers, worker_class, threads)
    previous = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.start(task_worker)
        meter = CpuMeter([proc.pid for proc in server.processes], database)
        browsers, checks = _check_pages(server.port, catalogue)
        static = _static_check(server.port, browsers)
        meter.start()
        base_samples, base_wall = _baseline(browsers, catalogue, repeat)
        base_cpu = meter.stop()
        for browser in browsers.values():
            browser.close()
        login_problems: list[str] = []
        load_samples, load_wall = _load(
            server.port, catalogue, users, seconds, login_problems, meter
        )
        load_cpu = meter.stop()
    finally:
        server.stop()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, previous)
    locked = server.log_count("database is locked")
    server_errors = server.log_count("Internal Server Error")

    order = [(name, page) for name in catalogue for page, _urls in catalogue[name].pages]
    load, base = summarize(load_samples), summarize(base_samples)
    metrics = overall_metrics(load_samples, load_wall, base_samples, base_wall)
    metrics += page_metrics(load, base, order)
    errors = [s for s in load_samples if not s.ok]
    mix = persona_mix(users)
    checks += [
        {
            "check": "every persona of the mix has an account and a role",
            "passed": set(catalogue) == set(names),
            "detail": ", ".join(
                f"{p.username}: {p.role} of {p.unit_name}, {len(p.pages)} pages"
                for p in catalogue.values()
            )
            + "".join(f"; {n}: missing" for n in names if n not in catalogue),
        },
        static,
        cpu_check("baseline", base_cpu),
        cpu_check("load", load_cpu),
        {
            "check": "every virtual user logged in through the form, all at once",
            "passed": not login_problems,
            "detail": "; ".join(login_problems[:5])
            or f"{users} users: "
            + ", ".join(f"{mix.count(n)} {n}" for n in dict.fromkeys(mix))
            + (
                f"; login (GET and POST) median {statistics.median(_load.logins):.0f} ms, "
                f"slowest {max(_load.logins):.0f} ms"
                if _load.logins
                else ""
            ),
        },
        {
            "check": "no error under load (non-200 or no answer)",
            "passed": not errors,
            "detail": f"{len(errors)} of {len(load_samples)}"
            + (f"; e.g. {errors[0].persona} {errors[0].page}: {errors[0].error}" if errors else ""),
        },
        {
            "check": "no 'database is locked' in the server logs",
            "passed": locked == 0,
            "detail": f"{locked} occurrences, {server_errors} logged server errors",
        },
        {
            "check": "server setup",
            "passed": True,
            "detail": f"gunicorn {workers} {worker_class} workers"
            + (f" x {threads} threads" if worker_class == "gthread" else "")
            + f", task worker {'on' if task_worker else 'off'}, {users} users, "
            f"{seconds} s (the client threads used {_load.client_cpu:.1f} s of CPU in "
            f"{load_wall:.1f} s), baseline {repeat} requests per page; figures at start: "
            f"{figures_before}; tasks enqueued during the run: "
            f"{_tasks_since(started_at) or 'none'}",
        },
    ]
    result = write("load", scale, metrics, checks)
    _print_table(load, base, order, load_wall, load_samples)
    return result


def _stale_figures(max_age, seconds) -> bool:
    """No stored figures, or some that would turn stale before the run ends (the checks and
    the baseline take a few minutes besides the load)."""
    from django.utils import timezone

    from chuyende.reports.models import FigureSet

    limit = timezone.now() - timezone.timedelta(seconds=max_age - seconds - 300)
    sets = FigureSet.objects.all()
    return (
        not sets.exclude(computed_at=None).exists() or sets.filter(computed_at__lt=limit).exists()
    )


def _static_check(port, browsers) -> dict:
    """One stylesheet linked from the home page, served by whitenoise."""
    browser = next(iter(browsers.values()), None)
    if browser is None:
        return {"check": "static files served", "passed": False, "detail": "no logged-in user"}
    home = browser.request("GET", "/")
    link = re.search(rb'href="(/static/[^"]+\.css)"', home.body)
    if link is None:
        return {"check": "static files served", "passed": False, "detail": "no stylesheet link"}
    path = link.group(1).decode()
    answer = Browser(port).request("GET", path)
    return {
        "check": "static files served (whitenoise, hashed names)",
        "passed": answer.status == 200,
        "detail": f"{path}: {answer.status}, {len(answer.body):,} bytes",
    }


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _print_table(load, base, order, wall, samples):
    total = len(samples)
    print(f"\nload: {total:,} requests in {wall:.1f} s ({total / wall:.1f}/s); times in ms")
    print(
        f"{'persona':<9}{'page':<22}{'n':>6}{'err':>5}{'srv p50':>9}{'srv p95':>9}"
        f"{'srv max':>9}{'cli p50':>9}{'cli p95':>9}{'cpu p50':>9}{'alone':>8}{'cpu':>7}"
    )
    for key in order:
        if key not in load:
            continue
        s, b = load[key], base.get(key, {})

        def cell(value, width):
            return f"{value:>{width}.1f}" if value is not None else f"{'-':>{width}}"

        flag = " *" if s["server_p95"] is None or s["server_p95"] > TARGET_MS else ""
        print(
            f"{key[0]:<9}{key[1]:<22}{s['count']:>6}{s['errors']:>5}"
            f"{cell(s['server_p50'], 9)}{cell(s['server_p95'], 9)}{cell(s['server_max'], 9)}"
            f"{cell(s['client_p50'], 9)}{cell(s['client_p95'], 9)}{cell(s['cpu_p50'], 9)}"
            f"{cell(b.get('server_p50'), 8)}{cell(b.get('cpu_p50'), 7)}{flag}"
        )
    print(
        f"* p95 server time above {TARGET_MS} ms. srv: Server-Timing app (Django's wall time); "
        "cli: the client's latency (with the wait for a free worker); cpu: the worker's CPU "
        "time; alone: one user alone (median server time and CPU)"
    )


if __name__ == "__main__":
    # Until `load` is registered in benchmarks/__main__.py: python -m benchmarks.load
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="chuyende-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chuyende.settings_test")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    run(scale=os.environ.get("SCALE", "province"))
