"""URLs of `outreach` for the scoping walk in chuyende/core/tests/test_url_scoping.py.

OBJECT_URLS: URL name -> kwargs of an object in the sibling subtree B (mallory's, not bob's).
LIST_URLS: URL name -> query string that would show B's rows if scoping failed.
PUBLIC: pages open without login (tested in test_public_page.py).
"""

import datetime

from django.core.files.base import ContentFile

from chuyende.outreach.models import OutreachPost, UnitWebsite
from chuyende.plans.models import Occasion

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def foreign_occasion(w):
    if not hasattr(w, "foreign_occasion"):
        w.foreign_occasion = Occasion.objects.create(
            unit=w.b,
            date=datetime.date(1977, 9, 10),
            name="Ngày thành lập huyện Ea Kar",
            recurring=True,
        )
    return w.foreign_occasion


def foreign_post(w):
    if not hasattr(w, "foreign_post"):
        post = OutreachPost(
            unit=w.b1,
            channel="fanpage",
            link="https://www.facebook.com/congdoan.eakar/posts/1",
            title="Hội thao Ea Kar chào mừng 95 năm Công đoàn Việt Nam",
            search_title="hoi thao ea kar",
            published_on=datetime.date(2024, 7, 27),
            occasion=foreign_occasion(w),
            status="submitted",
        )
        post.screenshot.save("ea-kar.png", ContentFile(PNG), save=False)
        post.save()
        w.foreign_post = post
    return w.foreign_post


def foreign_website(w):
    if not hasattr(w, "foreign_website"):
        w.foreign_website = UnitWebsite.objects.create(unit=w.b, domain="ldldeakar.org.vn")
    return w.foreign_website


OBJECT_URLS = {
    "outreach:post_detail": lambda w: {"pk": foreign_post(w).pk},
    "outreach:post_edit": lambda w: {"pk": foreign_post(w).pk},
    "outreach:post_review": lambda w: {"pk": foreign_post(w).pk},
    "outreach:post_delete": lambda w: {"pk": foreign_post(w).pk},
    "outreach:post_screenshot": lambda w: {"pk": foreign_post(w).pk},
    "outreach:occasion_edit": lambda w: {"pk": foreign_occasion(w).pk},
    "outreach:occasion_delete": lambda w: {"pk": foreign_occasion(w).pk},
    "outreach:website_delete": lambda w: {"pk": foreign_website(w).pk},
}
LIST_URLS = {
    "outreach:post_list": "?q=ea kar",
    "outreach:post_create": "",
    "outreach:link_suggest": "?link=https://ldldeakar.org.vn/2024/07/28/hoi-thao-ea-kar-chao-mung/",
    "outreach:calendar": "?year=2024",
    "outreach:occasion_create": "",
    "outreach:website_list": "",
    "outreach:rollup": "?start=01/01/2024&end=31/12/2024",
}
PUBLIC = {"outreach:public_page"}
