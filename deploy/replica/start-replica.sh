#!/bin/bash
# Start a streaming read replica of this machine's PostgreSQL (docs/read-replica.md).
#
#   deploy/replica/start-replica.sh [DATA_DIR]      (as root or as the postgres OS user)
#
# Copies the primary (127.0.0.1:5432) with pg_basebackup into DATA_DIR (default
# /var/tmp/chuyende-replica), through a physical replication slot, and starts it as a hot
# standby on 127.0.0.1:5433 with pg_ctl as the postgres OS user. The primary is never
# restarted. If its pg_hba.conf has no entry for replication connections from 127.0.0.1, the
# script appends one line, marked "chuyende-replica", and reloads the configuration;
# stop-replica.sh removes that line, drops the slot and deletes DATA_DIR.
#
# Environment: PRIMARY_HOST (127.0.0.1), PRIMARY_PORT (5432), PRIMARY_USER (postgres),
# REPLICA_PORT (5433), REPLICA_SLOT (chuyende_replica), PG_BIN (the primary's server binaries).
set -euo pipefail

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
PRIMARY_USER=${PRIMARY_USER:-postgres}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_SLOT=${REPLICA_SLOT:-chuyende_replica}
DATA_DIR=${1:-${REPLICA_DIR:-/var/tmp/chuyende-replica}}
MARK="chuyende-replica"
OS_USER=postgres

die() { echo "start-replica: $*" >&2; exit 1; }
say() { echo "start-replica: $*"; }

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

command -v psql >/dev/null || die "psql not found (apt-get install postgresql-client)"
primary_sql "select 1" >/dev/null || die "cannot connect to the primary at $PRIMARY_HOST:$PRIMARY_PORT as $PRIMARY_USER"

# The server binaries of the primary's major version (pg_basebackup must not be older).
MAJOR=$(primary_sql "select current_setting('server_version_num')::int / 10000")
PG_BIN=${PG_BIN:-/usr/lib/postgresql/$MAJOR/bin}
[ -x "$PG_BIN/pg_ctl" ] || die "no pg_ctl in $PG_BIN (set PG_BIN)"

# Already running?
if [ -f "$DATA_DIR/postmaster.pid" ] && as_postgres "$PG_BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
    say "a replica is already running from $DATA_DIR"
    psql -X -At -h 127.0.0.1 -p "$REPLICA_PORT" -U "$PRIMARY_USER" -d postgres \
        -c "select 'in recovery: ' || pg_is_in_recovery()"
    exit 0
fi

# What the primary must allow. These need a restart of the primary to change: report, never do.
WAL_LEVEL=$(primary_sql "show wal_level")
SENDERS=$(primary_sql "show max_wal_senders")
SLOTS=$(primary_sql "show max_replication_slots")
[ "$WAL_LEVEL" = replica ] || [ "$WAL_LEVEL" = logical ] ||
    die "the primary has wal_level=$WAL_LEVEL; set wal_level=replica and restart it"
[ "$SENDERS" -gt 0 ] || die "the primary has max_wal_senders=0; raise it and restart it"
[ "$SLOTS" -gt 0 ] || die "the primary has max_replication_slots=0; raise it and restart it"
[ "$(primary_sql "select rolsuper or rolreplication from pg_roles where rolname = current_user")" = t ] ||
    die "$PRIMARY_USER may not replicate (ALTER ROLE $PRIMARY_USER REPLICATION)"

# A replication connection from 127.0.0.1 must be allowed by the primary's pg_hba.conf.
replication_allowed() {
    psql -X -q -At "host=$PRIMARY_HOST port=$PRIMARY_PORT user=$PRIMARY_USER replication=true" \
        -c "IDENTIFY_SYSTEM" >/dev/null 2>&1
}
if ! replication_allowed; then
    HBA=$(primary_sql "show hba_file")
    [ -w "$HBA" ] || die "replication connections are refused and $HBA is not writable; add
    host replication $PRIMARY_USER 127.0.0.1/32 trust
to it and reload the primary (select pg_reload_conf())"
    say "adding a replication entry to $HBA and reloading the primary (no restart)"
    [ -z "$(tail -c1 "$HBA")" ] || echo >>"$HBA"
    printf 'host replication %s 127.0.0.1/32 trust # %s: added by deploy/replica/start-replica.sh, removed by stop-replica.sh\n' \
        "$PRIMARY_USER" "$MARK" >>"$HBA"
    primary_sql "select pg_reload_conf()" >/dev/null
    sleep 1
    if [ "$(primary_sql "select count(*) from pg_hba_file_rules where error is not null")" != 0 ]; then
        die "the primary reports an error in $HBA (select * from pg_hba_file_rules where error is not null)"
    fi
    replication_allowed || die "replication connections are still refused by $HBA"
