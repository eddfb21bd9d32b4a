"""URLs of `inspections` for the scoping walk in chuyende/core/tests/test_url_scoping.py.

OBJECT_URLS: URL name -> kwargs of an object in the sibling subtree B (mallory's, not bob's):
B's inspection plan of its grassroots union B1 (Ea Kar), concluded, with an open recommendation.
"""

from .helpers import (
    foreign_inspection,
    foreign_inspection_plan,
    foreign_point,
    foreign_recommendation,
)

OBJECT_URLS = {
    "inspections:plan_detail": lambda w: {"pk": foreign_inspection_plan(w).pk},
    "inspections:plan_edit": lambda w: {"pk": foreign_inspection_plan(w).pk},
    "inspections:inspection_detail": lambda w: {"pk": foreign_inspection(w).pk},
    "inspections:inspection_start": lambda w: {"pk": foreign_inspection(w).pk},
    "inspections:finding_record": lambda w: {
        "pk": foreign_inspection(w).pk,
        "point_pk": foreign_point(w).pk,
    },
    "inspections:inspection_conclude": lambda w: {"pk": foreign_inspection(w).pk},
    "inspections:recommendation_add": lambda w: {"pk": foreign_inspection(w).pk},
    "inspections:recommendation_answer": lambda w: {"pk": foreign_recommendation(w).pk},
    "inspections:recommendation_close": lambda w: {"pk": foreign_recommendation(w).pk},
    "inspections:recommendation_reopen": lambda w: {"pk": foreign_recommendation(w).pk},
    "inspections:minutes_docx": lambda w: {"pk": foreign_inspection(w).pk},
    "inspections:notice_docx": lambda w: {"pk": foreign_inspection(w).pk},
}
LIST_URLS = {
    "inspections:plan_list": "?q=ea kar",
    "inspections:plan_create": "?unit_q=ea kar",
    "inspections:inspection_list": "?overdue=on",
}
PUBLIC = set()
