"""Gunicorn configuration for chuyende in production (docs/deploy.md).

Installed as /etc/chuyende/gunicorn.conf.py and used by chuyende-web.service:

    gunicorn -c /etc/chuyende/gunicorn.conf.py

Every value can be changed without editing this file, through the environment (the systemd unit
reads /etc/chuyende/chuyende.env):

    GUNICORN_BIND          127.0.0.1:8000   where nginx sends requests (never a public address:
                                            the app trusts X-Forwarded-Proto from whoever connects)
    WEB_CONCURRENCY        2 x cores + 1    worker processes
    GUNICORN_THREADS       4                threads per worker (each holds its own database
                                            connection for CONN_MAX_AGE = 60 s: see
                                            deploy/postgresql.md for max_connections)
    GUNICORN_TIMEOUT       90               seconds a request may run before its worker is
                                            restarted (nginx waits a little longer: 100 s)
    GUNICORN_ACCESS_LOG    /var/log/chuyende/access.log   ("-" for standard output)
    GUNICORN_ERROR_LOG     /var/log/chuyende/error.log    ("-" for standard error)
    GUNICORN_PIDFILE       /run/chuyende-web/gunicorn.pid (not GUNICORN_PID: gunicorn's own)
    FORWARDED_ALLOW_IPS    127.0.0.1,::1    addresses of the reverse proxy (nginx on loopback)

Signals (systemctl reload / the logrotate script send them): HUP starts new workers with the
newly installed code and stops the old ones gracefully; USR1 reopens the log files.
"""

import os


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cores():
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this service may use (cgroups, taskset)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "chuyende.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
# Requests are short and mostly wait on PostgreSQL: 2 x cores + 1 processes, each with a few
# threads (gthread). A 4-core server: 9 workers x 4 threads = 36 requests at once.
workers = _int("WEB_CONCURRENCY", 2 * _cores() + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"

# Timeouts. Heavy work (imports, exports, report figures) runs in the task workers; a page that
# takes longer than this is a bug, and the worker is restarted rather than left hanging.
timeout = _int("GUNICORN_TIMEOUT", 90)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # requests in flight on stop / reload
keepalive = 5  # nginx keeps connections to the upstream open (upstream keepalive)

# Recycle a worker after this many requests (with jitter, so they do not restart together):
# bounds the memory a long-running process may accumulate.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10

# nginx buffers request bodies and responses, so slow clients never hold a worker. It is the only
# client: trust its X-Forwarded-Proto (Django reads it too, with BEHIND_PROXY=true).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
limit_request_line = 8190
limit_request_fields = 100

# Logs. The access log has the request id nginx made ($request_id, also in nginx's log and sent
# back to the browser as X-Request-ID) and the time gunicorn spent on the request, in ms.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "/var/log/chuyende/access.log")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "/var/log/chuyende/error.log")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%({x-forwarded-for}i)s - %(u)s %(t)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" '
    "rid=%({x-request-id}i)s ms=%(M)s"
)
capture_output = True  # Django's log lines (standard error) go to the error log as well
pidfile = os.environ.get("GUNICORN_PIDFILE", "/run/chuyende-web/gunicorn.pid")
proc_name = "chuyende-web"

# Heartbeat files in memory, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Gunicorn 25.1+ opens a control socket in $HOME/.gunicorn by default; one per service here, in
# its runtime directory (GUNICORN_CONTROL_SOCKET), or none. Older versions ignore both settings.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
