"""English messages in these tests (see tests/english.py)."""

from tests.english import client, english  # noqa: F401
