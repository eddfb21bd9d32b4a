"""Every operation of the OpenAPI document, walked with tokens (the API's version of the site's
page walk): no token -> 401; a token of the sibling subtree's manager (bob, for B's rows)
-> 404 on every object and nothing of B in any list, whatever the filters; a token in scope
(mallory, B's manager) -> 200 on the same objects. The foreign objects are found through
mallory's own lists, so a new endpoint is walked as soon as the document has it."""

import json

import pytest

from .conftest import FOREIGN_TEXT, ApiClient
from .schema_walk import operations

pytestmark = pytest.mark.django_db

# Collections that are not unit-bound data: the reporting calendar is the same for every unit.
NOT_UNIT_BOUND = {"periods"}
# Filters naming an object of another collection.
FILTER_COLLECTION = {
    "unit": "units",
    "parent": "units",
    "under": "units",
    "plan": "plans",
    "task": "tasks",
    "contest": "contests",
    "form": "report-forms",
}


def _ids(client, collections, *, foreign) -> dict[str, list[int]]:
    """Ids per collection from the client's own lists: the rows naming Ea Kar (B's), or the
    others."""
    found = {}
    for collection in collections:
        response = client.get(f"/api/v1/{collection}/?page_size=100")
        assert response.status_code == 200, (collection, response.content)
        rows = json.loads(response.content)["results"]
        found[collection] = [
            row["id"]
            for row in rows
            if any(text in json.dumps(row, ensure_ascii=False) for text in FOREIGN_TEXT) == foreign
        ]
    return found


def _foreign_ids(api, as_user, collections) -> dict[str, list[int]]:
    """Ids of B's rows per collection, from mallory's own lists."""
    found = _ids(as_user("mallory"), collections, foreign=True)
    for collection, ids in found.items():
        assert ids, f"the walk needs a row of B in /api/v1/{collection}/"
    return found


@pytest.fixture
def walk(api, as_user, settings):
    settings.RATELIMIT_ENABLED = False
    ops = operations()
    collections = sorted(
        {op.resource for op in ops if "{id}" in op.path and op.resource not in NOT_UNIT_BOUND}
    )
    return ops, _foreign_ids(api, as_user, collections)


def test_the_document_lists_the_endpoints_of_the_brief(walk):
    ops, _ids = walk
    paths = {op.path for op in ops}
    for name in (
        "units",
        "members",
        "plans",
        "tasks",
        "assignments",
        "study-sessions",
        "outreach-posts",
        "pledges",
        "contests",
        "reports",
    ):
        assert f"/api/v1/{name}/" in paths and f"/api/v1/{name}/{{id}}/" in paths, name
    assert "/api/v1/study-sessions/{id}/attendance/" in paths
    assert "/api/v1/rounds/{id}/results/" in paths
    assert "/api/v1/reports/{id}/figures/" in paths


def test_without_a_token_every_operation_answers_401(walk):
    ops, _ids = walk
    anonymous = ApiClient()
    for op in ops:
        url = op.url(1 if "{id}" in op.path else "2024S1")
        response = getattr(anonymous, op.method)(url, content_type="application/json")
        assert response.status_code == 401, (op.method, url, response.status_code)
        assert json.loads(response.content)["error"]["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_sibling_officer_token_gets_404_on_every_object_of_the_other_unit(walk, as_user, api):
    ops, foreign = walk
    bob = as_user("bob")
    walked = set()
    for op in ops:
        if "{id}" not in op.path or op.resource in NOT_UNIT_BOUND:
            continue
        for pk in foreign[op.resource]:
            response = getattr(bob, op.method)(op.url(pk), {}, content_type="application/json")
            assert response.status_code == 404, (op.method, op.url(pk), response.status_code)
            body = response.content.decode()
            assert json.loads(body)["error"]["code"] == "not_found"
            assert not any(text in body for text in FOREIGN_TEXT)
            walked.add((op.method, op.path))
    expected = {
        (op.method, op.path)
        for op in ops
        if "{id}" in op.path and op.resource not in NOT_UNIT_BOUND
    }
    assert walked == expected and len(walked) >= 16
    # The writes refused touched nothing.
    api.report_b.refresh_from_db()
    assert (api.report_b.status, api.report_b.version) == ("draft", 1)


def test_a_sibling_officer_token_sees_nothing_of_the_other_unit_in_any_list(walk, as_user):
    """Every list, unfiltered and with each filter naming one of B's rows (refused: 400) or
    one of bob's own (answered: 200), shows nothing of B."""
    ops, foreign = walk
    bob = as_user("bob")
    own = _ids(bob, sorted(foreign), foreign=False)
    for op in ops:
        if not op.is_list:
            continue
        urls = [(op.url(), 200)]
        for name, kind, form in op.parameters:
            if (kind, form) != ("integer", "int64"):  # ids are int64; years, sizes are not
                continue
            collection = FILTER_COLLECTION.get(name)
            assert collection, f"say which collection the filter {name} of {op.path} names"
            urls += [(f"{op.url()}?{name}={pk}", 400) for pk in foreign[collection]]
            assert own[collection], f"the walk needs a row of A in /api/v1/{collection}/"
            urls += [(f"{op.url()}?{name}={pk}", 200) for pk in own[collection]]
        for url, expected in urls:
            response = bob.get(url)
            body = response.content.decode()
            assert response.status_code == expected, (url, response.status_code, body[:200])
            if expected == 400:  # a filter naming a row out of scope
                error = json.loads(body)["error"]
                assert error["code"] == "invalid" and len(error["fields"]) == 1, url
            for text in FOREIGN_TEXT:
                assert text not in body, (url, text)


def test_the_officer_in_scope_opens_the_same_objects(walk, as_user):
    ops, foreign = walk
    mallory = as_user("mallory")
    for op in ops:
        if op.method != "get" or "{id}" not in op.path or op.resource in NOT_UNIT_BOUND:
            continue
        for pk in foreign[op.resource]:
            response = mallory.get(op.url(pk))
            assert response.status_code == 200, (op.url(pk), response.status_code)


def test_a_member_token_sees_only_the_members_own_record_and_pledge(walk, as_user, api):
    dave = as_user("dave")
    members = json.loads(dave.get("/api/v1/members/").content)["results"]
    assert [m["id"] for m in members] == [api.binh.pk]
    pledges = json.loads(dave.get("/api/v1/pledges/").content)["results"]
    assert [p["id"] for p in pledges] == [api.pledge_dave.pk]
    assert dave.get(f"/api/v1/pledges/{api.pledge_an.pk}/").status_code == 404
    assert dave.get(f"/api/v1/members/{api.an.pk}/").status_code == 404


def test_a_token_without_roles_sees_nothing(walk, as_user):
    ops, _ids = walk
    nobody = as_user("nobody")
    for op in ops:
        if op.is_list and op.resource not in NOT_UNIT_BOUND:
            body = json.loads(nobody.get(op.url()).content)
            assert body["results"] == [], op.path
