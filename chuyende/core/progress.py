"""Progress of background work, readable by the web workers while the task's transaction is
still open (a row updated inside that transaction would stay invisible until it commits).

It lives in the shared cache: Redis when REDIS_URL is set, otherwise files under VAR_DIR that the
web workers and the task worker of one machine share. The job's own row keeps the lasting state.
"""

import time

from django.core.cache import cache

TIMEOUT = 24 * 3600


def _key(kind: str, pk) -> str:
    return f"chuyende:progress:{kind}:{pk}"


def report(kind: str, pk, *, done: int, total: int, stage: str = "") -> None:
    state = {"done": done, "total": total, "stage": stage, "at": time.time()}
    cache.set(_key(kind, pk), state, TIMEOUT)


def read(kind: str, pk) -> dict | None:
    return cache.get(_key(kind, pk))


def clear(kind: str, pk) -> None:
    cache.delete(_key(kind, pk))


def percent(state: dict | None) -> int:
    if not state or not state.get("total"):
        return 0
    return max(0, min(100, round(100 * state["done"] / state["total"])))
