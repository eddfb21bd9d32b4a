"""URLs of `honors` for the scoping walk in chuyende/core/tests/test_url_scoping.py.

OBJECT_URLS: URL name -> kwargs of an object in the sibling subtree B (mallory's, not bob's).
LIST_URLS: URL name -> query string that would show B's rows if scoping failed.
PUBLIC: the showcase (no login; approved examples only, tested in test_showcase.py).
"""

from .helpers import foreign


def _nomination(w):
    return {"pk": foreign(w).pk}


def _pending(w):
    foreign(w)
    return {"pk": w.foreign_pending.pk}


def _decision(w):
    foreign(w)
    return {"pk": w.foreign_decision.pk}


OBJECT_URLS = {
    "honors:nomination_detail": _nomination,
    "honors:nomination_edit": _pending,
    "honors:nomination_act": _pending,
    "honors:photo_file": lambda w: (foreign(w), {"pk": w.foreign_nomination_photo.pk})[1],
    "honors:evidence_file": lambda w: (foreign(w), {"pk": w.foreign_file.pk})[1],
    "honors:decision_detail": _decision,
    "honors:decision_docx": _decision,
    "honors:quota_delete": lambda w: (foreign(w), {"pk": w.foreign_quota.pk})[1],
}
LIST_URLS = {
    "honors:nomination_list": "?q=ea kar",
    "honors:nomination_create": "?member_q=khanh",
    "honors:decision_list": "?q=ea kar",
    "honors:decision_create": "",
    "honors:quota_list": "",
}
PUBLIC = {"honors:showcase", "honors:showcase_detail", "honors:showcase_photo"}
