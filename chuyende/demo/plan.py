"""The seed plan (Kế hoạch 26/KH-LĐLĐ) in the demo: imported, assigned down the tree, with a
plausible spread of statuses so the board is alive on first run."""

import random
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from chuyende.org.choices import UnitKind
from chuyende.org.models import Unit
from chuyende.plans import selectors, services
from chuyende.plans.choices import AssignmentStatus
from chuyende.plans.models import Assignment, Plan
from chuyende.plans.parsing import parse_plan_file

SEED_PLAN = Path(__file__).resolve().parent / "data" / "ke-hoach-26-KH-LDLD-2024.txt"
PLAN_NUMBER = "26/KH-LĐLĐ"
YEAR_END = date(2024, 12, 31)
# Tasks the upper-level unions pass down to their grassroots unions (the seed, III.2 and II.3).
PASSED_DOWN = ("II.3", "III.2")
# Share of assignments in each status at the time of the demo (mid-2024 onwards).
SPREAD = [
    (AssignmentStatus.DONE, 0.55),
    (AssignmentStatus.IN_PROGRESS, 0.25),
    (AssignmentStatus.NOT_STARTED, 0.20),
]


def load_demo_plan(*, province: Unit, acting_user, stdout=None) -> Plan | None:
    """Import the seed plan for the province, unless a plan with its number is already there."""
    if selectors.possible_duplicates(number=PLAN_NUMBER, unit=province).exists():
        return None
    parsed = parse_plan_file(SEED_PLAN)
    with transaction.atomic():
        plan = services.plan_create(
            unit=province,
            acting_user=acting_user,
            fields=selectors.plan_fields_from_parsed(parsed),
            tasks=parsed["tasks"],
            occasions=parsed["occasions"],
            source_text=SEED_PLAN.read_text(encoding="utf-8"),
        )
        _assign(plan, province, acting_user)
        _spread_statuses(plan)
    if stdout is not None:
        count = Assignment.objects.filter(task__plan=plan).count()
        stdout.write(f"  plan {plan.number}: {plan.tasks.count()} tasks, {count:,} assignments\n")
    return plan


def _assign(plan, province, acting_user):
    uppers = list(
        Unit.objects.filter(
            path__startswith=province.path, kind=UnitKind.UPPER, active=True
        ).order_by("path")
    )
    department = Unit.objects.filter(
        path__startswith=province.path, kind=UnitKind.DEPARTMENT, name__icontains="Tuyên giáo"
    ).first()
    for task in plan.tasks.order_by("position"):
        if task.ref == "III.1" and department is not None:
            services.task_assign(
                task=task,
                units=[department],
                acting_user=acting_user,
                due_on=task.due_on or YEAR_END,
            )
            continue
        assignments = services.task_assign(
            task=task, units=uppers, acting_user=acting_user, due_on=task.due_on or YEAR_END
        )
        if task.ref not in PASSED_DOWN:
            continue
        for assignment in assignments:
            grassroots = Unit.objects.filter(
                path__startswith=assignment.unit.path, kind=UnitKind.GRASSROOTS, active=True
            )
            services.task_assign(
                task=task,
                units=grassroots,
                acting_user=acting_user,
                due_on=assignment.due_on,
                parent=assignment,
                instructions="Triển khai đến đoàn viên, người lao động; "
                "báo cáo kết quả về LĐLĐ trước hạn.",
            )


def _spread_statuses(plan):
    rng = random.Random(2024)
    statuses = [s for s, _ in SPREAD]
    weights = [w for _, w in SPREAD]
    rows = list(Assignment.objects.filter(task__plan=plan).order_by("task__position", "unit__path"))
    for row in rows:
        row.status = rng.choices(statuses, weights)[0]
        if row.status == AssignmentStatus.DONE:
            row.completed_on = min(row.due_on or YEAR_END, date(2024, 11, 30))
            row.progress_note = "Đã triển khai, có báo cáo kèm theo."
        elif row.status == AssignmentStatus.IN_PROGRESS:
            row.progress_note = "Đang triển khai."
    Assignment.objects.bulk_update(
        rows, ["status", "completed_on", "progress_note"], batch_size=1000
    )


def demo_plan_author():
    return get_user_model().objects.filter(username="tinh").first()


DEMO_MODULES = (
    "chuyende.study",
    "chuyende.outreach",
    "chuyende.materials",
    "chuyende.pledges",
    "chuyende.honors",
    "chuyende.inspections",
    "chuyende.contests",
    "chuyende.reports",
)


def load_module_demos(*, province: Unit, plan: Plan, stdout=None) -> None:
    """Each module fills its own demo records (sessions, posts, materials…) for 2024, through
    `<module>/demo.py: load_demo(*, province, plan, rng, stdout)`, in a fixed order and seed."""
    import importlib

    for index, module in enumerate(DEMO_MODULES):
        try:
            demo = importlib.import_module(f"{module}.demo")
        except ModuleNotFoundError:
            continue
        demo.load_demo(province=province, plan=plan, rng=random.Random(2024 + index), stdout=stdout)
