"""`make faults`: the site under real faults, with real processes (not part of `make test`:
faults/ is outside the test paths of pyproject.toml). See harness.py."""

import pytest

from .harness import NOTES, TALLY, Site


@pytest.fixture(scope="session")
def site():
    site = Site.create()
    try:
        site.setup()
        site.start_web()
        site.start_worker()
        yield site
    finally:
        site.stop()


def pytest_terminal_summary(terminalreporter):
    if not TALLY and not NOTES:
        return
    terminalreporter.section("faults: what was tried")
    for line in NOTES:
        terminalreporter.write_line(line)
    if TALLY:
        terminalreporter.write_line(
            "totals: " + ", ".join(f"{key} {value:,}" for key, value in sorted(TALLY.items()))
        )
