"""Schemathesis against the OpenAPI document, in process (the WSGI application, the test
database), with an officer's token: generated requests for every operation — random ids, ids of
the officer's own rows, and invalid data — find no server error, and every answer matches the
document (status, content type, body schema).

The operations are driven from inside one test (operation.as_strategy() under Hypothesis) rather
than through schemathesis' pytest plugin, whose lazy fixture loading does not run on pytest 9."""

import json
from collections import Counter
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import make_member

from .conftest import FOREIGN_TEXT, make_pledge

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
EXAMPLES = 4  # per operation and kind of run: the whole run stays well under a minute

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(api, settings):
    """The document, and bob with a member record and a pledge of his own (a row of every
    collection in his scope)."""
    bob = make_member(api.a2, "Trần Văn Bốn", user=api.bob)
    make_pledge(bob, api.template_a)
    settings.RATELIMIT_ENABLED = False
    settings.ALLOWED_HOSTS = ["*"]
    with _keep_connection():
        return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@contextmanager
def _keep_connection():
    """Requests run in the test's transaction: keep Django from closing the connection at the
    end of each one, as its own test client does (on PostgreSQL that would end the test). The
    test client connects the signals again after each of its requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _own_ids(client, operations) -> dict:
    """{collection: an id of the caller's own rows} for every collection with an {id} path."""
    found = {}
    for operation in operations:
        collection = operation.path.split("/")[3]
        if "{id}" not in operation.path or collection in found:
            continue
        rows = json.loads(client.get(f"/api/v1/{collection}/").content)["results"]
        rows = [
            r for r in rows if not any(t in json.dumps(r, ensure_ascii=False) for t in FOREIGN_TEXT)
        ]
        if rows:
            found[collection] = rows[0]["id"]
    return found


def test_the_api_matches_its_document(api, api_schema, as_user):
    headers = {"Authorization": f"Bearer {api.tokens['bob']}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 30
    own = _own_ids(as_user("bob"), operations)
    statuses = Counter()

    def run(strategy):
        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses[response.status_code] += 1

        check()

    with _keep_connection():
        for operation in operations:
            run(operation.as_strategy())
            if "{id}" in operation.path:
                collection = operation.path.split("/")[3]
                assert collection in own, f"bob needs a row in /api/v1/{collection}/"
                run(operation.as_strategy(path_parameters={"id": own[collection]}))
            elif "{code}" in operation.path:
                run(operation.as_strategy(path_parameters={"code": api.period.code}))
            if list(operation.iter_parameters()) or operation.body:
                run(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    # It reached data, refusals of bad input, and misses.
    assert statuses[200] >= 30 and statuses[400] >= 20 and statuses[404] >= 20, statuses
