"""URLs of `api` for the scoping walk in chuyende/core/tests/test_url_scoping.py: the token page
and the docs page. The API's own routes (/api/v1/…) carry no URL names and answer 401 JSON
rather than the login redirect: they are walked from the OpenAPI document, with tokens, by
test_scope_walk.py (no token, a sibling unit's officer, an officer in scope)."""

from chuyende.api import services


def foreign_token(w):
    """A token of mallory (the sibling subtree's manager)."""
    if not hasattr(w, "foreign_token"):
        w.foreign_token, _raw = services.token_create(owner=w.mallory, name="Ea Kar sync", days=30)
    return w.foreign_token


OBJECT_URLS = {
    "api:token_revoke": lambda w: {"pk": foreign_token(w).pk},
}
LIST_URLS = {
    "api:token_list": "",
    "api:docs": "",
}
