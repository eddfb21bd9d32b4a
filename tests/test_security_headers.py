"""Issue 11 (security): production settings pass `check --deploy`; every HTML page carries a
Content-Security-Policy with no inline script or style; the templates hold no inline script,
event handler attribute, style attribute, hx-on or javascript: URL that the policy would block.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt

from chuyende.core.security import SecurityHeadersMiddleware

PACKAGE = Path(settings.PACKAGE_DIR)
TEMPLATES = PACKAGE / "templates"
STATIC_JS = PACKAGE / "static" / "js"

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "chuyende.settings",
    "DEBUG": "false",
    "HTTPS": "true",
    "SECRET_KEY": "q9!Tz4@Lm2#Vr8$Wc6%Nx1^Bk7&Hs3*Jd5(Pf0)Gy-Ua_Re+Ow=Ic",
    "ALLOWED_HOSTS": "congdoan.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://congdoan.example.vn",
}
DEPLOYMENTS = {
    "https": {},
    "behind a proxy": {"BEHIND_PROXY": "true", "PROXY_COUNT": "1"},
    "redis and postgres": {
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DATABASE_URL": "postgres://chuyende:secret@127.0.0.1:5432/chuyende",
    },
}


@pytest.mark.parametrize("deployment", DEPLOYMENTS)
def test_production_settings_pass_every_deploy_check(deployment, tmp_path):
    """`check --deploy --fail-level WARNING` with the environment a production deployment sets:
    any security warning (cookies, HSTS, SSL redirect, SECRET_KEY, DEBUG, hosts) fails."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "HTTPS"}
        and not name.startswith(("SECURE_", "SESSION_", "CSRF_"))
    }
    env |= PRODUCTION | DEPLOYMENTS[deployment] | {"VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "chuyende.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output


def _directives(header: str) -> dict:
    pairs = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {
        name: value.split() for name, value in ((p[0], p[1] if len(p) > 1 else "") for p in pairs)
    }


def _assert_strict(header: str) -> None:
    policy = _directives(header)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    for word in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:"):
        assert word not in header.split(), word


@pytest.mark.django_db
def test_every_html_page_carries_the_strict_policy_and_the_other_headers(client, world):
    login = client.get(reverse("login"))
    _assert_strict(login["Content-Security-Policy"])
    client.force_login(world.bob)
    for name in ("core:home", "org:unit_tree", "org:member_list", "reports:dashboard"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        _assert_strict(response["Content-Security-Policy"])
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
    # error pages too: a sibling's unit is a 404 page, HTML, with the policy
    missing = client.get(reverse("org:unit_detail", kwargs={"pk": world.b1.pk}))
    assert missing.status_code == 404
    _assert_strict(missing["Content-Security-Policy"])


@pytest.mark.django_db
def test_files_get_no_page_policy_but_the_permissions_policy(client, world):
    client.force_login(world.bob)
    response = client.get(reverse("transfer:template") + "?kind=members")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "Content-Security-Policy" not in response
    assert "camera=()" in response["Permissions-Policy"]


def test_a_view_with_its_own_policy_keeps_it_alone():
    def view(request):
        response = HttpResponse("<p>embeddable</p>")
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'self'"
        return response

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'self'"
    assert "frame-ancestors" not in response["Content-Security-Policy"]  # nothing appended


def test_a_page_meant_for_frames_is_not_refused_to_its_embedder():
    response = SecurityHeadersMiddleware(xframe_options_exempt(lambda r: HttpResponse("<p>x</p>")))(
        RequestFactory().get("/")
    )
    policy = _directives(response["Content-Security-Policy"])
    assert "frame-ancestors" not in policy
    assert policy["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_the_outreach_views_keep_their_stricter_policies(client, world):
    from chuyende.outreach.tests.url_samples import foreign_post

    public = client.get(reverse("outreach:public_page", args=[world.b.code]))
    assert public.status_code == 200
    assert public["Content-Security-Policy"].startswith("default-src 'none'")
    assert "frame-ancestors" not in public["Content-Security-Policy"]
    client.force_login(world.mallory)
    shot = client.get(reverse("outreach:post_screenshot", kwargs={"pk": foreign_post(world).pk}))
    assert shot.status_code == 200
    assert shot["Content-Security-Policy"] == "default-src 'none'; sandbox"


# --- The templates keep to the policy -----------------------------------------------------------

TAG = re.compile(r"<([a-zA-Z][\w-]*)((?:[^<>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
HANDLER = re.compile(r"""\s(on[a-z]+|style|hx-on[\w:.-]*|data-hx-on[\w:.-]*)\s*=""", re.I)


def _templates():
    return sorted(TEMPLATES.rglob("*.html"))


def test_templates_hold_no_inline_script_handler_or_style():
    found = []
    for path in _templates():
        text = path.read_text()
        name = path.relative_to(TEMPLATES)
        for match in TAG.finditer(text):
            tag, attributes = match.group(1).lower(), match.group(2)
            if tag == "script" and "src=" not in attributes:
                found.append(f"{name}: inline <script>")
            if tag == "style":
                found.append(f"{name}: <style> block")
            for handler in HANDLER.finditer(attributes):
                found.append(f"{name}: {handler.group(1)}= attribute on <{tag}>")
        if re.search(r"javascript:", text, re.I):
            found.append(f"{name}: javascript: URL")
        if re.search(r"hx-(vals|vars)=[\"'][^\"']*js:", text):
            found.append(f"{name}: hx-vals with js:")
    assert not found, "\n".join(found)


def test_the_scan_finds_what_it_looks_for():
    """The template scan above is no test that cannot fail."""
    samples = {
        "<script>alert(1)</script>": "inline <script>",
        '<button onclick="go()">': "onclick=",
        '<div class="a" style="width: 3%">': "style=",
        '<button hx-on::after-request="x()">': "hx-on::after-request=",
        "<style>p{}</style>": "<style>",
    }
    for html, what in samples.items():
        hits = []
        for match in TAG.finditer(html):
            tag, attributes = match.group(1).lower(), match.group(2)
            if tag == "script" and "src=" not in attributes:
                hits.append("inline <script>")
            if tag == "style":
                hits.append("<style>")
            hits += [f"{h.group(1)}=" for h in HANDLER.finditer(attributes)]
        assert what in hits, html
    # escaped markup shown as text (the outreach embed code) is not a tag
    assert not list(TAG.finditer('&lt;iframe style="border:0"&gt;'))


def test_htmx_is_configured_without_eval_or_injected_styles_and_honours_it():
    base = (TEMPLATES / "base.html").read_text()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", base)
    assert meta, 'base.html must configure htmx through <meta name="htmx-config">'
    import json

    config = json.loads(meta.group(1))
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["historyCacheSize"] == 0  # no page (personal data) kept in localStorage
    assert base.index('name="htmx-config"') < base.index("htmx.min.js")
    vendored = re.search(r"vendor/(htmx-[\d.]+)/htmx\.min\.js", base).group(1)
    source = (PACKAGE / "static" / "vendor" / vendored / "htmx.min.js").read_text()
    # the vendored htmx reads the meta, and checks both switches before eval / <style>
    assert 'meta[name="htmx-config"]' in source
    assert "config.allowEval" in source
    assert "config.includeIndicatorStyles!==false" in source


def test_page_scripts_exist_for_every_script_tag():
    for path in _templates():
        for src in re.findall(r"<script src=\"\{% static '([^']+)' %\}\"", path.read_text()):
            assert finders.find(src), (path.name, src)
    for script in STATIC_JS.glob("*.js"):
        text = script.read_text()
        assert "eval(" not in text and "new Function" not in text, script.name
        assert "innerHTML" not in text, script.name
