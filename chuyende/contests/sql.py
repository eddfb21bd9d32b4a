"""PostgreSQL statements of the rush (a start, a submit), run as server-side prepared statements:
each database connection plans a statement once (PREPARE on its first use by the connection),
then every request costs one EXECUTE — no parsing or planning per request.

Prepared statements belong to the database session and outlive a rolled-back transaction; a
new connection (reconnect, CONN_MAX_AGE) prepares again. Not for a pooler in transaction mode
(PgBouncer `pool_mode=transaction`), which would hand the EXECUTE to another session.
"""

import weakref

from django.db import connection

_prepared: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()


def execute(name: str, types: list[str], sql: str, params: list):
    """EXECUTE the statement `name` (`sql` with $1… parameters of `types`) with `params`;
    returns the first row or None."""
    with connection.cursor() as cursor:
        raw = connection.connection
        done = _prepared.setdefault(raw, set())
        if name not in done:
            cursor.execute(f"PREPARE {name} ({', '.join(types)}) AS {sql}")
            done.add(name)
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
        return cursor.fetchone()


# The submit: see services._submit_statement. Parameters: answers, prediction, submitted_at,
# submit key, score, seconds, attempt id, participant id, round id, unit path, tally shard.
# `round_id + 0` keeps the planner on the participant's index (a participant has a handful of
# attempts; a round has thousands, and a fresh round's statistics lag behind the rush).
SUBMIT_TYPES = [
    "jsonb",
    "integer",
    "timestamptz",
    "varchar",
    "integer",
    "integer",
    "bigint",
    "bigint",
    "bigint",
    "varchar",
    "integer",
]
SUBMIT = """
WITH done AS (
    UPDATE contests_attempt
    SET status = 'submitted', answers = $1, prediction = $2, submitted_at = $3,
        submit_key = $4, score = $5, seconds = $6, late = false,
        best = NOT EXISTS (
            SELECT 1 FROM contests_attempt o
            WHERE o.participant_id = $8 AND o.round_id + 0 = $9
              AND o.status = 'submitted' AND o.best
              AND (o.score > $5 OR (o.score = $5 AND o.seconds <= $6)))
    WHERE id = $7 AND participant_id = $8 AND round_id = $9 AND status = 'live'
    RETURNING id, best
), demoted AS (
    UPDATE contests_attempt o SET best = false FROM done
    WHERE done.best AND o.participant_id = $8 AND o.round_id + 0 = $9
      AND o.best AND o.id <> done.id
)
INSERT INTO contests_unittally AS t (round_id, unit_id, path, shard, entries, entrants)
SELECT $9, (SELECT u.id FROM org_unit u WHERE u.path = $10), $10, $11, 1,
    CASE WHEN EXISTS (
        SELECT 1 FROM contests_attempt o
        WHERE o.participant_id = $8 AND o.round_id + 0 = $9 AND o.status = 'submitted')
    THEN 0 ELSE 1 END
FROM done
ON CONFLICT (round_id, path, shard)
DO UPDATE SET entries = t.entries + 1, entrants = t.entrants + EXCLUDED.entrants
RETURNING t.id
"""


def start_statement(fields) -> tuple[list[str], str]:
    """(types, sql) of the start: insert an attempt (values of `fields`, in order, then the
    participant, the round, the attempts allowed) numbered after the participant's others at
    the round, only when none is live and fewer than allowed exist."""
    qn = connection.ops.quote_name
    n = len(fields)
    types = [f.db_type(connection) for f in fields] + ["bigint", "bigint", "integer"]
    values = ", ".join(f"${i + 1}" for i in range(n))
    sql = (
        f"INSERT INTO contests_attempt ({', '.join(qn(f.column) for f in fields)}, number) "
        f"SELECT {values}, n.used + 1 FROM ("
        "SELECT count(*) AS used, count(*) FILTER (WHERE status = 'live') AS live "
        f"FROM contests_attempt WHERE participant_id = ${n + 1} AND round_id + 0 = ${n + 2}) n "
        f"WHERE n.live = 0 AND n.used < ${n + 3} ON CONFLICT DO NOTHING RETURNING id, number"
    )
    return types, sql
