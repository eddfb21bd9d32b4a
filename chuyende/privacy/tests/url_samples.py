"""URLs of `privacy` for the scoping walk in chuyende/core/tests/test_url_scoping.py.

OBJECT_URLS: a member of the sibling subtree B and B's correction request (mallory's, not bob's).
LIST_URLS: the member's own pages (bob has no member record) and the officers' lists, which
would show B's members (Phạm Quốc Khánh) if scoping failed. PUBLIC: the privacy notice.
"""

from .helpers import foreign_request

OBJECT_URLS = {
    "privacy:consent_member": lambda w: {"pk": w.foreign.pk},
    "privacy:correction_detail": lambda w: {"pk": foreign_request(w).pk},
}
LIST_URLS = {
    "privacy:consent": "",
    "privacy:consent_withdraw": "",
    "privacy:my_data": "",
    "privacy:my_data_json": "",
    "privacy:correction_new": "",
    "privacy:correction_list": "?status=",
    "privacy:consent_list": "?q=khanh",
}
PUBLIC = {"privacy:notice"}
