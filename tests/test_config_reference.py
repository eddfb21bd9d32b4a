"""The configuration reference (docs/gen/config_reference.py) documents every environment
variable the settings read: adding a setting without listing and describing it fails here.

What the settings read is found twice, independently: by running chuyende/settings.py with an
os.environ that records every key looked up from that file, and by the generator's own reading
of the code (ast). Both must be in the generated page, in both languages.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "docs" / "gen" / "config_reference.py"
SETTINGS = ROOT / "chuyende" / "settings.py"
ENV_EXAMPLE = ROOT / ".env.example"

# Imports chuyende.settings with os.environ replaced by a mapping that notes each key whose
# look-up comes from code in settings.py (its helpers included), then prints them as JSON.
RECORDER = r"""
import collections.abc, json, os, sys

SETTINGS = os.path.realpath(sys.argv[1])
# This recorder ("<string>": run with -c) and the mapping machinery it goes through.
SKIP = {"<string>", os.__file__, collections.abc.__file__}
SKIP |= {os.path.realpath(name) for name in SKIP}
real = os.environ
seen = set()


def note(key):
    frame = sys._getframe(1)
    while frame is not None and (
        frame.f_code.co_filename in SKIP
        or frame.f_code.co_filename.endswith("_collections_abc.py")
    ):
        frame = frame.f_back
    if frame is not None and os.path.realpath(frame.f_code.co_filename) == SETTINGS:
        seen.add(key)


class Recording(collections.abc.MutableMapping):
    def __getitem__(self, key):
        note(key)
        return real[key]

    def get(self, key, default=None):
        note(key)
        return real.get(key, default)

    def __contains__(self, key):
        note(key)
        return key in real

    def __setitem__(self, key, value):
        real[key] = value

    def __delitem__(self, key):
        del real[key]

    def __iter__(self):
        return iter(real)

    def __len__(self):
        return len(real)


os.environ = Recording()
import chuyende.settings  # noqa: E402,F401

print(json.dumps(sorted(seen)))
"""


def _settings_reads(tmp_path, extra_env: dict) -> set[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "VAR_DIR": str(tmp_path / "var"),
        **extra_env,
    }
    result = subprocess.run(
        [sys.executable, "-c", RECORDER, str(SETTINGS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def settings_reads(tmp_path_factory):
    """Every variable chuyende/settings.py looks up, under a bare environment (a local install:
    SQLite, no Redis, HTTPS on by default) and a production-like one (PostgreSQL, Redis)."""
    tmp = tmp_path_factory.mktemp("reads")
    local = _settings_reads(tmp, {})
    production = _settings_reads(
        tmp,
        {
            "DEBUG": "false",
            "HTTPS": "true",
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db",
            "DATABASE_REPLICA_URL": "postgres://u:p@127.0.0.1:5433/db",
            "REDIS_URL": "redis://127.0.0.1:6379/9",
        },
    )
    return local | production


def _generator():
    spec = importlib.util.spec_from_file_location("config_reference", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _run(*args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _listed(path: Path) -> set[str]:
    return set(_generator().parse_env_file(path))


def test_the_recorder_sees_the_settings_reads(settings_reads):
    # A handful read on every path through settings.py, whatever the environment.
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "TIME_ZONE"} <= settings_reads
    # Read only in one branch each: SQLite's cache size without Redis, the redirect with HTTPS.
    assert {"CACHE_MAX_ENTRIES", "SECURE_SSL_REDIRECT"} <= settings_reads


def test_the_generator_finds_every_read_of_the_settings(settings_reads):
    generator = _generator()
    scanned = generator.scan([SETTINGS]).names
    assert settings_reads <= set(scanned), sorted(settings_reads - set(scanned))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_setting_is_in_the_reference(tmp_path, settings_reads, lang):
    out = tmp_path / lang / "configuration.md"
    result = _run("--lang", lang, out)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    title = "# Tham chiếu cấu hình" if lang == "vi" else "# Configuration reference"
    assert page.startswith(title)
    rows = {line.split("|")[1].strip().strip("`") for line in page.splitlines() if "| `" in line}
    missing = settings_reads - rows
    assert not missing, f"read by chuyende/settings.py, not in the {lang} reference: {missing}"
    assert _listed(ENV_EXAMPLE) <= rows
    # Each row has a description in the page's language, not an empty cell.
    for line in page.splitlines():
        if line.startswith("| `"):
            meaning = line.split(" | ")[2]
            assert len(meaning) > 10, line


def test_the_descriptions_differ_by_language(tmp_path):
    assert _run("--lang", "vi", tmp_path / "vi.md").returncode == 0
    assert _run("--lang", "en", tmp_path / "en.md").returncode == 0
    vi = (tmp_path / "vi.md").read_text(encoding="utf-8")
    en = (tmp_path / "en.md").read_text(encoding="utf-8")
    assert "Cơ sở dữ liệu PostgreSQL" in vi and "Cơ sở dữ liệu PostgreSQL" not in en
    # The English text is .env.example's comment on the variable's line.
    assert "Rate limits on public pages and log-in failures" in en


def _env_copy(tmp_path, transform) -> Path:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / ".env.example"
    path.write_text("\n".join(transform(lines)) + "\n", encoding="utf-8")
    return path


def test_a_setting_missing_from_env_example_fails(tmp_path):
    env = _env_copy(tmp_path, lambda lines: [x for x in lines if "REDIS_URL=" not in x])
    result = _run("--env-example", env, tmp_path / "out.md")
    assert result.returncode == 1
    assert "REDIS_URL is read by the application (chuyende/settings.py:" in result.stderr
    assert not (tmp_path / "out.md").exists()


def test_a_variable_nothing_reads_fails(tmp_path):
    env = _env_copy(tmp_path, lambda lines: [*lines, "# NOT_READ_ANYWHERE=1   # nothing"])
    result = _run("--env-example", env, tmp_path / "out.md")
    assert result.returncode == 1
    assert "NOT_READ_ANYWHERE is listed in" in result.stderr
    assert "no code under chuyende/ reads it" in result.stderr
    assert "NOT_READ_ANYWHERE has no Vietnamese description" in result.stderr


def test_a_variable_without_a_comment_fails(tmp_path):
    def strip_comment(lines):
        return ["# LOG_LEVEL=WARNING" if x.startswith("# LOG_LEVEL=") else x for x in lines]

    result = _run("--env-example", _env_copy(tmp_path, strip_comment), tmp_path / "out.md")
    assert result.returncode == 1
    assert "LOG_LEVEL has no comment" in result.stderr
