"""The app's PostgreSQL sessions run without JIT compilation (chuyende.settings)."""

import pytest
from django.db import connection

from chuyende import settings as project_settings


def test_a_postgresql_database_gets_jit_off_and_keeps_options_given_in_its_url():
    plain = {"ENGINE": "django.db.backends.postgresql", "NAME": "x"}
    project_settings._postgres_session(plain)
    assert plain["OPTIONS"] == {"options": "-c jit=off"}
    given = {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"options": "-c work_mem=64MB"}}
    project_settings._postgres_session(given)
    assert given["OPTIONS"] == {"options": "-c work_mem=64MB"}
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}
    project_settings._postgres_session(sqlite)
    assert "OPTIONS" not in sqlite


@pytest.mark.django_db
def test_the_session_runs_with_jit_off():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
