"""Progress reported from inside a task's transaction, on the database cache: visible to the web
workers at once, kept when the task rolls back, and never stuck behind a COPY in progress."""

import threading

import pytest
from django.core.cache import caches
from django.db import connection, transaction

from chuyende.core import progress
from chuyende.org.models import Member

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "chuyende_cache",
    }
}


def _read_elsewhere(kind, pk):
    """What a web worker reads: another thread, another connection."""
    box = {}

    def read():
        try:
            box["state"] = progress.read(kind, pk)
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(timeout=30)
    return box.get("state")


@pytest.fixture
def database_cache(settings):
    settings.CACHES = DATABASE_CACHE
    caches["default"].clear()
    yield
    caches["default"].clear()


def test_a_report_made_during_a_copy_is_written_and_seen_at_once(database_cache):
    if connection.vendor != "postgresql":
        pytest.skip("COPY and concurrent connections: PostgreSQL")
    box = {}

    def task():
        """An import's transaction, in the middle of its COPY (which holds the connection)."""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                table = Member._meta.db_table
                with cursor.cursor.copy(f'COPY "{table}" ("full_name") FROM STDIN'):
                    progress.report("import", 7, done=2000, total=5000, stage="import")
                    box["seen"] = _read_elsewhere("import", 7)
                    raise RuntimeError("rolled back")
        except RuntimeError as error:
            box["error"] = str(error)
        finally:
            connection.close()

    thread = threading.Thread(target=task, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "a progress report made during a COPY never returns"
    assert box == {"seen": {**box["seen"], "done": 2000, "total": 5000}, "error": "rolled back"}
    assert _read_elsewhere("import", 7)["done"] == 2000  # kept through the rollback
    with transaction.atomic():
        progress.clear("import", 7)
        assert _read_elsewhere("import", 7) is None


def test_outside_a_transaction_reports_are_written_directly(database_cache):
    progress.report("export", 3, done=1, total=2)
    assert progress.read("export", 3)["total"] == 2
    progress.clear("export", 3)
    assert progress.read("export", 3) is None
