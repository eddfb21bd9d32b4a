"""What a pasted link tells without opening it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from chuyende.outreach.choices import Channel
from chuyende.outreach.links import check_link, clean_domain, suggest


@pytest.mark.parametrize(
    ("link", "channel"),
    [
        ("https://www.facebook.com/groups/123/posts/456/", Channel.FACEBOOK),
        ("https://m.facebook.com/story.php?story_fbid=1&id=2", Channel.FACEBOOK),
        ("https://fb.com/profile.php?id=1000", Channel.FACEBOOK),
        ("https://fb.watch/abcDEF/", Channel.FACEBOOK),
        ("https://web.facebook.com/nguyenvan.an/posts/1", Channel.FACEBOOK),
        ("https://www.facebook.com/congdoan.bmt/posts/pfbid0abc", Channel.FANPAGE),
        ("https://www.facebook.com/ldldaklak/videos/1", Channel.FANPAGE),
        ("https://www.facebook.com/Cong-Doan-Truong-Le-Loi-100064123456789/", Channel.FANPAGE),
        ("https://www.facebook.com/pages/Cong-doan-co-so/123", Channel.FANPAGE),
        ("https://zalo.me/g/abcdefghij", Channel.ZALO),
        ("https://chat.zalo.me/", Channel.ZALO),
        ("https://oa.zalo.me/home", Channel.ZALO),
        ("https://www.youtube.com/watch?v=abc", Channel.VIDEO),
        ("https://youtu.be/abc", Channel.VIDEO),
        ("https://www.tiktok.com/@congdoan/video/1", Channel.VIDEO),
        ("https://ldldaklak.org.vn/tin-tuc/abc", Channel.WEBSITE),
        ("https://www.ldldaklak.org.vn/tin-tuc/abc", Channel.WEBSITE),
        ("https://tintuc.ldldaklak.org.vn/abc", Channel.WEBSITE),
        ("https://baodaklak.vn/tin/abc", None),
        ("https://notldldaklak.org.vn/abc", None),
    ],
)
def test_the_channel_is_told_by_the_host_and_path(link, channel):
    assert suggest(link, website_domains=["ldldaklak.org.vn"]).channel == channel


def test_a_website_link_gives_its_date_and_a_title_from_its_slug():
    found = suggest(
        "https://ldldaklak.org.vn/2024/07/28/ky-niem-95-nam-ngay-thanh-lap-cong-doan-viet-nam/",
        website_domains=["ldldaklak.org.vn"],
    )
    assert found.channel == Channel.WEBSITE
    assert found.published_on == datetime.date(2024, 7, 28)
    assert found.title == "Ky niem 95 nam ngay thanh lap cong doan viet nam"


@pytest.mark.parametrize(
    ("link", "day"),
    [
        ("https://x.vn/2024/11/22/abc/", datetime.date(2024, 11, 22)),
        ("https://x.vn/tin/2024-03-10-chien-thang", datetime.date(2024, 3, 10)),
        ("https://x.vn/tin/tuyen-truyen-20240728.html", datetime.date(2024, 7, 28)),
        ("https://x.vn/tin/hoi-thi-28-07-2024-123456.htm", datetime.date(2024, 7, 28)),
        ("https://x.vn/2024/02/30/ngay-khong-co/", None),
        ("https://x.vn/202407/thang-bay-khong-co-ngay", None),
        ("https://x.vn/tin?date=2024-07-28", None),
    ],
)
def test_a_date_is_read_from_the_path_only_when_it_is_a_real_day(link, day):
    assert suggest(link).published_on == day


def test_a_title_skips_ids_extensions_and_dates_and_keeps_accents():
    assert (
        suggest(
            "https://baodaklak.vn/xa-hoi/hoi-thi-tim-hieu-chuyen-de-nam-2024-post123456.html"
        ).title
        == "Hoi thi tim hieu chuyen de nam 2024"
    )
    assert suggest("https://x.vn/tin/K%E1%BB%B7-ni%E1%BB%87m-95-n%C4%83m").title == (
        "Kỷ niệm 95 năm"
    )
    assert suggest("https://www.facebook.com/congdoan.bmt/posts/ky-niem-95-nam").title == ""
    assert suggest("https://x.vn/index.php?id=12").title == ""


def test_tracking_parameters_and_fragments_are_dropped():
    found = suggest(
        "HTTPS://WWW.Facebook.com/congdoan.bmt/posts/1?fbclid=abc&utm_source=zalo&ref=x#comments"
    )
    assert found.link == "https://www.facebook.com/congdoan.bmt/posts/1?ref=x"


@pytest.mark.parametrize(
    ("link", "code"),
    [
        ("www.facebook.com/congdoan.bmt", "no_scheme"),
        ("facebook.com:443/congdoan", "no_scheme"),
        ("javascript:alert(1)", "scheme"),
        ("JavaScript:alert(document.cookie)", "scheme"),
        ("data:text/html,<script>alert(1)</script>", "scheme"),
        ("ftp://ldldaklak.org.vn/file", "scheme"),
        ("mailto:ban@ldldaklak.org.vn", "scheme"),
        ("https://ldldaklak.org.vn/tin tuc", "spaces"),
        ("https://", "no_host"),
        ("http:/ldldaklak.org.vn", "no_host"),
        ("http://-bad-.vn/x", "invalid"),
        ("https://x.vn/" + "a" * 500, "too_long"),
    ],
)
def test_malformed_links_get_a_clear_message(link, code):
    with pytest.raises(ValidationError) as caught:
        check_link(link)
    assert caught.value.code == code
    assert caught.value.messages[0]


def test_an_empty_link_asks_for_one():
    with pytest.raises(ValidationError):
        check_link("   ")


@given(st.text(max_size=120))
def test_any_text_either_reads_as_a_web_link_or_is_refused_with_a_message(text):
    try:
        found = suggest(text, website_domains=["ldldaklak.org.vn"])
    except ValidationError as error:
        assert error.messages
    else:
        assert found.link.startswith(("http://", "https://"))
        assert found.channel in (None, *Channel.values)


@given(
    st.sampled_from(["https://ldldaklak.org.vn", "https://www.facebook.com", "https://zalo.me"]),
    st.lists(st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True), max_size=5),
)
def test_well_formed_links_always_give_a_channel_on_known_hosts(base, segments):
    link = "/".join([base, *segments])
    assert suggest(link, website_domains=["ldldaklak.org.vn"]).channel is not None


@pytest.mark.parametrize(
    ("typed", "domain"),
    [
        ("ldldaklak.org.vn", "ldldaklak.org.vn"),
        ("https://www.LDLDakLak.org.vn/tin-tuc/", "ldldaklak.org.vn"),
        (" www.congdoan.vn ", "congdoan.vn"),
    ],
)
def test_a_domain_is_cleaned_from_what_a_manager_types(typed, domain):
    assert clean_domain(typed) == domain


@pytest.mark.parametrize("typed", ["", "localhost", "ldldaklak", "http://", "a..vn", "x y.vn"])
def test_a_domain_that_is_not_one_is_refused(typed):
    with pytest.raises(ValidationError):
        clean_domain(typed)
