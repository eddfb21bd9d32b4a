"""The production environment template (deploy/chuyende.env.example) lists every variable the
settings read: the smoke test checks the same with render.py, but only in CI after the suites."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _render():
    spec = importlib.util.spec_from_file_location("smoke_render", ROOT / "deploy/smoke/render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_production_env_template_lists_every_variable_the_settings_read():
    render = _render()
    problems = render.env_keys(
        ROOT / "chuyende/settings.py", ROOT / "deploy/chuyende.env.example", None
    )
    assert problems == []


def test_a_variable_missing_from_the_template_is_reported(tmp_path):
    render = _render()
    template = tmp_path / "chuyende.env.example"
    text = (ROOT / "deploy/chuyende.env.example").read_text(encoding="utf-8")
    template.write_text(text.replace("#S3_BUCKET=", "#NOT_S3_BUCKET="), encoding="utf-8")
    problems = render.env_keys(ROOT / "chuyende/settings.py", template, None)
    assert any(p.startswith("S3_BUCKET:") for p in problems)
