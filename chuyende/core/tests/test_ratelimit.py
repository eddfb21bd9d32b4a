"""Rate limits (chuyende.core.ratelimit): per address, per identity, the 429 page, the log-in
locks, and two workers sharing the database cache counting together (SQLite and PostgreSQL)."""

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from chuyende.core import ratelimit
from chuyende.core.ratelimit import Rule

ROOT = Path(__file__).resolve().parents[3]
DB_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "worker1": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "chuyende_cache",
    },
    "worker2": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "chuyende_cache",
    },
}


def _rule(limit, window=60, lockout=0):
    return Rule(f"test.{uuid.uuid4().hex[:8]}", limit, window, lockout)


# Counting ---------------------------------------------------------------------------------------


def test_a_rule_allows_its_limit_then_refuses_until_the_window_ends():
    rule = _rule(3, window=60)
    now = 1_000_040.0  # 20 s into a window
    decisions = [ratelimit.hit(rule, "address:1.2.3.4", now=now) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.count for d in decisions[:3]] == [1, 2, 3]
    assert decisions[3].retry_after == 40
    assert ratelimit.hit(rule, "address:5.6.7.8", now=now).allowed  # another key
    assert ratelimit.hit(rule, "address:1.2.3.4", now=now + 41).allowed  # the next window


def test_check_counts_nothing_and_a_lockout_runs_from_the_last_failure():
    rule = _rule(2, window=900, lockout=900)
    now = 1_800_000.0  # a window starts here
    assert ratelimit.check(rule, "card:X", now=now).allowed
    assert ratelimit.check(rule, "card:X", now=now).count == 0
    ratelimit.hit(rule, "card:X", now=now)
    assert ratelimit.check(rule, "card:X", now=now).allowed
    ratelimit.hit(rule, "card:X", now=now + 800)
    refused = ratelimit.check(rule, "card:X", now=now + 800)
    assert not refused.allowed and refused.retry_after == 900
    # the window ended 100 s later, the lock still holds for 15 minutes from the failure
    assert not ratelimit.check(rule, "card:X", now=now + 1000).allowed
    assert ratelimit.check(rule, "card:X", now=now + 1701).allowed


def test_reset_forgets_the_hits_and_the_lock():
    rule = _rule(1, lockout=600)
    ratelimit.hit(rule, "username:bob")
    assert not ratelimit.check(rule, "username:bob").allowed
    ratelimit.reset(rule, "username:bob")
    assert ratelimit.check(rule, "username:bob").allowed


def test_settings_override_a_rule_and_can_turn_every_limit_off(settings):
    rule = _rule(100)
    settings.RATELIMITS = {rule.name: (1, 60)}
    assert ratelimit.hit(rule, "a").allowed
    assert not ratelimit.hit(rule, "a").allowed
    settings.RATELIMIT_ENABLED = False
    assert ratelimit.hit(rule, "a").allowed


