#!/usr/bin/env bash
# Production smoke test: chuyende installed and run as docs/deploy.md says, on this machine.
#
#   bash deploy/smoke/run.sh          (make smoke; .ci/run runs it after the tests)
#
# 1. A fresh `git clone` of this repository's HEAD (the checkout is only read), installed with
#    pip into a new virtualenv: not editable, no dev extras.
# 2. A production environment file: DEBUG off, HTTPS=true, BEHIND_PROXY=true, PROXY_COUNT=1, a
#    new database on the machine's PostgreSQL (127.0.0.1:5432, user postgres), an empty Redis
#    database other than 0; `chuyende check --deploy`: no security warning, no error.
# 3. migrate, the autovacuum statements of deploy/postgresql.md, collectstatic, the Đắk Lắk demo
#    at 1 % (its accounts: a province officer `tinh`, an upper-level officer `captren`), then
#    gunicorn with deploy/gunicorn.conf.py (3 workers), two task workers (`chuyende worker`, or
#    `db_worker` in versions without it, as chuyende-worker@.service runs them) and nginx with
#    deploy/nginx/chuyende.conf on loopback ports. TLS is real: nginx terminates it with a
#    throwaway self-signed certificate made here, which the client verifies.
# 4. deploy/smoke/check.py, over HTTPS through nginx: redirect, headers, static files, log in
#    (two-factor enrolment when the role requires it), import a plan, uploads never under
#    /media/, exports run by the task workers, write and submit a report, its .docx, 413.
# 5. The request id across nginx's and gunicorn's logs, log rotation (deploy/logrotate), the
#    systemd units (systemd-analyze verify), housekeeping and reminders, `chuyende backup` and
#    `chuyende restore` into another new database when the version has them, a graceful reload
#    (HUP), nginx's 503 page with gunicorn stopped.
# 6. Everything stopped and checked gone, the databases dropped, Redis emptied, the temporary
#    directory removed — also on failure or Ctrl-C (trap). Timings at the end.
#
# Environment: PYTHON (3.11+), SMOKE_SOURCE=head|worktree (worktree: copy the checkout's files as
# they are, uncommitted changes included, instead of cloning HEAD), SMOKE_PG_URL
# (postgres://postgres@127.0.0.1:5432/postgres), SMOKE_REDIS_URL (redis://127.0.0.1:6379),
# SMOKE_REDIS_DB (default: the first empty of 15..1), SMOKE_KEEP=1 (keep the directory).
# Needs git, openssl and nginx (installed with apt-get when missing and run as root; otherwise the
# test is skipped with a message).
set -Eeuo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEPLOY=$(dirname "$HERE")
REPO=$(dirname "$DEPLOY")
SOURCE=${SMOKE_SOURCE:-head}
PG_ADMIN_URL=${SMOKE_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PG_BASE=${PG_ADMIN_URL%/*}
REDIS_BASE=${SMOKE_REDIS_URL:-redis://127.0.0.1:6379}
WEB_WORKERS=3
TASK_WORKERS=2

now() { date +%s.%N; }
T_START=$(now)
T_LAST=$T_START
TIMINGS=()
mark() {
    local t
    t=$(now)
    TIMINGS+=("$(awk -v a="$t" -v b="$T_LAST" -v l="$1" 'BEGIN { printf "%7.1f s  %s", a - b, l }')")
    T_LAST=$t
}
say() { printf '== %s\n' "$*"; }
fail() {
    printf 'smoke: FAILED: %s\n' "$*" >&2
    exit 1
}

# --- prerequisites ------------------------------------------------------------------------
PY=${PYTHON:-}
if [ -z "$PY" ]; then
    for candidate in python3.13 python3.12 python3.11 python3; do
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            PY=$candidate
            break
        fi
    done
fi
[ -n "$PY" ] || fail "Python 3.11 or newer is required"
command -v git >/dev/null || fail "git is required"
command -v openssl >/dev/null || fail "openssl is required"
NGINX=$(command -v nginx || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } || true
if [ -z "$NGINX" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing Debian's nginx (apt-get install nginx)"
        # Debian's package may start a system nginx on port 80 where the machine allows it; this
        # test runs its own on other ports and leaves that one alone.
        (apt-get update -qq -o DPkg::Lock::Timeout=300 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 nginx) \
            >/dev/null || fail "apt-get install nginx failed"
        NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    else
        echo "smoke: SKIPPED: nginx is not installed and cannot be installed here (needs root and" \
            "apt-get). Install it (apt-get install nginx) and run again."
        exit 0
    fi
fi
mark "prerequisites ($("$PY" --version), $("$NGINX" -v 2>&1 | sed 's/.*: //'))"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/chuyende-smoke.XXXXXX")
SRC=$WORK/src
VENV=$WORK/venv
VAR=$WORK/var
LOGS=$WORK/log
DB="chuyende_smoke_$(date +%Y%m%d_%H%M%S)_$$"
TAG="${HOSTNAME:-host}-$$-$(basename "$WORK")"
REDIS_DB=""
DB_CREATED=""
DB_RESTORE="${DB}_restore"
DB_RESTORE_CREATED=""
PIDS=()
NAMES=()
mkdir -p "$LOGS/app" "$WORK/etc" "$WORK/run" "$WORK/home" "$WORK/tmp" "$WORK/nginx/tmp" \
    "$WORK/nginx/acme" "$WORK/backups" "$VAR"
# Like WorkingDirectory=/var/lib/chuyende in the units. Never the checkout: gunicorn and
# `python -c` put the current directory first on sys.path, and would import its chuyende/
# instead of the installed one.
cd "$VAR"

# Any process left of the one started as $1: itself, or its process group once it made one
# (setsid runs a moment after the fork: until then only the process itself exists).
alive() { kill -0 "$1" 2>/dev/null || kill -0 -- "-$1" 2>/dev/null; }
signal() { kill "-$1" -- "-$2" 2>/dev/null || kill "-$1" "$2" 2>/dev/null || true; }

stop_group() { # INDEX: TERM to the process group, 45 s to go, then KILL (and a non-zero status)
    local pid=${PIDS[$1]} deadline clean=0
    [ -n "$pid" ] || return 0
    alive "$pid" && signal TERM "$pid"
    deadline=$((SECONDS + 45))
    while alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if alive "$pid"; then
        echo "smoke: ${NAMES[$1]} (group $pid) did not stop in 45 s: killed" >&2
        signal KILL "$pid"
        clean=1
    fi
    alive "$pid" || wait "$pid" 2>/dev/null || true
    PIDS[$1]=""
    return $clean
}

stop_all() { # nginx first (no new requests), then gunicorn, then the task workers
    local i clean=0
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        stop_group "$i" || clean=1
    done
    PIDS=()
    NAMES=()
    return $clean
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM ERR
    set +e
    if ((${#PIDS[@]})); then
        stop_all || rc=1
    fi
    if [ -n "$DB_CREATED" ]; then
        "$VENV/bin/python" "$HERE/services.py" db-drop "$PG_ADMIN_URL" "$DB" || rc=1
    fi
    if [ -n "$DB_RESTORE_CREATED" ]; then
        "$VENV/bin/python" "$HERE/services.py" db-drop "$PG_ADMIN_URL" "$DB_RESTORE" || rc=1
    fi
    if [ -n "$REDIS_DB" ]; then
        "$VENV/bin/python" "$HERE/services.py" redis-free "$REDIS_BASE" "$REDIS_DB" "$TAG" || rc=1
    fi
    if [ $rc -ne 0 ]; then
        for log in "$LOGS"/*.log "$LOGS"/app/*.log; do
            [ -s "$log" ] || continue
            echo "---- last lines of $log"
            tail -n 25 "$log"
        done
    fi
    if [ "${SMOKE_KEEP:-0}" = 1 ]; then
        echo "smoke: kept $WORK"
    else
        rm -rf "$WORK"
    fi
    echo "---- timings"
    printf '%s\n' "${TIMINGS[@]}"
    awk -v a="$(now)" -v b="$T_START" 'BEGIN { printf "%7.1f s  total\n", a - b }'
    if [ $rc -eq 0 ]; then echo "smoke: PASSED"; else echo "smoke: FAILED (exit $rc)"; fi
    exit $rc
}
trap cleanup EXIT
trap 'echo "smoke: FAILED at line $LINENO: $BASH_COMMAND" >&2' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. a fresh copy of the code, installed into a new virtualenv -------------------------------
if [ "$SOURCE" = worktree ]; then
    say "copying the working tree of $REPO (uncommitted changes included)"
    mkdir -p "$SRC"
    git -C "$REPO" ls-files -z --cached --others --exclude-standard |
        tar -C "$REPO" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$SRC" -xf -
    mark "copy of the working tree"
else
    say "cloning HEAD of $REPO"
    git clone --quiet --no-hardlinks "$REPO" "$SRC"
    say "  $(git -C "$SRC" log -1 --format='%h %s')"
    mark "git clone"
fi
say "installing into a new virtualenv (pip install, no extras)"
"$PY" -m venv "$VENV"
pip_install() {
    "$VENV/bin/python" -m pip install --disable-pip-version-check "$@" >>"$LOGS/pip.log" 2>&1 ||
        { tail -n 30 "$LOGS/pip.log"; fail "pip install $*"; }
}
pip_install "$SRC"
if "$VENV/bin/python" -c 'import pytest' 2>/dev/null; then fail "dev extras were installed"; fi
# Rendered from the package that pip installed: the .txt must be part of it.
PLAN_FILE=$("$VENV/bin/python" -c 'import chuyende.demo, pathlib; print(pathlib.Path(chuyende.demo.__file__).parent / "data" / "ke-hoach-26-KH-LDLD-2024.txt")')
[ -f "$PLAN_FILE" ] || fail "the installed package has no seed plan text ($PLAN_FILE)"
mark "virtualenv + pip install ($("$VENV/bin/python" -m pip list --format=freeze 2>/dev/null | wc -l) packages)"

# --- 2. services, certificate, production environment ------------------------------------------
"$VENV/bin/python" "$HERE/services.py" db-create "$PG_ADMIN_URL" "$DB"
DB_CREATED=1
REDIS_DB=$("$VENV/bin/python" "$HERE/services.py" redis-claim "$REDIS_BASE" "$TAG" "${SMOKE_REDIS_DB:-}")
read -r APP_PORT HTTPS_PORT HTTP_PORT < <("$VENV/bin/python" "$HERE/services.py" free-ports 3)
say "database $DB, Redis db $REDIS_DB, gunicorn :$APP_PORT, nginx https :$HTTPS_PORT http :$HTTP_PORT"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$WORK/etc/tls.key" -out "$WORK/etc/tls.crt" >/dev/null 2>&1
chmod 600 "$WORK/etc/tls.key"

ENV_FILE=$WORK/etc/chuyende.env
cat >"$ENV_FILE" <<EOF
# Written by deploy/smoke/run.sh from deploy/chuyende.env.example's production values.
DEBUG=false
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
ALLOWED_HOSTS=localhost
CSRF_TRUSTED_ORIGINS=https://localhost:$HTTPS_PORT
HTTPS=true
BEHIND_PROXY=true
PROXY_COUNT=1
DATABASE_URL=$PG_BASE/$DB
REDIS_URL=$REDIS_BASE/$REDIS_DB
VAR_DIR=$VAR
MEDIA_ROOT=$VAR/media
LOG_LEVEL=INFO
SITE_URL=https://localhost:$HTTPS_PORT
EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
GUNICORN_BIND=127.0.0.1:$APP_PORT
WEB_CONCURRENCY=$WEB_WORKERS
GUNICORN_ACCESS_LOG=$LOGS/app/access.log
GUNICORN_ERROR_LOG=$LOGS/app/error.log
EOF
chmod 600 "$ENV_FILE"
"$VENV/bin/python" "$HERE/render.py" env-keys "$SRC/chuyende/settings.py" \
    "$DEPLOY/chuyende.env.example" "$ENV_FILE" || fail "deploy/chuyende.env.example is incomplete"

# As systemd runs the services: only the environment file, nothing from this shell.
mapfile -t APP_ENV < <(grep -Ev '^[[:space:]]*(#|$)' "$ENV_FILE")
BASE_ENV=(PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" HOME="$WORK/home" LANG=C.UTF-8 TMPDIR="$WORK/tmp")
app() { env -i "${BASE_ENV[@]}" "${APP_ENV[@]}" "$VENV/bin/chuyende" "$@"; }
start() { # NAME LOG COMMAND...: in a process group of its own, with the production environment
    local name=$1 log=$2
    shift 2
    setsid env -i "${BASE_ENV[@]}" "${APP_ENV[@]}" "$@" >>"$log" 2>&1 </dev/null &
    PIDS+=("$!")
    NAMES+=("$name")
}
mark "database, Redis, certificate, environment file"

# --- 3. the installation steps of docs/deploy.md -----------------------------------------------
say "chuyende check --deploy (security: not even a warning; the rest: no error)"
app check --deploy --tag security --fail-level WARNING
app check --deploy
mark "check --deploy"
say "migrate"
app migrate --noinput -v0
say "autovacuum settings of deploy/postgresql.md"
awk '/^```sql$/ { on = 1; next } /^```$/ { on = 0 } on' "$DEPLOY/postgresql.md" >"$WORK/etc/autovacuum.sql"
out=$("$VENV/bin/python" "$HERE/services.py" sql "$PG_BASE/$DB" "$WORK/etc/autovacuum.sql")
say "  $out"
mark "migrate"
say "collectstatic"
app collectstatic --noinput -v0
mark "collectstatic"
say "accounts: the Đắk Lắk demo at 1 % (province officer tinh, upper-level officer captren)"
app demo --scale 0.01 >"$LOGS/demo.log" 2>&1 || { cat "$LOGS/demo.log"; fail "chuyende demo"; }
mark "demo data and accounts"

if command -v systemd-analyze >/dev/null; then
    mkdir -p "$WORK/systemd"
    for unit in "$DEPLOY"/systemd/chuyende-*; do
        sed -e "s#/srv/chuyende/venv#$VENV#g" -e "s#/etc/chuyende#$WORK/etc#g" \
            "$unit" >"$WORK/systemd/$(basename "$unit")"
    done
    cp "$DEPLOY/gunicorn.conf.py" "$WORK/etc/gunicorn.conf.py"
    if ! out=$(cd "$WORK/systemd" && systemd-analyze verify --man=no ./chuyende-* 2>&1) || [ -n "$out" ]; then
        echo "$out"
        fail "systemd-analyze verify of deploy/systemd"
    fi
    mark "systemd units verified"
fi

# The task worker as chuyende-worker@.service runs it: `chuyende worker` (db_worker with recovery of
# lost tasks) where the version has it, else django-tasks-db's db_worker; and the nightly jobs'
# first run queued, as its ExecStartPre does.
WORKER_COMMAND=db_worker
app help worker >/dev/null 2>&1 && WORKER_COMMAND=worker
if app help anonymise_members >/dev/null 2>&1; then
    app anonymise_members --schedule
fi
say "starting gunicorn ($WEB_WORKERS workers) and $TASK_WORKERS task workers (chuyende $WORKER_COMMAND)"
cp "$DEPLOY/gunicorn.conf.py" "$WORK/etc/gunicorn.conf.py"
start gunicorn "$LOGS/gunicorn.log" env GUNICORN_PIDFILE="$WORK/run/gunicorn.pid" \
    "$VENV/bin/gunicorn" --config "$WORK/etc/gunicorn.conf.py"
for n in $(seq 1 $TASK_WORKERS); do
    start "task worker $n" "$LOGS/worker-$n.log" \
        "$VENV/bin/chuyende" "$WORKER_COMMAND" --queue-name '*' --worker-id "smoke-$n"
done
"$VENV/bin/python" "$HERE/services.py" wait-http "$APP_PORT" /healthz 90
mark "gunicorn ready"

say "starting nginx with deploy/nginx/chuyende.conf"
"$VENV/bin/python" "$HERE/render.py" nginx "$DEPLOY/nginx/chuyende.conf" --out "$WORK/nginx/site.conf" \
    --https-port "$HTTPS_PORT" --http-port "$HTTP_PORT" --app-port "$APP_PORT" \
    --static "$VAR/static" --cert "$WORK/etc/tls.crt" --key "$WORK/etc/tls.key" \
    --logs "$LOGS" --acme "$WORK/nginx/acme"
{
    # as root, nginx's workers would otherwise run as nobody, who cannot enter $WORK
    [ "$(id -u)" = 0 ] && echo "user $(id -un) $(id -gn);"
    cat <<EOF
worker_processes 2;
pid $WORK/run/nginx.pid;
error_log $LOGS/nginx-error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    access_log off;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    include $WORK/nginx/site.conf;
}
EOF
} >"$WORK/nginx/nginx.conf"
NGINX_ARGS=(-p "$WORK/nginx" -e "$LOGS/nginx-error.log" -c "$WORK/nginx/nginx.conf")
"$NGINX" -t -q "${NGINX_ARGS[@]}" || fail "nginx -t"
start nginx "$LOGS/nginx.out.log" "$NGINX" "${NGINX_ARGS[@]}" -g 'daemon off;'
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$HTTPS_PORT") 2>/dev/null && break
    alive "${PIDS[-1]}" || fail "nginx exited"
    sleep 0.1
done
mark "nginx ready"

# --- 4. what officers do, over HTTPS --------------------------------------------------------------
say "HTTP checks through nginx (deploy/smoke/check.py)"
"$VENV/bin/python" "$HERE/check.py" --https-port "$HTTPS_PORT" --http-port "$HTTP_PORT" \
    --cafile "$WORK/etc/tls.crt" --plan-file "$PLAN_FILE"
mark "HTTP checks"

# --- 5. around it ----------------------------------------------------------------------------------
for i in "${!PIDS[@]}"; do
    alive "${PIDS[$i]}" || fail "${NAMES[$i]} is no longer running"
done
out=$("$VENV/bin/python" "$HERE/services.py" tasks "$PG_BASE/$DB")
say "task results: $out"
keys=$("$VENV/bin/python" "$HERE/services.py" redis-keys "$REDIS_BASE" "$REDIS_DB")
[ "$keys" -gt 0 ] || fail "nothing in Redis db $REDIS_DB: REDIS_URL not used"
say "Redis db $REDIS_DB holds $keys keys (cache, sessions)"

# The same request id in nginx's log and gunicorn's.
rids=$( (grep -o 'rid=[0-9a-f]\{32\}' "$LOGS/nginx-access.log" || true) | sort -u)
shared=$( (grep -o 'rid=[0-9a-f]\{32\}' "$LOGS/app/access.log" || true) | sort -u | comm -12 - <(echo "$rids") | wc -l)
[ "$shared" -gt 10 ] || fail "request ids: only $shared found in both nginx's and gunicorn's logs"
grep -q ' ms=[0-9]' "$LOGS/app/access.log" || fail "no request time in gunicorn's access log"
say "request ids: $shared requests traced in both nginx's and gunicorn's access logs"
mark "workers, Redis, request ids"

if command -v logrotate >/dev/null; then
    say "log rotation (deploy/logrotate/chuyende, forced)"
    "$VENV/bin/python" "$HERE/render.py" logrotate "$DEPLOY/logrotate/chuyende" \
        --out "$WORK/etc/logrotate.conf" --logs "$LOGS/app" --pidfile "$WORK/run/gunicorn.pid"
    logrotate -f -s "$WORK/run/logrotate.state" "$WORK/etc/logrotate.conf"
    ls "$LOGS"/app/access.log-* >/dev/null 2>&1 || fail "access.log was not rotated"
    for _ in $(seq 20); do # USR1 reaches the workers asynchronously
        "$VENV/bin/python" "$HERE/services.py" wait-http "$APP_PORT" /healthz 10
        grep -q 'GET /healthz' "$LOGS/app/access.log" && break
        sleep 0.5
    done
    grep -q 'GET /healthz' "$LOGS/app/access.log" ||
        fail "gunicorn did not reopen its access log after USR1"
    mark "log rotation"
fi

if app help backup >/dev/null 2>&1; then
    say "chuyende backup --output (what chuyende-backup.service runs)"
    app backup --output "$WORK/backups"
    archive=$(ls "$WORK"/backups/chuyende-backup-*.tar.gz)
    tar -tzf "$archive" >"$WORK/backups/contents.txt"
    grep -qx 'manifest.json' "$WORK/backups/contents.txt" || fail "no manifest.json in $archive"
    say "  $(basename "$archive"): $(du -h "$archive" | cut -f1)"
    mark "backup"
    if app help restore >/dev/null 2>&1; then
        say "chuyende restore of that archive into another new database, checked against its manifest"
        "$VENV/bin/python" "$HERE/services.py" db-create "$PG_ADMIN_URL" "$DB_RESTORE"
        DB_RESTORE_CREATED=1
        env -i "${BASE_ENV[@]}" "${APP_ENV[@]}" DATABASE_URL="$PG_BASE/$DB_RESTORE" \
            MEDIA_ROOT="$WORK/restored-media" "$VENV/bin/chuyende" restore "$archive"
        "$VENV/bin/python" "$HERE/services.py" db-drop "$PG_ADMIN_URL" "$DB_RESTORE"
        DB_RESTORE_CREATED=""
        mark "restore"
    fi
else
    say "chuyende backup: not in this version, skipped"
fi

say "housekeeping and reminders (chuyende-maintenance.service, chuyende-reminders.service)"
app clearsessions
app prune_db_task_results --min-age-days 14
app send_reminders
mark "housekeeping, reminders"

say "systemctl reload chuyende-web: HUP, new gunicorn workers, no failed request"
booted() { grep -c 'Booting worker' "$LOGS/app/error.log" || true; } # grep -c exits 1 on 0
before=$(booted)
kill -HUP "$(cat "$WORK/run/gunicorn.pid")"
for _ in $(seq 150); do
    [ "$(booted)" -ge $((before + WEB_WORKERS)) ] && break
    sleep 0.2
done
[ "$(booted)" -ge $((before + WEB_WORKERS)) ] ||
    fail "gunicorn did not start $WEB_WORKERS new workers after HUP"
"$VENV/bin/python" "$HERE/services.py" wait-http "$APP_PORT" /healthz 30
mark "reload"

# --- 6. stop, and check that nothing is left -----------------------------------------------------
say "stopping gunicorn: nginx answers with its own 503 page"
stopped_pids=("${PIDS[@]}")
stop_group 0 || fail "gunicorn had to be killed"
"$VENV/bin/python" "$HERE/check.py" --https-port "$HTTPS_PORT" --http-port "$HTTP_PORT" \
    --cafile "$WORK/etc/tls.crt" --plan-file "$PLAN_FILE" --application-down
say "stopping nginx and the task workers"
stop_all || fail "a process had to be killed"
for pid in "${stopped_pids[@]}"; do
    if alive "$pid"; then fail "group $pid still has processes"; fi
done
for port in "$APP_PORT" "$HTTPS_PORT" "$HTTP_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "port $port still open"; fi
done
mark "stopped, ports closed"
"$VENV/bin/python" "$HERE/services.py" db-drop "$PG_ADMIN_URL" "$DB"
DB_CREATED=""
say "database $DB dropped"
mark "database dropped"
