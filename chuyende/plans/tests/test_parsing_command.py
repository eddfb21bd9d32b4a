"""`parse_plan FILE`: JSON on stdout; one Vietnamese line and a non-zero exit on a bad file."""

import json
import os
import subprocess
import sys
import unicodedata
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "chuyende" / "demo" / "data" / "ke-hoach-26-KH-LDLD-2024.txt"
EXPECTED = Path(__file__).parent / "fixtures" / "seed.expected.json"


def _settings_ready() -> bool:
    from django.conf import settings

    try:
        return "chuyende.plans" in settings.INSTALLED_APPS
    except Exception:  # ImproperlyConfigured when run without pytest-django
        return False


pytestmark = pytest.mark.skipif(not _settings_ready(), reason="Django settings are not set up")


def _env() -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "chuyende.settings")
    return env


def test_parse_plan_prints_the_seed_as_json():
    out = StringIO()
    call_command("parse_plan", str(SEED), stdout=out)
    printed = out.getvalue()
    assert unicodedata.is_normalized("NFC", printed)
    assert "Đắk Lắk" in printed  # ensure_ascii=False: Vietnamese as is
    assert printed.startswith('{\n  "kind": "KẾ HOẠCH",')  # indent=2
    assert json.loads(printed) == json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_parse_plan_on_an_unreadable_file_raises_command_error(tmp_path):
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(CommandError) as error:
        call_command("parse_plan", str(path), stdout=StringIO())
    assert str(error.value) == "Không đọc được tệp: tệp không phải .txt, .docx hoặc .pdf"


def test_parse_plan_exit_code_and_single_stderr_line(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    result = subprocess.run(
        [sys.executable, "-m", "django", "parse_plan", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        encoding="utf-8",
        env=_env(),
    )
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "Không đọc được tệp PDF" in lines[0]


def test_parse_plan_exit_code_is_zero_on_success():
    result = subprocess.run(
        [sys.executable, "-m", "django", "parse_plan", str(SEED)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        encoding="utf-8",
        env=_env(),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["number"] == "26/KH-LĐLĐ"
