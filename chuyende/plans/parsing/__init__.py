"""Read a plan document (.txt, .docx, .pdf) into the structured plan of specs/plan-document.md.

Pure Python, no Django: `parse_plan_text(text)` never raises; `parse_plan_file(path)` raises
PlanReadError with a Vietnamese message when the file cannot be read as a plan.
"""

from .plan import KEYS, empty_plan, parse_plan_text
from .readers import PlanReadError, parse_plan_file, read_plan_file

__all__ = [
    "KEYS",
    "PlanReadError",
    "empty_plan",
    "parse_plan_file",
    "parse_plan_text",
    "read_plan_file",
]
