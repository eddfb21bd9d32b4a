"""Issue 11 (security): all user text is plain text, escaped when a page shows it.

There is no rich-text input: templates autoescape, the text filters used on user text
(linebreaks, linebreaksbr, urlize) escape before they add their own markup, and nothing marks
user text safe. A member's name, an outreach post, a nomination's story (on its page and on the
public showcase) and a session's materials (turned into links) written with markup come out
escaped; and no template or module switches the escaping off.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from chuyende.org.models import Member

PACKAGE = Path(settings.PACKAGE_DIR)
ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def _assert_escaped(body: str, what):
    assert "<script>alert" not in body, what
    assert "<img src=x" not in body, what
    assert "onerror=alert(1)>" not in body, what
    assert ESCAPED in body.replace("&#x27;", "'").replace("&#34;", "&quot;"), what


@pytest.mark.django_db
def test_a_member_name_with_markup_is_shown_as_text(client, world):
    Member.objects.filter(pk=world.an.pk).update(full_name=f"An {ATTACK}")
    client.force_login(world.bob)
    for url in (
        reverse("org:member_detail", args=[world.an.pk]),
        reverse("org:member_list") + "?q=an",
    ):
        _assert_escaped(client.get(url).content.decode(), url)


@pytest.mark.django_db
def test_an_outreach_post_with_markup_is_shown_as_text(client, world):
    from chuyende.outreach.tests.factories import make_post

    post = make_post(world.a1, title=f"Tin {ATTACK}", channel="board", link="")
    client.force_login(world.bob)
    _assert_escaped(
        client.get(reverse("outreach:post_detail", args=[post.pk])).content.decode(), "detail"
    )
    client.logout()
    public = client.get(reverse("outreach:public_page", args=[world.a1.code]))
    _assert_escaped(public.content.decode(), "public page")


@pytest.mark.django_db
def test_a_nomination_story_with_markup_is_shown_as_text_inside_and_in_public(client, world):
    from chuyende.honors.models import Nomination
    from chuyende.honors.tests.helpers import decide, propose

    nomination = propose(
        world,
        title="Gương sáng",
        achievement=f"Cô giáo mở lớp dạy chiêng.\n\n{ATTACK}",
        figures=f"12 bài chiêng\n{ATTACK}",
    )
    decide(world.a, world.bob, [nomination], number="7/QĐ-LĐLĐ")
    Nomination.objects.filter(pk=nomination.pk).update(showcase=True)
    client.force_login(world.bob)
    inside = client.get(reverse("honors:nomination_detail", args=[nomination.pk]))
    assert inside.status_code == 200
    _assert_escaped(inside.content.decode(), "nomination page")
    client.logout()
    public = client.get(reverse("honors:showcase_detail", args=[nomination.pk]))
    assert public.status_code == 200
    _assert_escaped(public.content.decode(), "showcase")


@pytest.mark.django_db
def test_links_made_from_user_text_stay_escaped(client, world):
    """`urlize` turns addresses into links; what surrounds them, and a link trying to break out
    of its attribute, stays text."""
    from chuyende.study.tests.helpers import make_session

    session = make_session(
        world.a1,
        materials=f'https://tailieu.vn/a"><script>alert(2)</script>\n{ATTACK}',
        speakers=ATTACK,
    )
    client.force_login(world.bob)
    body = client.get(reverse("study:session_detail", args=[session.pk])).content.decode()
    _assert_escaped(body, "session")
    assert "<script>alert(2)" not in body


UNSAFE_TEMPLATE = re.compile(r"\|\s*safe\b|\bsafeseq\b|{%\s*autoescape\s+off")
MARK_SAFE = re.compile(r"\b(mark_safe|SafeString|format_html|html_safe)\b")
# The only markup the server marks safe: the QR codes it draws itself (segno escapes the title).
ALLOWED_MARK_SAFE = {"chuyende/accounts/qr.py", "chuyende/study/qr.py"}


def test_no_template_switches_escaping_off():
    found = [
        str(path.relative_to(PACKAGE.parent))
        for path in PACKAGE.rglob("*.html")
        if UNSAFE_TEMPLATE.search(path.read_text(encoding="utf-8"))
    ]
    assert found == [], f"user text must stay escaped; these templates mark text safe: {found}"


def test_only_the_qr_codes_are_marked_safe():
    found = {
        str(path.relative_to(PACKAGE.parent))
        for path in PACKAGE.rglob("*.py")
        if "/tests/" not in str(path)
        and "/migrations/" not in str(path)
        and MARK_SAFE.search(path.read_text(encoding="utf-8"))
    }
    assert found == ALLOWED_MARK_SAFE, (
        "markup marked safe outside the QR codes: sanitise it (an allow-list sanitiser such as "
        f"nh3) and test it, or keep it plain text: {sorted(found - ALLOWED_MARK_SAFE)}"
    )
