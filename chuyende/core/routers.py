"""Sending heavy, lag-tolerant reads to a PostgreSQL read replica (docs/read-replica.md).

Everything goes to "default" unless code opts in. Report roll-ups, exports and other big
aggregates opt in with

    with replica_reads():
        figures = compute(...)           # ORM reads of the block: the replica

or name the alias themselves, e.g. for raw SQL: ``connections[reporting_db()].cursor()``.

The replica is a streaming (physical) standby: it is read-only and a little behind the primary.
So the router never sends a write there (`db_for_write` is always "default"), never migrates it,
and inside a `replica_reads()` block still reads from "default" when the replica could answer
something other than what this code expects:

- a transaction is open on "default" (`transaction.atomic()`, a test case's transaction): the
  block's reads must see the transaction's own uncommitted writes and its snapshot;
- the block has already written (any write the router routes, `select_for_update()`,
  `get_or_create()` included): reads after it must see it — "read your writes";
- the replica is not configured, cannot be reached, or is more than `REPLICA_MAX_LAG` seconds
  behind (checked at most every `CHECK_EVERY` seconds per process; a warning is logged and the
  replica is tried again at the next check).

A write committed before the block (an earlier request, or earlier in this request outside a
block) may not be on the replica yet: the block reads a state at most `REPLICA_MAX_LAG` seconds
old. Code that must show what was just written reads outside a block.
"""

import contextvars
import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
ALIASES = frozenset({DEFAULT_DB_ALIAS, REPLICA})
CHECK_EVERY = 10.0  # seconds between two checks of the replica's health, per process
DEFAULT_MAX_LAG = 30.0  # seconds, when settings.REPLICA_MAX_LAG is not set

# How far behind the primary the standby is, in seconds: 0 when it has replayed all the WAL it
# received, else the age of the last transaction it replayed. A server that is not in recovery
# (the primary itself, or a promoted standby) is never behind.
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN NOT pg_is_in_recovery() THEN 0
            WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
       END
"""


class _Block:
    """One `replica_reads()` block (nested blocks share the outermost one)."""

    __slots__ = ("wrote",)

    def __init__(self):
        self.wrote = False


_block: contextvars.ContextVar[_Block | None] = contextvars.ContextVar(
    "replica_reads_block", default=None
)

# Process-wide result of the last health check: (monotonic time of the check, usable?).
_health: tuple[float, bool] = (float("-inf"), False)
_clock = time.monotonic


@contextmanager
def replica_reads():
    """Let the ORM reads inside the block go to the read replica (see the module doc)."""
    if _block.get() is not None:
        yield
        return
    token = _block.set(_Block())
    try:
        yield
    finally:
        _block.reset(token)


def reporting_db() -> str:
    """The alias for an explicit `.using(...)` or `connections[...]` of a heavy read:
    "replica" when it may answer now (same rules as a `replica_reads()` block), else "default"."""
    return REPLICA if _replica_may_answer(_block.get()) else DEFAULT_DB_ALIAS


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _replica_may_answer(block) -> bool:
    if not replica_configured():
        return False
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        log.debug("replica not used: a transaction is open on the default database")
        return False
    if block is not None and block.wrote:
        log.debug("replica not used: this block has written")
        return False
    return _replica_healthy()


def _replica_healthy() -> bool:
    """Connect this thread to the replica if needed and, every CHECK_EVERY seconds, measure
    its lag. Unreachable or too far behind: False, with a warning, until the next check."""
    global _health
    checked_at, usable = _health
    now = _clock()
    fresh = now - checked_at < CHECK_EVERY
    if fresh and not usable:
        return False
    connection = connections[REPLICA]
    try:
        if connection.connection is not None and connection.errors_occurred:
            # A query of this thread failed on the replica (it may have restarted): keep the
            # connection only if it still answers.
            if not connection.is_usable():
                raise InterfaceError("the connection to the replica was lost")
            connection.errors_occurred = False
        connection.ensure_connection()
        if fresh:
            return True
        lag = _lag(connection)
    except (DatabaseError, InterfaceError) as error:
        log.warning("read replica unusable, reading from the default database: %s", error)
        connection.close()
        _health = (now, False)
        return False
    max_lag = float(getattr(settings, "REPLICA_MAX_LAG", DEFAULT_MAX_LAG))
    if lag > max_lag:
        log.warning(
            "read replica is %.1f s behind (more than %.1f s), reading from the default database",
            lag,
            max_lag,
        )
        _health = (now, False)
        return False
    _health = (now, True)
    return True


def _lag(connection) -> float:
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL)
        _in_recovery, lag = cursor.fetchone()
    return float(lag or 0)


def forget_health():
    """Check the replica again at the next read (tests; after changing the replica)."""
    global _health
    _health = (float("-inf"), False)


class ReplicaRouter:
    """DATABASE_ROUTERS entry for a "default" primary and a "replica" streaming standby."""

    def db_for_read(self, model, **hints):
        block = _block.get()
        if block is None:
            return DEFAULT_DB_ALIAS
        return REPLICA if _replica_may_answer(block) else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        block = _block.get()
        if block is not None:
            block.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read there may be linked to one
        # read from the primary.
        if obj1._state.db in ALIASES and obj2._state.db in ALIASES:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == REPLICA:
            return False  # read-only: it receives the primary's schema through replication
        if db == DEFAULT_DB_ALIAS:
            return True
        return None
