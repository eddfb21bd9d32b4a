"""Rows for the outreach tests, written directly (the services are tested on their own)."""

import datetime
import itertools

from chuyende.core.text import fold
from chuyende.outreach.models import OutreachPost

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
_serial = itertools.count(1)


def make_post(unit, **extra):
    n = next(_serial)
    values = {
        "channel": "facebook",
        "link": f"https://www.facebook.com/groups/cd/posts/{n}/",
        "title": f"Tin tuyên truyền số {n}",
        "published_on": datetime.date(2024, 7, 28),
        "status": "approved",
        **extra,
    }
    post = OutreachPost(unit=unit, **values)
    post.search_title = fold(post.title)
    post.save()
    return post
