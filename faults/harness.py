"""Real processes for the fault tests: a private PostgreSQL cluster, the site served by gunicorn
with a task worker, HTTP clients that log in and post forms like a browser, and a tally of what
was tried.

Nothing here touches the machine's own PostgreSQL: the cluster lives in a temporary folder, on a
free port from 55432 up, run by the `postgres` account when the tests run as root (initdb
refuses root).
"""

from __future__ import annotations

import base64
import glob
import html.parser
import http.client
import os
import pickle
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "chuyende_faults"
TALLY: Counter = Counter()
_TALLY_LOCK = threading.Lock()
NOTES: list[str] = []


def note(line: str) -> None:
    NOTES.append(line)
    print(line, flush=True)


# PostgreSQL -------------------------------------------------------------------------------------


def pg_bin() -> Path:
    for candidate in ["/usr/local/bin", *sorted(glob.glob("/usr/lib/postgresql/*/bin"))[::-1]]:
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    raise RuntimeError("PostgreSQL server programs (initdb, pg_ctl) are not installed")


def _ephemeral() -> range:
    """The ports the kernel hands to outgoing connections: a server port chosen among them may
    be taken by a client socket by the time the server restarts (thousands of requests)."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return range(low, high + 1)


def free_port(start: int = 55432) -> int:
    ephemeral = _ephemeral()
    if start in ephemeral:
        start = 25432 if 25432 + 200 < ephemeral.start else 1024 + start % 1000
    for port in range(start, start + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for the private PostgreSQL")


class Cluster:
    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "pgdata"
        self.sockets = folder / "pgsock"
        self.log = folder / "postgresql.log"
        self.port = free_port()
        self.bin = pg_bin()
        self.as_postgres = os.geteuid() == 0

    def _run(self, *args, check=True, timeout=120):
        command = [str(a) for a in args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=timeout)

    def init(self):
        self.data.mkdir()
        self.sockets.mkdir()
        if self.as_postgres:
            os.chmod(self.folder, 0o755)
            shutil.chown(self.data, "postgres", "postgres")
            shutil.chown(self.sockets, "postgres", "postgres")
            self.log.touch()
            shutil.chown(self.log, "postgres", "postgres")
        self._run(
            self.bin / "initdb",
            "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.sockets} -c max_connections=100"
        )
        for _attempt in range(3):
            result = self._run(
                self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "180",
                "-o", options, "start", check=False,
            )  # fmt: skip
            if result.returncode == 0:
                return
            time.sleep(2)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace").splitlines()[-30:]
            raise RuntimeError(
                f"PostgreSQL did not start: {result.stdout}{result.stderr}\n" + "\n".join(log)
            )

    def stop(self, mode="fast"):
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def running(self) -> bool:
        return (
            self._run(self.bin / "pg_ctl", "-D", self.data, "status", check=False).returncode == 0
        )

    def url(self, database=DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database=DATABASE, autocommit=True):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database,
            autocommit=autocommit, connect_timeout=5,
        )  # fmt: skip

    def sql(self, query, params=None, database=DATABASE):
        with self.connect(database) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def one(self, query, params=None):
        rows = self.sql(query, params)
        return rows[0][0] if rows else None


# HTTP -------------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict
    body: str
    started: float = 0.0
    ended: float = 0.0

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class _Forms(html.parser.HTMLParser):
    """The values a browser would send for the selects and inputs of a page."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = attrs.get("name")
            if self._select:
                self.values.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")
        elif tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit", "file"):
            self.values.setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_values(page: str) -> dict[str, str]:
    parser = _Forms()
    parser.feed(page)
    return parser.values


