"""The member search at national scale: the owner clause of the scoping function ("or the row is
the user's own") is split out, so that an officer's search is a plain unit-path condition; a
search of several words is a phrase of whole words (the last one a prefix) that a word index
serves on PostgreSQL (chuyende.org.search); results the same on SQLite and PostgreSQL, accents
ignored, in name order, keyset-paged, for every kind of user."""

import importlib

import pytest
from django.db import connection, transaction
from django.urls import reverse

from chuyende.core.scoping import owned_through_member, user_scope
from chuyende.core.text import fold
from chuyende.org import search
from chuyende.org.models import Member, RoleAssignment
from chuyende.org.search import name_conditions
from chuyende.org.selectors import member_page, member_search
from chuyende.plans.models import Assignment
from chuyende.pledges.models import Evaluation, Pledge
from conftest import make_member, make_unit

pytestmark = pytest.mark.django_db


def _matches(text: str, query: str) -> bool:
    """The rule of chuyende.org.search, written word by word: one word anywhere; several
    words adjacent and in order, each a whole word but the last, which begins a word."""
    words, wanted = fold(text).split(), fold(query).split()
    if len(wanted) == 1:
        return wanted[0] in fold(text)
    *whole, last = wanted
    return any(
        words[i : i + len(whole)] == whole
        and i + len(whole) < len(words)
        and words[i + len(whole)].startswith(last)
        for i in range(len(words))
    )


def _reference(user, query, unit=None):
    """The members a search shows, the plainest way: every member, scoped by hand with the
    rule of chuyende.core.scoping (the subtrees the user views, or the user's own record),
    folded and matched in Python, in (sort key, id) order."""
    scope = user_scope(user)
    tops = scope.paths_for("view")
    found = []
    for member in Member.objects.select_related("unit").order_by():
        path = member.unit.path
        seen = scope.superuser or any(path.startswith(t) for t in tops) or member.user == user
        if unit is not None and not path.startswith(unit.path):
            continue
        if seen and _matches(f"{member.full_name} {member.card_number}", query):
            found.append(member)
    return [m.pk for m in sorted(found, key=lambda m: (m.sort_key, m.pk))]


def _where(queryset) -> str:
    return str(queryset.query).split(" WHERE ", 1)[1]


def _searched(user, query, unit=None):
    return list(member_search(user=user, unit=unit, query=query).values_list("pk", flat=True))


@pytest.fixture
def crowd(world):
    """More names under both districts, and an officer of B whose own record lies in A1."""
    names = [
        "Nguyễn Thị Thu Hà",
        "Nguyễn Thị Thu",
        "Nguyễn Thị Thúy",
        "Trần Nguyễn Thị Thu",
        "Nguyễn Văn Thu",
        "Lê Thị Thu Nguyễn",
        "Nguyễn Thị Hồng Thu",
        "Ngô Nguyên Thị",
    ]
    for i, name in enumerate(names):
        make_member((world.a1, world.a2, world.b1)[i % 3], name, card_number=f"CD{i:04d}")
    world.outsider = type(world.alice).objects.create_user(username="outsider", password="pw")
    RoleAssignment.objects.create(user=world.outsider, unit=world.b, role="manager")
    world.own = make_member(world.a1, "Nguyễn Thị Thu Trang", user=world.outsider)
    world.inside = type(world.alice).objects.create_user(username="inside", password="pw")
    RoleAssignment.objects.create(user=world.inside, unit=world.province, role="viewer")
    make_member(world.b1, "Hoàng Thị Thu Nga", user=world.inside)
    return world


QUERIES = [
    "nguyen thi thu",
    "nguyễn thị",
    "thu",
    "guyen",
    "guyen thi",
    "i thu",
    "thi thu nguyen",
    "cd0004",
    "0004",
    "thu ha cd",
    "nguyen  thi   thu",
]