@pytest.mark.parametrize(
    "meta, proxy, expected",
    [
        ({"REMOTE_ADDR": "203.0.113.9"}, False, "203.0.113.9"),
        # without a proxy configured, X-Forwarded-For is the client's own text: ignored
        ({"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "1.1.1.1"}, False, "203.0.113.9"),
        # behind one proxy: the hop it added (the right-most), not what the client wrote
        (
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7"},
            True,
            "198.51.100.7",
        ),
        ({"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, False, "2001:db8:1:2::/64"),
        ({"REMOTE_ADDR": "::ffff:192.0.2.1"}, False, "192.0.2.1"),
        ({}, False, "unknown"),
    ],
)
def test_the_address_counted(rf, settings, meta, proxy, expected):
    settings.BEHIND_PROXY = proxy
    settings.PROXY_COUNT = 1
    request = rf.get("/")
    request.META.pop("REMOTE_ADDR", None)
    request.META.update(meta)
    assert ratelimit.address(request) == expected


# The public views ------------------------------------------------------------------------------


def test_every_public_url_has_a_rate_limit():
    from chuyende.core.tests.test_url_scoping import PUBLIC

    missing = PUBLIC - set(ratelimit.VIEW_LIMITS) - ratelimit.UNLIMITED
    assert not missing, f"add these public URLs to ratelimit.VIEW_LIMITS: {sorted(missing)}"


@pytest.mark.django_db
def test_a_public_page_is_limited_per_address(settings):
    settings.RATELIMITS = {"public.address": (3, 60)}
    url = reverse("honors:showcase")
    first, second = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    assert [first.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get(url)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Cache-Control"] == "no-store"
    assert "core/too_many_requests.html" in [t.name for t in refused.templates]
    assert second.get(url).status_code == 200  # another address is not affected
    # the same budget covers every public page of the address
    assert first.get(reverse("contests:public_list")).status_code == 429


@pytest.mark.django_db
def test_the_429_page_speaks_the_visitors_language(settings):
    """Vietnamese by default, English for a visitor who chose it with the switcher."""
    from django.utils import translation
    from django.utils.translation import ngettext

    settings.RATELIMITS = {"public.address": (1, 60)}
    url = reverse("honors:showcase")
    english = Client(REMOTE_ADDR="198.51.100.3")
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english.get(url)
    refused = english.get(url)
    assert refused.status_code == 429
    assert b"Wait 1 minute and try again." in refused.content
    vietnamese = Client(REMOTE_ADDR="198.51.100.4")
    vietnamese.get(url)
    refused = vietnamese.get(url)
    assert refused.status_code == 429 and b'<html lang="vi">' in refused.content
    with translation.override("vi"):
        wait = ngettext(
            "Wait %(minutes)s minute and try again.", "Wait %(minutes)s minutes and try again.", 1
        ) % {"minutes": 1}
    assert wait.encode() in refused.content


@pytest.mark.django_db
def test_an_attempt_is_limited_per_token_whatever_the_address(settings):
    settings.RATELIMITS = {"contests.attempt.token": (2, 60)}
    url = reverse("contests:attempt", kwargs={"token": "t" * 20})
    statuses = [Client(REMOTE_ADDR=f"198.51.100.{n}").get(url).status_code for n in range(10, 13)]
    assert statuses == [404, 404, 429]  # the third address is refused: the token is spent
    other = reverse("contests:attempt", kwargs={"token": "u" * 20})
    assert Client(REMOTE_ADDR="198.51.100.13").get(other).status_code == 404


@pytest.mark.django_db
def test_autosave_is_limited_per_token_and_answers_json(settings):
    settings.RATELIMITS = {"contests.autosave.token": (1, 60)}
    url = reverse("contests:autosave", kwargs={"token": "v" * 20})
    browser = Client(REMOTE_ADDR="198.51.100.20")
    assert browser.post(url).status_code == 404
    refused = browser.post(url)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert refused.json()["saved"] is False and refused.json()["error"]
    assert "Retry-After" in refused


@pytest.mark.django_db
def test_contest_registration_is_limited_per_phone_number(settings):
    settings.RATELIMITS = {"contests.register.phone": (2, 600)}
    url = reverse("contests:register", kwargs={"pk": 999999})
    data = {"phone": "0912 345 678", "full_name": "A"}
    statuses = [
        Client(REMOTE_ADDR=f"198.51.100.{30 + n}").post(url, data).status_code for n in range(3)
    ]
    assert statuses[:2] == [404, 404] and statuses[2] == 429
    assert Client(REMOTE_ADDR="198.51.100.40").post(url, {"phone": "0987654321"}).status_code == 404


# Log-in --------------------------------------------------------------------------------------


def test_a_username_is_locked_from_every_address_after_its_own_limit(world, settings):
    settings.RATELIMITS = {"login.username": (3, 3600, 900)}
    url = reverse("login")
    for n in range(2):
        response = Client(REMOTE_ADDR=f"198.51.100.{50 + n}").post(
            url, {"username": "bob", "password": "wrong"}
        )
        assert response.status_code == 200
    third = Client(REMOTE_ADDR="198.51.100.52").post(url, {"username": "bob", "password": "x"})
    assert third.status_code == 429 and int(third["Retry-After"]) == 900
    # even the right password, from yet another address, waits
    right = Client(REMOTE_ADDR="198.51.100.53").post(url, {"username": "bob", "password": "pw"})
    assert right.status_code == 429
    # another user is not affected
    assert (
        Client(REMOTE_ADDR="198.51.100.53")
        .post(url, {"username": "carol", "password": "pw"})
        .status_code
        == 302
    )


def test_an_address_is_locked_after_failures_on_many_usernames(world, settings):
    settings.RATELIMITS = {"login.address": (3, 900, 900)}
    url = reverse("login")
    browser = Client(REMOTE_ADDR="198.51.100.60")
    statuses = [
        browser.post(url, {"username": name, "password": "wrong"}).status_code
        for name in ("u1", "u2", "u3")
    ]
    assert statuses == [200, 200, 429]
    assert browser.post(url, {"username": "bob", "password": "pw"}).status_code == 429
    assert (
        Client(REMOTE_ADDR="198.51.100.61")
        .post(url, {"username": "bob", "password": "pw"})
        .status_code
        == 302
    )


def test_a_good_login_clears_the_usernames_failures(world, settings):
    settings.RATELIMITS = {"login.username": (3, 3600, 900)}
    url = reverse("login")
    browser = Client(REMOTE_ADDR="198.51.100.70")
    for _ in range(2):
        browser.post(url, {"username": "bob", "password": "wrong"})
    assert browser.post(url, {"username": "bob", "password": "pw"}).status_code == 302
    browser.logout()
    for _ in range(2):
        assert browser.post(url, {"username": "bob", "password": "wrong"}).status_code == 200


# Two workers sharing the database cache ---------------------------------------------------


@pytest.mark.django_db
@override_settings(CACHES=DB_CACHES)
def test_two_cache_connections_count_together_on_the_database_cache(settings):
    """Each worker has its own cache object; the hits of both land in the same window."""
    rule = _rule(5, window=600)
    assert not ratelimit._atomic_incr(DatabaseCache("chuyende_cache", {}))  # the slot path
    decisions = []
    for n in range(8):
        settings.RATELIMIT_CACHE = "worker1" if n % 2 == 0 else "worker2"
        decisions.append(ratelimit.hit(rule, "address:192.0.2.50"))
    assert [d.allowed for d in decisions] == [True] * 5 + [False] * 3
    assert [d.count for d in decisions[:5]] == [1, 2, 3, 4, 5]
    settings.RATELIMIT_CACHE = "worker1"
    assert not ratelimit.check(rule, "address:192.0.2.50").allowed
    ratelimit.reset(rule, "address:192.0.2.50")
    settings.RATELIMIT_CACHE = "worker2"
    assert ratelimit.check(rule, "address:192.0.2.50").allowed


@pytest.mark.django_db
@override_settings(CACHES=DB_CACHES, RATELIMIT_CACHE="worker1")
def test_the_database_cache_lockout_and_check():
    rule = _rule(2, window=600, lockout=300)
    ratelimit.hit(rule, "card:A")
    assert ratelimit.check(rule, "card:A").allowed
    ratelimit.hit(rule, "card:A")
    refused = ratelimit.check(rule, "card:A")
    assert not refused.allowed and 299 <= refused.retry_after <= 300


WORKER = textwrap.dedent(
    """
    import json, sys, time
    import django
    from django.conf import settings

    database, rule_name, limit, start, hits = json.loads(sys.argv[1])
    settings.configure(
        DATABASES={"default": database},
        CACHES={"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                            "LOCATION": "chuyende_cache"}},
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
        USE_TZ=True,
    )
    django.setup()
    if rule_name == "setup":
        from django.core.management import call_command

        call_command("createcachetable", verbosity=0)
        print(json.dumps({"allowed": 0}))
        sys.exit(0)
    from chuyende.core import ratelimit

    rule = ratelimit.Rule(rule_name, limit, 600)
    while time.time() < start:
        time.sleep(0.005)
    allowed = sum(ratelimit.hit(rule, "address:192.0.2.99").allowed for _ in range(hits))
    print(json.dumps({"allowed": allowed}))
    """
)


def _worker_database():
    """The test database as a separate process connects to it."""
    if connection.vendor == "postgresql":
        keys = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")
        return {key: connection.settings_dict[key] for key in keys}
    return None


def _sqlite_file(folder) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(Path(folder) / "shared.sqlite3"),
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        },
    }


def _run_workers(database, count, *args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    argument = json.dumps([database, *args])
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, argument],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(count)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1])["allowed"])
    return results


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_share_one_limit():
    """Two processes, each with its own database connection, hit the same key at the same
    moment: exactly `limit` hits are allowed between them (SQLite file or PostgreSQL)."""
    with tempfile.TemporaryDirectory() as folder:
        database = _worker_database()
        if database is None:  # SQLite: the test database is in memory; a shared file instead
            database = _sqlite_file(folder)
            _run_workers(database, 1, "setup", 1, 0, 0)  # createcachetable, as the migration
        limit, hits = 25, 20
        rule_name = f"test.workers.{uuid.uuid4().hex[:8]}"
        results = _run_workers(database, 2, rule_name, limit, time.time() + 3, hits)
    assert sum(results) == limit, results
    assert all(r > 0 for r in results), results  # both workers took part
