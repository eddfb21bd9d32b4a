"""The contest rules that need no database: drawing an attempt's questions, scoring, ranking.

Ranking follows the usual rule of Vietnamese union contests: more correct answers first; then
the prediction closest to the real number of entries of the round; then less time taken; then
the earlier submission.
"""

import random
from collections import defaultdict

NO_PREDICTION = 10**12  # a missing prediction ranks after every given one


def draw(bank: list[dict], *, count: int, quotas: dict, rng: random.Random) -> list[list]:
    """[[question id, [option order]], …]: `quotas[category]` questions of each category, then
    the rest of `count` from the whole bank; each question's options in a shuffled order."""
    by_category = defaultdict(list)
    for question in bank:
        by_category[question["category"]].append(question)
    chosen, taken = [], set()
    for category, wanted in (quotas or {}).items():
        pool = by_category.get(category, [])
        for question in rng.sample(pool, min(int(wanted), len(pool))):
            chosen.append(question)
            taken.add(question["id"])
    rest = [q for q in bank if q["id"] not in taken]
    missing = max(0, count - len(chosen))
    chosen += rng.sample(rest, min(missing, len(rest)))
    rng.shuffle(chosen)
    drawn = []
    for question in chosen[:count]:
        order = list(range(len(question["options"])))
        if question["kind"] != "true_false":
            rng.shuffle(order)
        drawn.append([question["id"], order])
    return drawn


def score(drawn: list[list], answers: dict, correct: dict[int, list[int]]) -> int:
    """Correct answers: a question counts when the chosen set equals the correct set."""
    total = 0
    for question_id, _order in drawn:
        chosen = answers.get(str(question_id)) or []
        right = correct.get(question_id)
        if right is not None and chosen and sorted(chosen) == sorted(right):
            total += 1
    return total


def prediction_error(prediction: int | None, actual: int) -> int:
    return NO_PREDICTION if prediction is None else abs(prediction - actual)


def rank_key(*, score: int, prediction: int | None, actual: int, seconds: int, submitted_at):
    """Sort key of an attempt: smaller ranks higher."""
    return (-score, prediction_error(prediction, actual), seconds, submitted_at)


def better(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Is (score, seconds) `a` a better attempt than `b` (for the participant's best)?"""
    return a[0] > b[0] or (a[0] == b[0] and a[1] < b[1])
