"""Failed check-in tries, counted with chuyende.core.ratelimit (the cache shared by every
worker).

The public check-in page asks for a union card number and a date of birth: without a limit it
would let anyone try numbers until one matches. After MAX_FAILURES failed tries from one address
for one session (or for the code page), further tries are refused for LOCKOUT seconds. A card
number tried with wrong dates of birth from any addresses is locked the same way after
MAX_CARD_FAILURES, so spreading the guesses over many addresses does not help either.
"""

from chuyende.core import ratelimit

MAX_FAILURES = 10
MAX_CARD_FAILURES = 5
WINDOW = 15 * 60
LOCKOUT = 15 * 60

FAILURES = ratelimit.Rule("study.checkin.failures", MAX_FAILURES, WINDOW, lockout=LOCKOUT)
CARD_FAILURES = ratelimit.Rule(
    "study.checkin.card_failures", MAX_CARD_FAILURES, WINDOW, lockout=LOCKOUT
)


def _identity(request, scope: str) -> str:
    return f"address:{ratelimit.address(request)}:{scope}"


def _card(card_number: str) -> str:
    return "card:" + "".join(str(card_number or "").split()).upper()


def is_blocked(request, scope: str, card_number: str = "") -> bool:
    if not ratelimit.check(FAILURES, _identity(request, scope)).allowed:
        return True
    return bool(card_number) and not ratelimit.check(CARD_FAILURES, _card(card_number)).allowed


def record_failure(request, scope: str, card_number: str = "") -> None:
    ratelimit.hit(FAILURES, _identity(request, scope))
    if card_number:
        ratelimit.hit(CARD_FAILURES, _card(card_number))
