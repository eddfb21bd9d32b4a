"""Progress of background work, readable by the web workers while the task's transaction is
still open (a row updated inside that transaction would stay invisible until it commits).

It lives in the shared cache: Redis when REDIS_URL is set, otherwise the database cache. With the
database cache on PostgreSQL, a report made inside the task's transaction is written by a helper
thread with a connection of its own: through the task's connection it would stay invisible until
the commit, roll back with the task, and — in the middle of a COPY, which holds that connection —
wait for ever. The job's own row keeps the lasting state.
"""

import logging
import queue
import threading
import time

from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection, connections

TIMEOUT = 24 * 3600
WRITE_WAIT = 10  # seconds a report waits for the helper thread before going on without it
log = logging.getLogger(__name__)


def _key(kind: str, pk) -> str:
    return f"chuyende:progress:{kind}:{pk}"


def report(kind: str, pk, *, done: int, total: int, stage: str = "") -> None:
    state = {"done": done, "total": total, "stage": stage, "at": time.time()}
    if _outside_transaction_needed():
        _writer.run(lambda: cache.set(_key(kind, pk), state, TIMEOUT))
    else:
        cache.set(_key(kind, pk), state, TIMEOUT)


def _outside_transaction_needed() -> bool:
    """The database cache on PostgreSQL, called inside a transaction. (SQLite allows one writer:
    another connection would only wait for the task's transaction to end.)"""
    return (
        connection.in_atomic_block
        and connection.vendor == "postgresql"
        and isinstance(caches["default"], DatabaseCache)
    )


class _Writer:
    """One daemon thread per process that runs cache writes on its own database connection."""

    def __init__(self):
        self.jobs: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.thread = None

    def run(self, write) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._loop, name="chuyende-progress", daemon=True
                )
                self.thread.start()
        done = threading.Event()
        self.jobs.put((write, done))
        if not done.wait(WRITE_WAIT):
            log.warning("a progress report took over %s s; going on without it", WRITE_WAIT)

    def _loop(self):
        while True:
            write, done = self.jobs.get()
            try:
                write()
            except Exception as error:  # progress is a courtesy: never stops the work
                log.warning("progress report not written: %s", error)
                connections.close_all()
            finally:
                done.set()
                if self.jobs.empty():  # no connection left open between two imports
                    connections.close_all()


_writer = _Writer()


def read(kind: str, pk) -> dict | None:
    return cache.get(_key(kind, pk))


def clear(kind: str, pk) -> None:
    if _outside_transaction_needed():
        _writer.run(lambda: cache.delete(_key(kind, pk)))
    else:
        cache.delete(_key(kind, pk))


def percent(state: dict | None) -> int:
    if not state or not state.get("total"):
        return 0
    return max(0, min(100, round(100 * state["done"] / state["total"])))
