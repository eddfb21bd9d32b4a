"""The read-replica router (chuyende.core.routers, docs/read-replica.md).

The unit tests need no second server: the "replica" alias is either absent, a server that
refuses connections, or a second connection to the test database itself (a "loopback" replica,
configured like a test MIRROR of default). The integration test at the end runs against a real
streaming replica when REPLICA_TEST_URL names one (deploy/replica/start-replica.sh):

    deploy/replica/start-replica.sh
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
    REPLICA_TEST_URL=postgres://postgres@127.0.0.1:5433/test \
        .venv/bin/python -m pytest chuyende/core/tests/test_routers.py
    deploy/replica/stop-replica.sh
"""

import copy
import logging
import os
import socket
import time

import dj_database_url
import pytest
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, transaction
from django.test.utils import CaptureQueriesContext

from chuyende.core import routers
from chuyende.core.routers import REPLICA, ReplicaRouter, replica_reads, reporting_db
from chuyende.org.models import Unit
from conftest import make_unit

ROUTER = "chuyende.core.routers.ReplicaRouter"
BOTH = [DEFAULT_DB_ALIAS, REPLICA]
REPLICA_TEST_URL = os.environ.get("REPLICA_TEST_URL", "")


# The "replica" alias -------------------------------------------------------------------------
# It must exist before pytest-django sets a test up for `databases=BOTH` to be accepted, so
# this module installs one for its duration (a loopback replica) and puts back whatever the
# settings had. It is a test MIRROR of default: never created, never flushed.


def _configured(settings_dict):
    settings_dict = copy.deepcopy(settings_dict)
    settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "MIRROR": DEFAULT_DB_ALIAS}
    connections.configure_settings(
        {DEFAULT_DB_ALIAS: connections.settings[DEFAULT_DB_ALIAS], REPLICA: settings_dict}
    )
    return settings_dict


def _drop_thread_connection():
    connection = getattr(connections._connections, REPLICA, None)
    if connection is not None:
        connection.close()
        del connections[REPLICA]


def _set_replica(settings_dict):
    """Point the alias at another server (None: no replica configured)."""
    _drop_thread_connection()
    if settings_dict is None:
        connections.settings.pop(REPLICA, None)
    else:
        connections.settings[REPLICA] = settings_dict
    routers.forget_health()


def _loopback():
    """A second connection to the test database: a replica that is never behind."""
    return _configured(connections[DEFAULT_DB_ALIAS].settings_dict)


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    original_settings = connections.settings.get(REPLICA)
    original_connection = getattr(connections._connections, REPLICA, None)
    if original_connection is not None:
        del connections[REPLICA]
    connections.settings[REPLICA] = _loopback()
    yield
    _drop_thread_connection()
    if original_settings is None:
        connections.settings.pop(REPLICA, None)
    else:
        connections.settings[REPLICA] = original_settings
    if original_connection is not None:
        connections[REPLICA] = original_connection
    routers.forget_health()


@pytest.fixture(autouse=True)
def fresh_health():
    routers.forget_health()
    yield
    routers.forget_health()


@pytest.fixture
def routed(settings):
    settings.DATABASE_ROUTERS = [ROUTER]


@pytest.fixture
def loopback(routed):
    _set_replica(_loopback())
    yield
    _drop_thread_connection()


@pytest.fixture
def no_replica(routed):
    saved = connections.settings[REPLICA]
    _set_replica(None)
    yield
    _set_replica(saved)


