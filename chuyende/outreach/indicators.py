"""Outreach figures for the reports (see chuyende.reports.registry): one grouped query each.

Only approved posts count, by their publication date; with a plan, only the posts tied to the
plan's tasks or to its occasions (28/7, 22/11 in the seed).
"""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from chuyende.org.indicators import grouped
from chuyende.reports.registry import indicator

from .choices import ACTIVITY_CHANNELS, Channel, PostStatus
from .models import OutreachPost

DRILLDOWN = "outreach:post_list"


def _posts(root_path, start, end, plan, channels=None):
    rows = OutreachPost.objects.filter(
        unit__path__startswith=root_path,
        status=PostStatus.APPROVED,
        published_on__range=(start, end),
    )
    if channels is not None:
        rows = rows.filter(channel__in=list(channels))
    if plan is not None:
        rows = rows.filter(Q(task__plan=plan) | Q(occasion__plan=plan))
    return rows


@indicator(
    "outreach.posts",
    _("Outreach posts (approved)"),
    unit_of_measure=_("posts"),
    position=40,
    drilldown=DRILLDOWN,
)
def posts(*, root_path, width, start, end, plan):
    return grouped(_posts(root_path, start, end, plan), width=width, value=Count("id"))


def _channel_indicator(code, name, channels, position):
    def compute(*, root_path, width, start, end, plan):
        return grouped(
            _posts(root_path, start, end, plan, channels), width=width, value=Count("id")
        )

    compute.__name__ = code.replace(".", "_")
    indicator(code, name, unit_of_measure=_("posts"), position=position, drilldown=DRILLDOWN)(
        compute
    )


_channel_indicator("outreach.facebook", _("Posts on Facebook"), {Channel.FACEBOOK}, 41)
_channel_indicator("outreach.fanpage", _("Posts on Facebook fanpages"), {Channel.FANPAGE}, 42)
_channel_indicator("outreach.zalo", _("Posts on Zalo"), {Channel.ZALO}, 43)
_channel_indicator("outreach.website", _("Articles on websites"), {Channel.WEBSITE}, 44)
_channel_indicator(
    "outreach.activities",
    _("Contests and question-and-answer rounds"),
    ACTIVITY_CHANNELS,
    45,
)


@indicator(
    "outreach.views",
    _("Outreach reach (views)"),
    unit_of_measure=_("views"),
    position=46,
    drilldown=DRILLDOWN,
)
def views(*, root_path, width, start, end, plan):
    return grouped(_posts(root_path, start, end, plan), width=width, value=Sum("views"))
