"""The `chuyende` console script: Django's management commands with the project's settings,
plus `chuyende run`, which serves the web application and a task worker together, and
`chuyende --version` (or `chuyende version`): this release with its Django and Python, printed
without reading the settings or touching a database."""

import os
import signal
import subprocess
import sys


def _setup_env():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chuyende.settings")


def version_line() -> str:
    """ "chuyende 0.9.0 (Django 5.2.19, Python 3.11.7)": what support asks for first."""
    import platform

    import django

    from chuyende import __version__

    return f"chuyende {__version__} (Django {django.get_version()}, Python {platform.python_version()})"


def run_server(port: str) -> int:
    """Web server (gunicorn) and task worker (`worker`), stopped together on Ctrl-C."""
    os.environ.setdefault("HTTPS", "false")
    python = sys.executable
    manage = [python, "-m", "chuyende.cli"]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], check=True)
    bind = os.environ.get("BIND", "127.0.0.1")
    web = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "chuyende.wsgi:application",
            "--bind",
            f"{bind}:{port}",
            "--workers",
            os.environ.get("WEB_CONCURRENCY", "2"),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
        ]
    )
    # Nightly jobs re-queue themselves; queue the first run when none is waiting (a failure here
    # must not stop the server from starting).
    subprocess.run([*manage, "anonymise_members", "--schedule"], check=False)
    subprocess.run([*manage, "send_reminders", "--schedule"], check=False)
    # db_worker with recovery of lost tasks (chuyende.core.workers)
    worker = subprocess.Popen([*manage, "worker", "--queue-name", "*"])
    procs = [web, worker]

    def stop(*_):
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while all(proc.poll() is None for proc in procs):
            try:
                web.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
    finally:
        stop()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


def main(argv=None) -> int:
    argv = list(sys.argv if argv is None else argv)
    # Django answers `version` and `--version` with its own version alone; ours comes first.
    if argv[1:] in (["version"], ["--version"]):
        print(version_line())
        return 0
    _setup_env()
    if len(argv) > 1 and argv[1] == "run":
        port = argv[2] if len(argv) > 2 else os.environ.get("PORT", "8000")
        return run_server(port)
    from django.core.management import execute_from_command_line

    argv[0] = "chuyende"
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