@pytest.fixture
def unreachable_replica(routed, django_db_blocker):
    """A PostgreSQL alias on a local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = connections.settings[REPLICA]
    _set_replica(
        _configured(
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "chuyende",
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": str(port),
                "OPTIONS": {"connect_timeout": 3},
            }
        )
    )
    with django_db_blocker.unblock():
        yield
    _set_replica(saved)


def _warnings(caplog):
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "chuyende.core.routers" and r.levelno == logging.WARNING
    ]


# Rules without a database --------------------------------------------------------------------


def test_everything_goes_to_default_outside_a_block(routed):
    router = ReplicaRouter()
    assert router.db_for_read(Unit) == DEFAULT_DB_ALIAS
    assert router.db_for_write(Unit) == DEFAULT_DB_ALIAS
    assert Unit.objects.all().db == DEFAULT_DB_ALIAS


def test_writes_go_to_default_inside_a_block(routed):
    with replica_reads():
        assert ReplicaRouter().db_for_write(Unit) == DEFAULT_DB_ALIAS
        assert Unit.objects.select_for_update().db == DEFAULT_DB_ALIAS


def test_without_a_replica_a_block_reads_from_default(no_replica):
    with replica_reads():
        assert ReplicaRouter().db_for_read(Unit) == DEFAULT_DB_ALIAS
        assert Unit.objects.all().db == DEFAULT_DB_ALIAS
        assert reporting_db() == DEFAULT_DB_ALIAS
    assert not routers.replica_configured()


def test_the_replica_is_never_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate(REPLICA, "org", "unit") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "org", "unit") is True
    assert router.allow_migrate("elsewhere", "org", "unit") is None


def test_objects_of_both_aliases_may_be_related():
    router = ReplicaRouter()
    on_replica, on_default, elsewhere = Unit(), Unit(), Unit()
    on_replica._state.db = REPLICA
    on_default._state.db = DEFAULT_DB_ALIAS
    elsewhere._state.db = "elsewhere"
    assert router.allow_relation(on_replica, on_default) is True
    assert router.allow_relation(on_default, on_replica) is True
    assert router.allow_relation(on_replica, elsewhere) is None


def test_an_unreachable_replica_falls_back_to_default_and_is_tried_again_later(
    unreachable_replica, caplog, monkeypatch
):
    now = [1000.0]
    monkeypatch.setattr(routers, "_clock", lambda: now[0])
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Unit) == DEFAULT_DB_ALIAS
        assert len(_warnings(caplog)) == 1
        assert "read replica unusable" in _warnings(caplog)[0]
        # Within CHECK_EVERY seconds the replica is not tried again (no connection attempt).
        now[0] += routers.CHECK_EVERY - 1
        assert router.db_for_read(Unit) == DEFAULT_DB_ALIAS
        assert reporting_db() == DEFAULT_DB_ALIAS
        assert len(_warnings(caplog)) == 1
        # Then it is.
        now[0] += 2
        assert router.db_for_read(Unit) == DEFAULT_DB_ALIAS
        assert len(_warnings(caplog)) == 2
    assert connections[REPLICA].connection is None


# A loopback replica (a second connection to the test database) ---------------------------------


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_block_reads_run_on_the_replica_connection(loopback):
    make_unit(None, "RPL-A", "Công đoàn thử A", "confederation")
    make_unit(None, "RPL-B", "Công đoàn thử B", "confederation")
    postgres = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
    with replica_reads():
        with (
            CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
            CaptureQueriesContext(connections[REPLICA]) as on_replica,
        ):
            codes = list(Unit.objects.order_by("code").values_list("code", flat=True))
            count = Unit.objects.count()
    assert codes == ["RPL-A", "RPL-B"]
    assert count == 2
    assert len(on_default) == 0
    # The two reads, plus one lag check on PostgreSQL (not one per read).
    assert len(on_replica) == 2 + (1 if postgres else 0)
    assert sum('"org_unit"' in q["sql"] for q in on_replica.captured_queries) == 2
    # Outside the block: default again.
    with CaptureQueriesContext(connections[REPLICA]) as after:
        assert Unit.objects.count() == 2
    assert len(after) == 0


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_transaction_on_default_keeps_the_reads_on_default(loopback):
    with transaction.atomic():
        make_unit(None, "RPL-T", "Công đoàn trong giao dịch", "confederation")
        with replica_reads():
            found = Unit.objects.filter(code="RPL-T")
            assert found.db == DEFAULT_DB_ALIAS
            assert found.exists()
            assert reporting_db() == DEFAULT_DB_ALIAS
    with replica_reads():
        assert Unit.objects.filter(code="RPL-T").db == REPLICA


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_write_sends_the_rest_of_its_block_to_default(loopback):
    with replica_reads():
        assert Unit.objects.all().db == REPLICA
        with replica_reads():  # nested: the same block
            make_unit(None, "RPL-W", "Công đoàn vừa ghi", "confederation")
        written = Unit.objects.filter(code="RPL-W")
        assert written.db == DEFAULT_DB_ALIAS
        assert written.exists()
    with replica_reads():
        assert Unit.objects.all().db == REPLICA


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reporting_db_names_the_replica_for_explicit_reads(loopback):
    make_unit(None, "RPL-R", "Công đoàn báo cáo", "confederation")
    assert reporting_db() == REPLICA
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert list(Unit.objects.using(reporting_db()).values_list("code", flat=True)) == ["RPL-R"]
    assert any('"org_unit"' in q["sql"] for q in on_replica.captured_queries)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_replica_too_far_behind_is_not_used(loopback, settings, caplog):
    # A loopback replica is never behind: a negative limit is exceeded by a lag of 0.
    settings.REPLICA_MAX_LAG = -1
    with replica_reads():
        assert Unit.objects.all().db == DEFAULT_DB_ALIAS
    assert any("behind" in message for message in _warnings(caplog))


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_lost_replica_connection_falls_back_to_default(loopback, caplog):
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        pytest.skip("a SQLite connection is never unusable: PostgreSQL only")
    make_unit(None, "RPL-L", "Công đoàn mất kết nối", "confederation")
    with replica_reads():
        assert Unit.objects.count() == 1
        replica = connections[REPLICA]
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:  # the replica server restarts
            cursor.execute("SELECT pg_terminate_backend(%s)", [replica.connection.info.backend_pid])
        with pytest.raises((OperationalError, InterfaceError)):
            Unit.objects.using(REPLICA).count()
        assert replica.errors_occurred
        assert Unit.objects.all().db == DEFAULT_DB_ALIAS
        assert Unit.objects.count() == 1
    assert any("unusable" in message for message in _warnings(caplog))


# A real streaming replica ----------------------------------------------------------------------


@pytest.fixture
def streaming_replica(routed):
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        pytest.skip("the replica streams a PostgreSQL primary: run with DATABASE_URL")
    replica_settings = _configured(dj_database_url.parse(REPLICA_TEST_URL))
    _set_replica(replica_settings)
    # What TEST={"MIRROR": "default"} does: the replica's copy of the test database.
    connections[REPLICA].creation.set_as_test_mirror(connections[DEFAULT_DB_ALIAS].settings_dict)
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT system_identifier FROM pg_control_system()")
        replica_system = cursor.fetchone()[0]
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT system_identifier FROM pg_control_system()")
        primary_system = cursor.fetchone()[0]
    if replica_system != primary_system:
        pytest.fail(f"{REPLICA_TEST_URL} is not a physical replica of DATABASE_URL's server")
    yield connections[REPLICA]
    _set_replica(_loopback())


def _one(alias, sql, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _wait_for(alias, sql, params, what, seconds=30):
    """Poll until the replica's condition holds (a guard, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while not _one(alias, sql, params)[0]:
        if time.monotonic() > deadline:
            pytest.fail(f"the replica did not {what} within {seconds} s")
        time.sleep(0.05)


