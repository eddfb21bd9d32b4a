"""URLs of `study` for the scoping walk in chuyende/core/tests/test_url_scoping.py.

OBJECT_URLS: URL name -> kwargs of an object in the sibling subtree B (mallory's, not bob's).
LIST_URLS: URL name -> query string that would show B's rows if scoping failed.
PUBLIC: the check-in pages, opened on members' phones without logging in (tested in
test_checkin.py).
"""

from .helpers import foreign_photo, foreign_session

OBJECT_URLS = {
    "study:session_detail": lambda w: {"pk": foreign_session(w).pk},
    "study:session_edit": lambda w: {"pk": foreign_session(w).pk},
    "study:session_register": lambda w: {"pk": foreign_session(w).pk},
    "study:session_headcount": lambda w: {"pk": foreign_session(w).pk},
    "study:photo_add": lambda w: {"pk": foreign_session(w).pk},
    "study:minutes_file": lambda w: {"pk": foreign_session(w).pk},
    "study:attendance_sheet": lambda w: {"pk": foreign_session(w).pk},
    "study:participants_xlsx": lambda w: {"pk": foreign_session(w).pk},
    "study:photo_file": lambda w: {"pk": foreign_photo(w).pk},
}
LIST_URLS = {
    "study:session_list": "?q=ea kar",
    "study:session_create": "",
    "study:rollup": "",
}
PUBLIC = {"study:checkin_start", "study:checkin"}
