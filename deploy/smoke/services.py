"""Helpers of the production smoke test for the machine's services (run with the new venv's
Python: psycopg and redis are dependencies of the application).

    services.py free-ports N                     N free TCP ports on 127.0.0.1
    services.py db-create ADMIN_URL NAME         a new, empty database
    services.py db-drop ADMIN_URL NAME           drop it (closing its connections); check it is gone
    services.py redis-claim BASE_URL TAG [DB]    an empty Redis database other than 0, marked as ours
    services.py redis-free BASE_URL DB TAG       empty it again, if it is still ours
    services.py redis-keys BASE_URL DB           how many keys it holds
    services.py wait-http PORT PATH [SECONDS]    until 127.0.0.1:PORT answers 200 (as nginx would ask)
    services.py tasks DATABASE_URL               the task results: who ran what; fails on a failed task
    services.py sql DATABASE_URL FILE            run the SQL statements of FILE (one per ";" line end)
"""

import http.client
import socket
import sys
import time

CLAIM = "chuyende-smoke:claim"


def free_ports(count):
    sockets = []
    try:
        for _n in range(int(count)):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        print(" ".join(str(s.getsockname()[1]) for s in sockets))
    finally:
        for s in sockets:
            s.close()


def _pg(url):
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=10)


def db_create(url, name):
    from psycopg import sql

    with _pg(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def db_drop(url, name):
    from psycopg import sql

    with _pg(url) as conn:
        # Bounded: DROP DATABASE waits for every backend of the server to acknowledge it, and a
        # server busy elsewhere must not hang the test; it fails instead, naming the database.
        conn.execute("SET statement_timeout = '600s'")
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        left = conn.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    if left[0]:
        raise SystemExit(f"database {name} is still there")


def _redis(base, db):
    import redis

    return redis.Redis.from_url(f"{base.rstrip('/')}/{int(db)}", socket_timeout=10)


def redis_claim(base, tag, wanted=None):
    candidates = [int(wanted)] if wanted else range(15, 0, -1)
    for db in candidates:
        if db == 0:
            continue
        client = _redis(base, db)
        if client.dbsize() == 0 and client.set(CLAIM, tag, nx=True):
            print(db)
            return
    raise SystemExit(f"no empty Redis database among {list(candidates)} at {base}")


def redis_free(base, db, tag):
    client = _redis(base, db)
    owner = client.get(CLAIM)
    if owner is not None and owner.decode() == tag:
        client.flushdb()
    elif owner is not None:
        raise SystemExit(f"Redis database {db} is claimed by {owner!r}: left alone")


def redis_keys(base, db):
    print(_redis(base, db).dbsize() - 1)  # without the claim


def wait_http(port, path, seconds=60):
    deadline = time.monotonic() + float(seconds)
    last = None
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
            conn.request("GET", path, headers={"Host": "localhost", "X-Forwarded-Proto": "https"})
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return
            last = f"HTTP {response.status}"
        except OSError as error:
            last = str(error)
        time.sleep(0.3)
    raise SystemExit(f"127.0.0.1:{port}{path} not ready after {seconds} s ({last})")


def tasks(url):
    with _pg(url) as conn:
        rows = conn.execute(
            "SELECT task_path, status, worker_ids FROM django_tasks_database_dbtaskresult"
        ).fetchall()
    by_worker = {}
    failed = []
    for path, status, workers in rows:
        for worker in workers or ["(not run)"]:
            by_worker.setdefault(worker, 0)
            by_worker[worker] += 1
        if status not in ("SUCCESSFUL", "READY", "RUNNING"):
            failed.append(f"{path}: {status}")
    summary = ", ".join(f"{w}: {n}" for w, n in sorted(by_worker.items()))
    print(f"{len(rows)} tasks ({summary})")
    if failed:
        raise SystemExit("tasks not successful: " + "; ".join(failed))


def run_sql(url, path):
    with open(path, encoding="utf-8") as handle:
        text = "\n".join(line for line in handle if not line.lstrip().startswith("--"))
    statements = [part.strip() for part in text.split(";\n") if part.strip()]
    with _pg(url) as conn:
        for statement in statements:
            conn.execute(statement.rstrip(";"))
    print(f"{len(statements)} statements")


COMMANDS = {
    "free-ports": free_ports,
    "db-create": db_create,
    "db-drop": db_drop,
    "redis-claim": redis_claim,
    "redis-free": redis_free,
    "redis-keys": redis_keys,
    "wait-http": wait_http,
    "tasks": tasks,
    "sql": run_sql,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
