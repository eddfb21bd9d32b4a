"""URLs of `contests` for the scoping walk in chuyende/core/tests/test_url_scoping.py.

OBJECT_URLS: organisers' pages of a contest of the sibling subtree B. PUBLIC: the participants'
pages (rules, registration, attempt, result, leaderboards), open without login by design and
tested in test_views.py.
"""

from .helpers import foreign_attempt, foreign_contest, foreign_question, foreign_round

OBJECT_URLS = {
    "contests:contest_detail": lambda w: {"pk": foreign_contest(w).pk},
    "contests:contest_edit": lambda w: {"pk": foreign_contest(w).pk},
    "contests:round_create": lambda w: {"pk": foreign_contest(w).pk},
    "contests:question_list": lambda w: {"pk": foreign_contest(w).pk},
    "contests:question_import": lambda w: {"pk": foreign_contest(w).pk},
    "contests:suspicious": lambda w: {"pk": foreign_contest(w).pk},
    "contests:round_edit": lambda w: {"pk": foreign_round(w).pk},
    "contests:round_results": lambda w: {"pk": foreign_round(w).pk},
    "contests:question_toggle": lambda w: {"pk": foreign_question(w).pk},
    "contests:certificate": lambda w: {"pk": foreign_attempt(w).pk},
}
LIST_URLS = {
    "contests:contest_list": "?q=ea kar",
    "contests:contest_create": "",
}
PUBLIC = {
    "contests:public_list",
    "contests:public_contest",
    "contests:register",
    "contests:unit_options",
    "contests:start",
    "contests:leaderboard",
    "contests:attempt",
    "contests:autosave",
    "contests:submit",
    "contests:result",
}
