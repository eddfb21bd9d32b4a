"""The documentation site (mkdocs.yml, docs/) holds together without a browser.

- every screenshot a page shows is one the browser test declares and takes
  (tests/browser/test_docs_screenshots.py, SCREENSHOTS), and every declared one is shown;
- every page in the navigation exists, apart from the two configuration references that
  docs/gen/config_reference.py generates during `make docs`;
- with mkdocs installed, the whole site builds in strict mode (a broken link, a missing page or
  image fails) from a copy of docs/ with placeholder screenshots and the generated pages, in a
  temporary directory: nothing is written into the repository.
"""

import logging
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from tests.browser.test_docs_screenshots import SCREENSHOTS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SCREENS = "img/screens"
# Written by `make docs` (docs/gen/config_reference.py), not kept in git.
GENERATED = {
    "admin/configuration.md": [],
    "en/admin/configuration.md": ["--lang", "en"],
}
IMAGE = re.compile(r"img/screens/([^)\s\"']+)")


def _png_1x1() -> bytes:
    """A valid 1×1 grey PNG, standing in for the screenshots."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


PLACEHOLDER_PNG = _png_1x1()


def _pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if SCREENS not in p.as_posix())


def _nav_files(node) -> list[str]:
    """The .md paths of a mkdocs nav (lists of {title: path-or-list} and bare paths)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [path for item in node for path in _nav_files(item)]
    if isinstance(node, dict):
        return [path for value in node.values() for path in _nav_files(value)]
    return []


def _config() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def test_every_screenshot_shown_is_declared_and_every_declared_one_is_shown():
    shown = {}
    for page in _pages():
        for name in IMAGE.findall(page.read_text(encoding="utf-8")):
            shown.setdefault(name, []).append(page.relative_to(DOCS).as_posix())
    undeclared = {name: pages for name, pages in shown.items() if name not in SCREENSHOTS}
    assert undeclared == {}, "images not taken by tests/browser/test_docs_screenshots.py"
    assert sorted(set(SCREENSHOTS) - set(shown)) == [], "declared screenshots no page shows"
    assert all(name.endswith(".png") for name in SCREENSHOTS)


def test_every_nav_entry_is_a_page_or_a_generated_reference():
    config = _config()
    assert config["docs_dir"] == "docs" and config["site_dir"] == "var/site"
    entries = _nav_files(config["nav"])
    assert len(entries) == len(set(entries)), "a page is in the navigation twice"
    for guide in ("index.md", "guide/index.md", "guide/tinh.md", "guide/captren.md"):
        assert guide in entries
    assert {"guide/coso.md", "guide/doanvien.md", *GENERATED} <= set(entries)
    missing = [e for e in entries if e not in GENERATED and not (DOCS / e).is_file()]
    assert missing == [], "pages in mkdocs.yml's nav that do not exist"


def test_the_site_builds_in_strict_mode(tmp_path, caplog):
    pytest.importorskip("mkdocs", reason="mkdocs is not installed: pip install -e '.[docs]'")
    pytest.importorskip("material", reason="mkdocs-material is not installed")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs, ignore=shutil.ignore_patterns("screens", "__pycache__"))
    (docs / SCREENS).mkdir(parents=True, exist_ok=True)
    for name in SCREENSHOTS:
        (docs / SCREENS / name).write_bytes(PLACEHOLDER_PNG)
    for page, args in GENERATED.items():
        target = docs / page
        target.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [sys.executable, str(DOCS / "gen" / "config_reference.py"), *args, str(target)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    site = tmp_path / "site"
    config = load_config(
        config_file=str(ROOT / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(site), strict=True
    )
    caplog.set_level(logging.INFO, logger="mkdocs")
    try:
        build(config)
    except Abort as error:
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        pytest.fail(f"{error}\n" + "\n".join(warnings))

    # Anchors are only reported at INFO level by mkdocs: the guides' own links must all land.
    ours = re.compile(r"'(index\.md|guide/[^']+)'")
    broken = [
        r.getMessage()
        for r in caplog.records
        if "anchor" in r.getMessage() and ours.search(r.getMessage())
    ]
    assert broken == []

    for page in ("index.html", "guide/index.html", "guide/tinh.html", "guide/doanvien.html"):
        assert (site / page).is_file(), page
    assert (site / SCREENS / "dang-nhap.png").read_bytes() == PLACEHOLDER_PNG
    assert not (site / "gen").exists(), "docs/gen/ must not be published"
    # Offline: no page loads a script, a stylesheet or a font from another site.
    external = re.compile(r"""<(?:script|link)[^>]+(?:src|href)=["']https?://""", re.I)
    offenders = [
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if external.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'lang="vi"' in home and "Kế hoạch 26/KH-LĐLĐ" in home
