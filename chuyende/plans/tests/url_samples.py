"""URLs of `plans` for the scoping walk in chuyende/core/tests/test_url_scoping.py.

OBJECT_URLS: URL name -> kwargs of an object in the sibling subtree B (mallory's, not bob's).
LIST_URLS: URL name -> query string that would show B's rows if scoping failed.
"""

OBJECT_URLS = {
    "plans:plan_detail": lambda w: {"pk": w.foreign_plan.pk},
    "plans:plan_edit": lambda w: {"pk": w.foreign_plan.pk},
    "plans:plan_board": lambda w: {"pk": w.foreign_plan.pk},
    "plans:task_assign": lambda w: {"pk": w.foreign_task.pk},
    "plans:task_drill": lambda w: {"pk": w.foreign_task.pk},
    "plans:assignment_detail": lambda w: {"pk": w.assignment_b.pk},
    "plans:assignment_update": lambda w: {"pk": w.assignment_b.pk},
    "plans:assignment_evidence": lambda w: {"pk": w.assignment_b.pk},
    "plans:assignment_pass_down": lambda w: {"pk": w.assignment_b.pk},
    "plans:unit_tasks": lambda w: {"pk": w.b1.pk},
    "plans:task_edit": lambda w: {"pk": w.foreign_task.pk},
    "plans:task_add": lambda w: {"pk": w.foreign_plan.pk},
    "plans:plan_original": lambda w: {"pk": w.foreign_plan.pk},
    "plans:evidence_file": lambda w: {"pk": w.foreign_evidence.pk},
}
LIST_URLS = {
    "plans:plan_list": "",
    "plans:plan_import": "",
    "plans:plan_import_save": "",
    "plans:plan_new": "",
}
