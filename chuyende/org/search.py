"""What a member search matches, and the index that finds it among 11 million members.

The query is folded like the names (`chuyende.core.text.fold`: accents and case ignored) and
matched against a member's folded name and card number (`Member.search_name`):

- one word is a fragment, found anywhere ("ngoc", "0012"): on PostgreSQL the trigram index
  serves it (migration org 0003);
- several words are a phrase at the start of a word: every word but the last a whole word, the
  last the beginning of one, in this order and adjacent ("nguyen thi thu" finds Nguyễn Thị Thu
  Hà and Nguyễn Thị Thúy, not Nguyễn Văn Thu nor Lê Thị Thu Nguyễn).

SQLite tests the phrase with LIKE. PostgreSQL also has a GIN index of the beginnings of each
name's words (`org_member_stems`, migration org 0004: each word cut to its first three letters,
"nguyen thi thu huong" -> ngu thi thu huo, as the lexemes of a tsvector; no text-search parser,
so a word is what `fold` made of it). A phrase's words give exact lexemes (the last word too,
when it has three letters or more), which GIN intersects starting from the rarest; the LIKE then
keeps the exact rule. At national scale (11 million members) the trigram index cost 721 ms for
"nguyen thi thu huong" (587 members: the trigrams of common words have posting lists of
millions), whole words with the last as a prefix still ~440 ms (a prefix is matched by merging
the lists of every word it begins, and rechecked), the beginnings ~85 ms; the index is 68 MB
(whole words: 817 MB, the card numbers being as many lexemes).

How the database chooses: for a common phrase the cheapest plan walks the name index in name
order and stops at the first page of matches; for a rare one, the stem index and a sort. The
planner estimates the stem condition from the statistics of the index expression (how common
each beginning is); the LIKE check is wrapped in COALESCE, which it estimates at one half, so
that its own estimate is not multiplied in as if the two were independent (they say nearly the
same thing, and the product made a common phrase look rare, and the trigram index joined in).
The check is the cheaper of the two and is evaluated first, so a walk computes the stems of the
few rows the LIKE lets through only.
"""

from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, F, Func, Q, TextField, Value
from django.db.models.functions import Coalesce

STEMS_INDEX = "org_member_stems"
STEM = 3  # letters kept of each word
# The expression of the stem index, exactly (the planner matches the query's expression to it):
# the words of the folded name, each cut to its first STEM letters, as a tsvector.
STEMS_SQL = (
    "array_to_tsvector(array_remove(string_to_array("
    f"regexp_replace({{}}::text, '(\\S{{{{{STEM}}}}})\\S+', '\\1', 'g'), ' '), ''))"
)


class NameStems(Func):
    """The beginnings of the words of a folded name as a tsvector (PostgreSQL)."""

    template = STEMS_SQL.format("%(expressions)s")
    output_field = TextField()


class TsQuery(Func):
    template = "%(expressions)s::tsquery"
    output_field = TextField()


class StemsMatch(Func):
    """`stems @@ query`: a condition the stem index serves."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _lexeme(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def stems_query(words: list[str]) -> str:
    """The tsquery a name holding the phrase `words` matches: the beginning of each whole word,
    and of the last word when it has STEM letters or more (a shorter one begins words of many
    beginnings): "nguyen thi th" -> 'ngu' & 'thi'. Quoted: the words are taken as they are."""
    *whole, last = words
    stems = [w[:STEM] for w in whole]
    if len(last) >= STEM:
        stems.append(last[:STEM])
    return " & ".join(_lexeme(s) for s in dict.fromkeys(stems))


def name_conditions(folded: str, vendor: str, field: str = "search_name") -> list:
    """The conditions (for `filter(*conditions)`, in this order) of a search for `folded` (a
    query already folded) on the folded column `field`."""
    if not folded:
        return []
    words = folded.split(" ")
    if len(words) == 1:
        return [Q(**{f"{field}__contains": folded})]
    # the phrase, at a word start; the first LIKE is implied by the two after it, and is there
    # because it is the cheapest to fail (a walk of the name index tests it on every row)
    phrase = Q(**{f"{field}__contains": folded}) & (
        Q(**{f"{field}__startswith": folded}) | Q(**{f"{field}__contains": " " + folded})
    )
    if vendor != "postgresql":
        return [phrase]
    checked = Coalesce(ExpressionWrapper(phrase, output_field=BooleanField()), Value(False))
    return [checked, StemsMatch(NameStems(F(field)), TsQuery(Value(stems_query(words))))]


def matching(queryset, query: str):
    """The members of `queryset` (a Member queryset) that a search for `query` finds, by the
    rules above: every search box that looks for members by name or card number uses it."""
    from chuyende.core.text import fold

    return queryset.filter(*name_conditions(fold(query), connections[queryset.db].vendor))
