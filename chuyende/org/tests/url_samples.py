"""URLs of `org` for the scoping walk in chuyende/core/tests/test_url_scoping.py.

OBJECT_URLS: URL name -> kwargs of an object in the sibling subtree B (mallory's, not bob's).
LIST_URLS: URL name -> query string that would show B's rows if scoping failed.
"""

OBJECT_URLS = {
    "org:unit_detail": lambda w: {"pk": w.b1.pk},
    "org:unit_children": lambda w: {"pk": w.b.pk},
    "org:unit_edit": lambda w: {"pk": w.b1.pk},
    "org:unit_create": lambda w: {"pk": w.b.pk},
    "org:unit_move": lambda w: {"pk": w.b1.pk},
    "org:unit_merge": lambda w: {"pk": w.b1.pk},
    "org:member_detail": lambda w: {"pk": w.foreign.pk},
    "org:member_edit": lambda w: {"pk": w.foreign.pk},
    "org:member_reveal": lambda w: {"pk": w.foreign.pk},
}
LIST_URLS = {
    "org:unit_tree": "?q=ea kar",
    "org:member_list": "?q=khanh",
    "org:member_create": "",
}
