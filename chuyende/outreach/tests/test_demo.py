"""The outreach part of the demo: national calendar, website, posts clustered on 28/7 and 22/11."""

import datetime
import random

import pytest
from django.db.models import Count

from chuyende.demo.builder import build_demo
from chuyende.demo.plan import DEMO_MODULES
from chuyende.org.models import Unit
from chuyende.outreach.choices import Channel
from chuyende.outreach.demo import load_demo
from chuyende.outreach.links import suggest
from chuyende.outreach.models import OutreachPost, UnitWebsite
from chuyende.outreach.occasions import NATIONAL_OCCASIONS
from chuyende.plans.models import Occasion, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    build_demo(scale=0.02)


def _snapshot():
    return list(
        OutreachPost.objects.order_by("unit__path", "published_on", "title", "link").values_list(
            "unit__code",
            "channel",
            "link",
            "title",
            "published_on",
            "occasion__name",
            "status",
            "views",
            "reactions",
            "shares",
        )
    )


def test_the_demo_seeds_the_national_calendar_and_the_federation_website(demo):
    root_occasions = Occasion.objects.filter(unit__code="TLD", recurring=True)
    assert root_occasions.count() == len(NATIONAL_OCCASIONS)
    assert Occasion.objects.filter(unit__code="DLK", plan__isnull=False).count() == 2
    assert UnitWebsite.objects.get().unit.code == "DLK"


def test_demo_posts_cover_the_tree_in_2024_mostly_approved(demo):
    assert_posts_cover_the_tree()
    assert_posts_cluster_around_the_two_anniversaries()
    assert_links_read_back_as_their_channel()


def test_demo_posts_are_the_same_on_every_build(demo):
    first = _snapshot()
    OutreachPost.objects.all().delete()
    province = Unit.objects.get(code="DLK")
    plan = Plan.objects.get(unit=province)
    index = DEMO_MODULES.index("chuyende.outreach")
    load_demo(province=province, plan=plan, rng=random.Random(2024 + index))
    assert _snapshot() == first


def assert_posts_cover_the_tree():
    posts = OutreachPost.objects.all()
    assert posts.count() > 300
    assert not posts.exclude(published_on__year=2024).exists()
    status = dict(posts.values_list("status").annotate(n=Count("id")))
    assert status["approved"] > 0.75 * posts.count()
    assert status["submitted"] > 0 and status["rejected"] > 0
    assert not posts.filter(status="rejected", review_note="").exists()
    kinds = set(posts.values_list("unit__kind", flat=True))
    assert {"province", "upper", "grassroots"} <= kinds
    assert posts.filter(channel__in=[Channel.CONTEST, Channel.QA]).exists()
    assert posts.filter(task__ref="II.2").count() == posts.count()


def assert_posts_cluster_around_the_two_anniversaries():
    posts = OutreachPost.objects.all()
    near = 0
    for centre in (datetime.date(2024, 7, 28), datetime.date(2024, 11, 22)):
        near += posts.filter(
            published_on__range=(centre - datetime.timedelta(days=25), centre)
        ).count()
    assert near > 0.5 * posts.count()
    union_day = Occasion.objects.get(date=datetime.date(2024, 7, 28), plan__isnull=False)
    assert posts.filter(occasion=union_day).count() > 0.2 * posts.count()


def assert_links_read_back_as_their_channel():
    domains = list(UnitWebsite.objects.values_list("domain", flat=True))
    for post in OutreachPost.objects.exclude(link="").order_by("id")[:400]:
        found = suggest(post.link, website_domains=domains)
        assert found.link == post.link
        if post.channel in (Channel.WEBSITE, Channel.FANPAGE, Channel.FACEBOOK, Channel.ZALO):
            assert found.channel == post.channel, post.link
        if post.channel == Channel.WEBSITE:
            assert found.published_on == post.published_on
