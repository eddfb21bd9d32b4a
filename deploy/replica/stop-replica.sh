#!/bin/bash
# Stop the read replica made by start-replica.sh and leave the primary as it was before it.
#
#   deploy/replica/stop-replica.sh [DATA_DIR]       (as root or as the postgres OS user)
#
# Stops the replica (pg_ctl stop -m fast), drops its replication slot on the primary, removes
# the "chuyende-replica" line start-replica.sh may have added to the primary's pg_hba.conf
# (and reloads the primary: no restart), and deletes DATA_DIR (only one made by the script).
# Same environment variables as start-replica.sh.
set -euo pipefail

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
PRIMARY_USER=${PRIMARY_USER:-postgres}
REPLICA_SLOT=${REPLICA_SLOT:-chuyende_replica}
DATA_DIR=${1:-${REPLICA_DIR:-/var/tmp/chuyende-replica}}
MARK="chuyende-replica"
OS_USER=postgres

die() { echo "stop-replica: $*" >&2; exit 1; }
say() { echo "stop-replica: $*"; }

primary_sql() {
    psql -X -q -At -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" -d postgres -c "$1"
}

as_postgres() {
    if [ "$(id -un)" = "$OS_USER" ]; then
        "$@"
    elif [ "$(id -u)" = 0 ]; then
        runuser -u "$OS_USER" -- "$@"
    else
        die "run me as root or as the $OS_USER OS user"
    fi
}

MAJOR=$(primary_sql "select current_setting('server_version_num')::int / 10000")
PG_BIN=${PG_BIN:-/usr/lib/postgresql/$MAJOR/bin}

if [ -e "$DATA_DIR" ] && [ ! -f "$DATA_DIR/.$MARK" ]; then
    die "$DATA_DIR was not made by start-replica.sh; not touching it"
fi

if [ -f "$DATA_DIR/postmaster.pid" ]; then
    say "stopping the replica in $DATA_DIR"
    as_postgres "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m fast -w -t 60 stop >/dev/null
fi

DROPPED=$(primary_sql "select count(pg_drop_replication_slot(slot_name)) from pg_replication_slots
                       where slot_name = '$REPLICA_SLOT' and not active")
[ "$DROPPED" = 0 ] || say "dropped the replication slot $REPLICA_SLOT on the primary"
[ "$(primary_sql "select count(*) from pg_replication_slots where slot_name = '$REPLICA_SLOT'")" = 0 ] ||
    say "warning: slot $REPLICA_SLOT is still in use on the primary (another replica?)"

HBA=$(primary_sql "show hba_file")
if grep -q "# $MARK:" "$HBA" 2>/dev/null; then
    [ -w "$HBA" ] || die "cannot remove the $MARK line from $HBA (not writable)"
    # Rewrite in place: the file keeps its owner and mode, every other line as it was.
    KEPT=$(mktemp)
    grep -v "# $MARK:" "$HBA" >"$KEPT" || true
    cat "$KEPT" >"$HBA"
    rm -f "$KEPT"
    primary_sql "select pg_reload_conf()" >/dev/null
    say "removed the replication entry from $HBA and reloaded the primary"
fi

if [ -e "$DATA_DIR" ]; then
    rm -rf -- "$DATA_DIR"
    say "deleted $DATA_DIR"
fi