def _primary_lsn():
    return _one(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()::text")[0]


def _wait_for_replay():
    _wait_for(
        REPLICA,
        "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn",
        [_primary_lsn()],
        "replay the primary's writes",
    )


@pytest.mark.skipif(
    not REPLICA_TEST_URL,
    reason="REPLICA_TEST_URL is not set: start a streaming replica of DATABASE_URL's server "
    "with deploy/replica/start-replica.sh and set REPLICA_TEST_URL=postgres://...:5433/<db>",
)
@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reads_in_a_block_come_from_the_streaming_replica(streaming_replica, settings):
    assert _one(REPLICA, "SELECT pg_is_in_recovery()") == (True,)
    assert _one(DEFAULT_DB_ALIAS, "SELECT pg_is_in_recovery()") == (False,)

    # A committed write reaches the replica; a block reads it there.
    make_unit(None, "RPL-1", "Công đoàn nhân bản 1", "confederation")
    _wait_for_replay()
    with replica_reads():
        with (
            CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
            CaptureQueriesContext(streaming_replica) as on_replica,
        ):
            codes = list(Unit.objects.values_list("code", flat=True))
            with connections[reporting_db()].cursor() as cursor:
                cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
                answered_by = cursor.fetchone()
    assert codes == ["RPL-1"]
    assert answered_by == (True, int(streaming_replica.settings_dict["PORT"]))
    assert len(on_default) == 0
    assert any('"org_unit"' in q["sql"] for q in on_replica.captured_queries)

    # Uncommitted on the primary: the replica cannot see it, the block reads default.
    with transaction.atomic():
        make_unit(None, "RPL-2", "Công đoàn nhân bản 2", "confederation")
        with replica_reads():
            assert Unit.objects.filter(code="RPL-2").db == DEFAULT_DB_ALIAS
            assert Unit.objects.filter(code="RPL-2").exists()
        assert not Unit.objects.using(REPLICA).filter(code="RPL-2").exists()
    _wait_for_replay()

    # A replica behind the primary: its reads are stale until the lag passes REPLICA_MAX_LAG.
    _one(REPLICA, "SELECT pg_wal_replay_pause()")
    try:
        _wait_for(
            REPLICA,
            "SELECT pg_get_wal_replay_pause_state() = 'paused'",
            [],
            "pause its replay",
        )
        make_unit(None, "RPL-3", "Công đoàn nhân bản 3", "confederation")
        _wait_for(
            REPLICA,
            "SELECT pg_last_wal_receive_lsn() >= %s::pg_lsn",
            [_primary_lsn()],
            "receive the primary's writes",
        )
        settings.REPLICA_MAX_LAG = 3600
        routers.forget_health()
        with replica_reads():
            stale = Unit.objects.filter(code="RPL-3")
            assert stale.db == REPLICA
            assert not stale.exists()  # written and committed, not replayed yet
        settings.REPLICA_MAX_LAG = 0  # only a replica that has replayed all it received
        routers.forget_health()
        with replica_reads():
            current = Unit.objects.filter(code="RPL-3")
            assert current.db == DEFAULT_DB_ALIAS
            assert current.exists()
    finally:
        _one(REPLICA, "SELECT pg_wal_replay_resume()")
    _wait_for_replay()
    settings.REPLICA_MAX_LAG = 3600
    routers.forget_health()
    with replica_reads():
        assert Unit.objects.filter(code="RPL-3").db == REPLICA
        assert Unit.objects.filter(code="RPL-3").exists()