@pytest.mark.parametrize("query", QUERIES)
def test_every_user_finds_what_the_rule_says(crowd, query):
    w = crowd
    for user in (w.admin, w.alice, w.bob, w.carol, w.dave, w.mallory, w.erin, w.outsider, w.inside):
        assert _searched(user, query) == _reference(user, query), (user.username, query)
    assert _searched(w.alice, query, unit=w.a) == _reference(w.alice, query, unit=w.a)


def test_several_words_are_whole_words_the_last_a_prefix(crowd):
    def names(query):
        return {Member.objects.get(pk=pk).full_name for pk in _searched(crowd.admin, query)}

    assert names("nguyen thi thu") == {
        "Nguyễn Thị Thu Hà",
        "Nguyễn Thị Thu",
        "Nguyễn Thị Thúy",
        "Trần Nguyễn Thị Thu",
        "Nguyễn Thị Thu Trang",
    }
    assert names("thi thu") >= {"Nguyễn Thị Thu Hà", "Lê Thị Thu Nguyễn", "Hoàng Thị Thu Nga"}
    assert not names("guyen thi") and not names("i thu")  # not the start of a word
    assert names("guyen") >= {"Nguyễn Thị Thu Hà", "Nguyễn Văn Thu"}  # one word: a fragment
    assert names("0004") == {"Nguyễn Văn Thu"}  # card CD0004


def test_a_member_finds_themself(client, crowd):
    """Dave holds only the member role: his own record (Trần Thị Bình) is all he sees."""
    client.force_login(crowd.dave)
    page = client.get(reverse("org:member_list"), {"q": "tran thi binh"}).context["page"]
    assert [m.pk for m in page] == [crowd.binh.pk]
    assert not list(client.get(reverse("org:member_list"), {"q": "nguyen"}).context["page"])


def test_an_officer_finds_their_own_record_outside_their_subtree(client, crowd):
    client.force_login(crowd.outsider)
    page = client.get(reverse("org:member_list"), {"q": "thu trang"}).context["page"]
    assert [m.pk for m in page] == [crowd.own.pk]
    page = client.get(reverse("org:member_list"), {"q": "nguyen thi thu"}).context["page"]
    shown = [m.pk for m in page]
    assert crowd.own.pk in shown and shown == _reference(crowd.outsider, "nguyen thi thu")


def test_a_province_officers_search_is_a_unit_path_condition_alone(crowd):
    """Without a member record (alice), or with one inside the province (inside), the query has
    no owner clause: nothing but the subtree and the name."""
    for user in (crowd.alice, crowd.inside):
        where = _where(member_search(user=user, query="nguyen thi"))
        assert "user_id" not in where and "LIKE" in where.upper(), user.username
    # an own record outside the subtrees keeps it: the record is found (test above)
    assert "user_id" in _where(member_search(user=crowd.outsider, query="nguyen thi"))
    # and so does a member with no role but their own
    assert "user_id" in _where(member_search(user=crowd.dave, query="binh"))


def test_a_province_officers_search_matches_by_words(client, crowd):
    client.force_login(crowd.alice)
    url = reverse("org:member_list")
    for query in ("nguyen thi thu", "Nguyễn Thị Thu", "NGUYEN   THI thu", "thị thu hà"):
        shown = [m.full_name for m in client.get(url, {"q": query}).context["page"]]
        assert shown and shown == [
            Member.objects.get(pk=pk).full_name for pk in _reference(crowd.alice, query)
        ], query
    shown = [m.full_name for m in client.get(url, {"q": "nguyen thi thu"}).context["page"]]
    assert "Nguyễn Thị Thu Hà" in shown and "Trần Nguyễn Thị Thu" in shown
    assert "Nguyễn Văn Thu" not in shown and "Lê Thị Thu Nguyễn" not in shown


def test_keyset_pages_of_a_search_cover_the_reference_once(crowd):
    for i in range(9):
        make_member(crowd.a2, "Nguyễn Thị Thu Hà", card_number=f"X{i}")
    expected = _reference(crowd.alice, "nguyen thi thu")
    seen, after = [], ""
    while True:
        page = member_page(
            member_search(user=crowd.alice, query="nguyen thi thu"), after=after, size=4
        )
        seen += [m.pk for m in page]
        if not page.next_after:
            break
        after = page.next_after
    assert seen == expected and len(expected) > 8