fi

# A fresh copy: remove a stopped replica left by an earlier run (only one made by this script).
if [ -e "$DATA_DIR" ]; then
    if [ -f "$DATA_DIR/.$MARK" ]; then
        say "removing the stopped replica in $DATA_DIR"
        rm -rf -- "$DATA_DIR"
    elif [ -n "$(ls -A "$DATA_DIR")" ]; then
        die "$DATA_DIR exists and was not made by this script; give another directory"
    fi
fi
mkdir -p "$DATA_DIR"
chmod 700 "$DATA_DIR"
if [ "$(id -u)" = 0 ]; then chown "$OS_USER:$OS_USER" "$DATA_DIR"; fi

# A slot left by an earlier run would keep the primary's WAL: drop it if nothing uses it.
primary_sql "select pg_drop_replication_slot(slot_name) from pg_replication_slots
             where slot_name = '$REPLICA_SLOT' and not active" >/dev/null
say "copying the primary ($(primary_sql "select pg_size_pretty(sum(pg_database_size(datname))) from pg_database")) into $DATA_DIR"
as_postgres "$PG_BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" \
    -D "$DATA_DIR" --wal-method=stream --write-recovery-conf \
    --create-slot --slot="$REPLICA_SLOT" --checkpoint=fast --no-password
as_postgres touch "$DATA_DIR/.$MARK"

# The primary's own settings that a hot standby must match or exceed.
setting() { primary_sql "show $1"; }
# Debian keeps postgresql.conf and pg_hba.conf in /etc/postgresql, outside the copied data
# directory: the replica gets its own. Settings given to pg_ctl below win over both files and
# over a postgresql.auto.conf copied from the primary.
as_postgres tee "$DATA_DIR/postgresql.conf" >/dev/null <<EOF
# Read replica of $PRIMARY_HOST:$PRIMARY_PORT made by deploy/replica/start-replica.sh
cluster_name = '$MARK'
hot_standby = on
hot_standby_feedback = on
max_standby_streaming_delay = 30s
max_connections = $(setting max_connections)
max_worker_processes = $(setting max_worker_processes)
max_wal_senders = $(setting max_wal_senders)
max_prepared_transactions = $(setting max_prepared_transactions)
max_locks_per_transaction = $(setting max_locks_per_transaction)
shared_buffers = $(setting shared_buffers)
timezone = '$(setting timezone)'
log_timezone = '$(setting log_timezone)'
datestyle = '$(setting datestyle)'
lc_messages = '$(setting lc_messages)'
lc_monetary = '$(setting lc_monetary)'
lc_numeric = '$(setting lc_numeric)'
lc_time = '$(setting lc_time)'
default_text_search_config = '$(setting default_text_search_config)'
log_line_prefix = '%m [%p] %q%u@%d '
EOF
as_postgres tee "$DATA_DIR/pg_hba.conf" >/dev/null <<EOF
# Read replica: the same local trust as the primary on this machine, no replication from it.
local all all trust
host all all 127.0.0.1/32 trust
EOF
as_postgres touch "$DATA_DIR/pg_ident.conf"

say "starting the replica on 127.0.0.1:$REPLICA_PORT"
as_postgres "$PG_BIN/pg_ctl" -D "$DATA_DIR" -l "$DATA_DIR/replica.log" -w -t 120 start \
    -o "-c port=$REPLICA_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=/var/run/postgresql -c hot_standby=on" \
    >/dev/null || { tail -n 20 "$DATA_DIR/replica.log" >&2; die "the replica did not start"; }

[ "$(psql -X -At -h 127.0.0.1 -p "$REPLICA_PORT" -U "$PRIMARY_USER" -d postgres -c "select pg_is_in_recovery()")" = t ] ||
    die "the server on port $REPLICA_PORT is not in recovery"
for _ in $(seq 1 30); do
    STATE=$(primary_sql "select r.state from pg_stat_replication r
                         join pg_replication_slots s on s.active_pid = r.pid
                         where s.slot_name = '$REPLICA_SLOT'")
    [ "$STATE" = streaming ] && break
    sleep 1
done
[ "${STATE:-}" = streaming ] || die "the replica is not streaming from the primary (see $DATA_DIR/replica.log)"
say "streaming from $PRIMARY_HOST:$PRIMARY_PORT through slot $REPLICA_SLOT"
echo "DATABASE_REPLICA_URL=postgres://$PRIMARY_USER@127.0.0.1:$REPLICA_PORT/<the same database name>"
