"""The release version has one source, pyproject.toml: the package, the console script, the
OpenAPI document, the page footer and CHANGELOG.md's latest released heading all say it."""

import json
import os
import platform
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import django
import pytest
from django.template import Context, Template
from django.urls import reverse

import chuyende

ROOT = Path(chuyende.__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PYPROJECT_VERSION = PYPROJECT["project"]["version"]
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"
)
HEADING = re.compile(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?\s*$", re.MULTILINE)


def test_the_package_version_is_pyprojects_and_semantic():
    assert SEMVER.match(PYPROJECT_VERSION), PYPROJECT_VERSION
    assert chuyende.__version__ == PYPROJECT_VERSION


def _bare_env(tmp_path) -> dict:
    """No usable settings and no reachable database: the version must not need either."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "chuyende.no_such_settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nowhere",
    }


@pytest.mark.parametrize("argument", ["--version", "version"])
def test_the_console_script_prints_the_version_without_settings_or_database(tmp_path, argument):
    expected = (
        f"chuyende {PYPROJECT_VERSION} "
        f"(Django {django.get_version()}, Python {platform.python_version()})\n"
    )
    commands = [[sys.executable, "-m", "chuyende.cli", argument]]
    script = Path(sys.executable).with_name("chuyende")  # the installed console script
    if script.exists():
        commands.append([str(script), argument])
    for command in commands:
        result = subprocess.run(
            command,
            cwd=tmp_path,
            env=_bare_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (result.returncode, result.stdout, result.stderr) == (0, expected, ""), command


def test_the_changelogs_latest_release_is_this_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = HEADING.findall(text)
    assert headings and headings[0] == ("Unreleased", "")
    released = [(version, date) for version, date in headings if version != "Unreleased"]
    latest, date = released[0]
    assert latest == PYPROJECT_VERSION
    assert date, "a released heading carries its date"
    numbers = [tuple(int(n) for n in SEMVER.match(v).groups()[:3]) for v, _date in released]
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == len(numbers)


@pytest.mark.django_db
def test_the_openapi_document_carries_the_version(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert json.loads(response.content)["info"]["version"] == PYPROJECT_VERSION


def test_the_footer_tag_needs_no_database():
    # No django_db mark: a query here would raise "Database access not allowed".
    rendered = Template("{% load chuyende_version %}{% chuyende_version %}").render(Context())
    assert rendered == PYPROJECT_VERSION


def test_signed_in_users_see_the_version_in_the_footer(client, world):
    footer = re.compile(rf'id="app-version">[^<]*\b{re.escape(PYPROJECT_VERSION)}<')
    client.force_login(world.carol)
    assert footer.search(client.get(reverse("core:home")).content.decode())
    client.logout()
    login = client.get(reverse("login")).content.decode()
    assert 'id="app-version"' not in login and PYPROJECT_VERSION not in login