def test_the_scope_reads_the_own_record_in_the_same_query(crowd, django_assert_num_queries):
    user = type(crowd.alice).objects.get(pk=crowd.outsider.pk)
    with django_assert_num_queries(1):
        scope = user_scope(user)
    assert scope.own_member_path == crowd.a1.path and scope.paths_for("view") == [crowd.b.path]
    assert not scope.covers_own_member(scope.paths_for("view"))
    nobody = type(crowd.alice).objects.get(pk=crowd.alice.pk)
    assert user_scope(nobody).own_member_path is None


def test_which_owner_clauses_go_through_the_member_record():
    assert owned_through_member(Member, "user", "unit__path")
    assert owned_through_member(Pledge, "member__user", "member__unit__path")
    assert owned_through_member(Evaluation, "pledge__member__user", "pledge__member__unit__path")
    assert not owned_through_member(RoleAssignment, "user", "unit__path")
    assert not owned_through_member(Member, None, "unit__path")
    assert not owned_through_member(Pledge, "member__user", "template__unit__path")
    assert not owned_through_member(Assignment, "assigned_by", "unit__path")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stem index is PostgreSQL's")
def test_the_search_of_several_words_can_use_the_stem_index(crowd):
    """The query's expression is the index's, exactly (else the index is never used): with the
    other ways out of reach, the plan goes through it."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Member._meta.db_table)
    assert "org_member_stems" in found
    search = Member.objects.filter(*name_conditions("nguyen thi thu", connection.vendor))
    sql, params = search.order_by("sort_key", "id").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "org_member_stems" in plan, plan
    assert "org_member_stems" not in str(member_search(user=crowd.admin, query="thu").query)


def test_the_migration_indexes_the_expression_the_search_writes():
    migration = importlib.import_module("chuyende.org.migrations.0004_member_stems_index")
    assert migration.STEMS == search.STEMS_SQL.format("search_name")
    assert search.stems_query(["nguyen", "thi", "thu", "huong"]) == "'ngu' & 'thi' & 'thu' & 'huo'"
    assert search.stems_query(["le", "thi", "ho"]) == "'le' & 'thi'"  # "ho" begins many
    assert search.stems_query(["h'nga", "o\\"]) == "'h''n'"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stem index is PostgreSQL's")
def test_stems_are_what_the_index_computes(crowd):
    """Python's beginnings of the words and PostgreSQL's, for awkward names too."""
    names = ["nguyen thi thu huong", "y khu nie", "h'nga bya", "le  an", " o'neil  cd-0012 ", ""]
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"SELECT {search.STEMS_SQL.format('%s')}::text", [name])
            stored = sorted(
                lexeme.strip("'").replace("''", "'")
                for lexeme in cursor.fetchone()[0].split(" ")
                if lexeme
            )
            assert stored == sorted({w[: search.STEM] for w in name.split()}), name


def test_own_pledges_follow_the_same_rule(crowd):
    """A pledge's owner clause is left out too when the member's unit is in the subtrees."""
    assert "user_id" not in _where(Pledge.objects.for_user(crowd.inside))
    assert "user_id" in _where(Pledge.objects.for_user(crowd.outsider))
    assert "user_id" in _where(Pledge.objects.for_user(crowd.dave))


def test_a_section_officer_with_an_own_record_above_sees_it(crowd):
    section = make_unit(crowd.a1, "BMT-001-T1", "Tổ công đoàn 1", "section")
    below = make_member(section, "Đinh Thị Thu")
    user = type(crowd.alice).objects.create_user(username="section", password="pw")
    RoleAssignment.objects.create(user=user, unit=section, role="editor")
    mine = make_member(crowd.a1, "Đinh Văn Thu", user=user)
    assert set(_searched(user, "dinh")) == {below.pk, mine.pk}
    assert _searched(user, "dinh") == _reference(user, "dinh")
