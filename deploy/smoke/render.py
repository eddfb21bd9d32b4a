"""Render the shipped deploy/ files for the smoke test's temporary directory (stdlib only).

    python render.py nginx SITE_CONF --out FILE --https-port N --http-port N --app-port N
                     --static DIR --cert FILE --key FILE --logs DIR --acme DIR
    python render.py logrotate CONF --out FILE --logs DIR --pidfile FILE
    python render.py env-keys SETTINGS_PY ENV_TEMPLATE [ENV_FILE]

Only the values a real server has and the test cannot (ports on 127.0.0.1, paths in the
temporary directory, the certificate) are replaced, each by an exact substitution that must
match as often as the shipped file has it: if the shipped file changes shape, the smoke test
fails here instead of silently testing something else.
"""

import argparse
import re
import sys
from pathlib import Path


class RenderError(Exception):
    pass


def substitute(text: str, old: str, new: str, count: int) -> str:
    found = text.count(old)
    if found != count:
        raise RenderError(f"expected {count} x {old!r} in the shipped file, found {found}")
    return text.replace(old, new)


def render_nginx(text: str, a) -> str:
    host = "chuyende.example.vn"
    steps = [
        ("listen 80;", f"listen 127.0.0.1:{a.http_port};", 1),
        ("    listen [::]:80;\n", "", 1),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{a.https_port} ssl http2;", 1),
        ("    listen [::]:443 ssl http2;\n", "", 1),
        (f"/etc/letsencrypt/live/{host}/fullchain.pem", a.cert, 1),
        (f"/etc/letsencrypt/live/{host}/privkey.pem", a.key, 1),
        (f"server_name {host};", "server_name localhost;", 2),
        (
            "return 301 https://$host$request_uri;",
            f"return 301 https://$host:{a.https_port}$request_uri;",
            1,
        ),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{a.app_port};", 1),
        ("alias /var/lib/chuyende/static/;", f"alias {a.static.rstrip('/')}/;", 1),
        ("root /var/www/letsencrypt;", f"root {a.acme};", 1),
        ("/var/log/nginx/chuyende.access.log", f"{a.logs}/nginx-access.log", 1),
        ("/var/log/nginx/chuyende.error.log", f"{a.logs}/nginx-error.log", 1),
    ]
    for old, new, count in steps:
        text = substitute(text, old, new, count)
    directives = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    left = [w for w in ("example.vn", "/var/lib/", "/etc/letsencrypt") if w in directives]
    if left:
        raise RenderError(f"production values left after rendering: {left}")
    return text


def render_logrotate(text: str, a) -> str:
    import grp
    import os
    import pwd

    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    text = substitute(text, "/var/log/chuyende/*.log", f"{a.logs}/*.log", 1)
    text = substitute(text, "su chuyende chuyende", f"su {user} {group}", 1)
    text = substitute(text, "create 0640 chuyende chuyende", f"create 0640 {user} {group}", 1)
    systemctl = re.compile(r"^\s*systemctl kill .*chuyende-web\.service.*$", re.M)
    if len(systemctl.findall(text)) != 1:
        raise RenderError("expected one `systemctl kill ... chuyende-web.service` in postrotate")
    return systemctl.sub(f'        kill -USR1 "$(cat {a.pidfile})"', text)


ENV_CALL = re.compile(
    r"""(?:env_str|env_bool|env_int|env_list|os\.environ\.get|os\.getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
)
TEMPLATE_KEY = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.M)


def env_keys(settings_py: Path, template: Path, env_file: Path | None) -> list[str]:
    """Problems: a variable settings.py reads that the template does not list, or one the smoke
    environment sets that the template does not document."""
    read = set(ENV_CALL.findall(settings_py.read_text(encoding="utf-8")))
    listed = set(TEMPLATE_KEY.findall(template.read_text(encoding="utf-8")))
    problems = [
        f"{name}: read by settings.py, missing from {template.name}"
        for name in sorted(read - listed)
    ]
    if env_file is not None:
        used = set(TEMPLATE_KEY.findall(env_file.read_text(encoding="utf-8")))
        problems += [
            f"{name}: set by the smoke test, missing from {template.name}"
            for name in sorted(used - listed)
        ]
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    nginx = sub.add_parser("nginx")
    nginx.add_argument("source")
    for name in ("out", "static", "cert", "key", "logs", "acme"):
        nginx.add_argument(f"--{name}", required=True)
    for name in ("https-port", "http-port", "app-port"):
        nginx.add_argument(f"--{name}", type=int, required=True)
    rotate = sub.add_parser("logrotate")
    rotate.add_argument("source")
    for name in ("out", "logs", "pidfile"):
        rotate.add_argument(f"--{name}", required=True)
    keys = sub.add_parser("env-keys")
    keys.add_argument("settings")
    keys.add_argument("template")
    keys.add_argument("env_file", nargs="?")
    a = parser.parse_args(argv)
    try:
        if a.what == "env-keys":
            problems = env_keys(
                Path(a.settings), Path(a.template), Path(a.env_file) if a.env_file else None
            )
            for problem in problems:
                print(f"env template: {problem}", file=sys.stderr)
            return 1 if problems else 0
        text = Path(a.source).read_text(encoding="utf-8")
        text = render_nginx(text, a) if a.what == "nginx" else render_logrotate(text, a)
    except RenderError as error:
        print(f"render {a.what}: {error}", file=sys.stderr)
        return 1
    Path(a.out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