class Client:
    """One browser: its cookies, its session, its CSRF token."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None, timeout=60) -> Response:
        with _TALLY_LOCK:
            TALLY["requests"] += 1
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            data = raw.read()
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    pair = value.split(";", 1)[0]
                    key, _, val = pair.partition("=")
                    if val in ('""', "") or "max-age=0" in value.lower():
                        self.cookies.pop(key.strip(), None)
                    else:
                        self.cookies[key.strip()] = val
            headers = {k.lower(): v for k, v in raw.getheaders()}
            return Response(
                raw.status, headers, data.decode("utf-8", "replace"), started, time.monotonic()
            )
        finally:
            conn.close()

    def get(self, path, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path, fields, files=None, referer=None, **kw) -> Response:
        fields = list(fields.items()) if isinstance(fields, dict) else list(fields)
        fields.append(("csrfmiddlewaretoken", self.cookies.get("csrftoken", "")))
        headers = {"Referer": referer or f"http://127.0.0.1:{self.port}{path}"}
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in fields:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            for name, (filename, content, ctype) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                )
            parts.append(f"--{boundary}--\r\n".encode())
            body = b"".join(parts)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.request("POST", path, body=body, headers=headers, **kw)

    def login(self, username, password="demo"):
        self.get("/accounts/login/")
        response = self.post(
            "/accounts/login/", {"username": username, "password": password, "next": "/"}
        )
        if response.status != 302 or "sessionid" not in self.cookies:
            raise AssertionError(f"login as {username} failed: {response.status}")
        return self


# The site ---------------------------------------------------------------------------------------


@dataclass
class Site:
    folder: Path
    cluster: Cluster
    media: Path
    media_mounted: bool = False
    port: int = 0
    env: dict = field(default_factory=dict)
    web: subprocess.Popen | None = None
    workers: list = field(default_factory=list)
    worker_starts: int = 0

    @classmethod
    def create(cls) -> Site:
        folder = Path(tempfile.mkdtemp(prefix="chuyende-faults-"))
        os.chmod(folder, 0o755)
        cluster = Cluster(folder)
        media = folder / "media"
        media.mkdir()
        site = cls(folder=folder, cluster=cluster, media=media)
        site.mount_media()
        return site

    def mount_media(self, size="256m"):
        """The uploads on a filesystem of their own (tmpfs), so the disk-full test can fill it
        without touching the machine's disk. Needs root; otherwise the media stay a folder."""
        if os.geteuid() != 0:
            return
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(self.media)],
            capture_output=True,
            text=True,
        )
        self.media_mounted = result.returncode == 0
        if not self.media_mounted:
            note(f"(media not on tmpfs: {result.stderr.strip()})")

    def manage(self, *args, timeout=900):
        result = subprocess.run(
            [sys.executable, "-m", "chuyende.cli", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"chuyende {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def setup(self, scale="0.02"):
        self.cluster.init()
        self.cluster.start()
        with self.cluster.connect("postgres") as conn:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "MEDIA_ROOT")
            and not k.startswith("PG")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="chuyende.settings",
            DATABASE_URL=self.cluster.url(),
            VAR_DIR=str(self.folder / "var"),
            MEDIA_ROOT=str(self.media),
            SECRET_KEY="faults-" + secrets.token_urlsafe(30),
            DEBUG="false",
            HTTPS="false",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            RATELIMIT_ENABLED="false",
            TWO_FACTOR_REQUIRED="false",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        self.env = env
        self.manage("migrate", "--noinput", "-v0")
        self.manage("demo", "--scale", scale)
        self.manage("collectstatic", "--noinput", "-v0")

    def _spawn(self, command, log_name):
        log = open(self.folder / log_name, "ab")  # noqa: SIM115
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_web(self, workers=3, threads=4):
        self.port = free_port(18000)
        self.web = self._spawn(
            [
                sys.executable, "-m", "gunicorn", "chuyende.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                "--threads", str(threads), "--timeout", "180", "--graceful-timeout", "5",
            ],
            "gunicorn.log",
        )  # fmt: skip
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.web.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log_tail("gunicorn.log"))
            try:
                if Client(self.port).get("/healthz", timeout=5).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer:\n" + self.log_tail("gunicorn.log"))

    def start_worker(self) -> subprocess.Popen:
        self.worker_starts += 1
        worker = self._spawn(
            [
                sys.executable, "-m", "chuyende.cli", "worker", "--queue-name", "*",
                "--no-reload", "--interval", "0.3", "--no-startup-delay", "-v", "1",
            ],
            "worker.log",
        )  # fmt: skip
        self.workers.append(worker)
        return worker

    def kill(self, process, sig=signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)

    def client(self, username=None) -> Client:
        client = Client(self.port)
        return client.login(username) if username else client

    def log_tail(self, name, lines=40) -> str:
        path = self.folder / name
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def log_text(self, name) -> str:
        path = self.folder / name
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self):
        for process in [self.web, *self.workers]:
            if process is not None and process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in [self.web, *self.workers]:
            if process is None:
                continue
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if self.cluster.data.exists() and self.cluster.running():
            self.cluster.stop("fast")
        if self.media_mounted:
            subprocess.run(["umount", str(self.media)], check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    # What the tests read from the database -----------------------------------------------------

    def cached(self, key: str):
        """A value of the site's database cache (Django's DatabaseCache: base64 pickles)."""
        rows = self.cluster.sql(
            "SELECT value FROM chuyende_cache WHERE cache_key = %s AND expires > now()",
            [f":1:{key}"],
        )
        return pickle.loads(base64.b64decode(rows[0][0])) if rows else None  # noqa: S301


def fault_page(response: Response, status: int) -> bool:
    """The plain fault page: its status, Retry-After, the page's own markup, no trace."""
    return (
        response.status == status
        and response.headers.get("retry-after", "").isdigit()
        and '<html lang="vi">' in response.body
        and "Traceback" not in response.body
    )
