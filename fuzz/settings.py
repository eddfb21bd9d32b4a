"""Settings of the fuzz targets: the test settings on an in-memory SQLite database whose tables
are made straight from the models (no migrations: the target starts in seconds)."""

from chuyende.settings_test import *  # noqa: F403


class _NoMigrations:
    def __contains__(self, app_label):
        return True

    def __getitem__(self, app_label):
        return None


DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
MIGRATION_MODULES = _NoMigrations()
LOGGING = {"version": 1, "disable_existing_loggers": True}
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
