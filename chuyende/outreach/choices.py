from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    FACEBOOK = "facebook", _("Facebook")
    FANPAGE = "fanpage", _("Facebook fanpage")
    ZALO = "zalo", _("Zalo")
    WEBSITE = "website", _("Website")
    BOARD = "board", _("Bulletin board / banner")
    RADIO = "radio", _("Radio / loudspeaker")
    VIDEO = "video", _("Video (YouTube, TikTok…)")
    CONTEST = "contest", _("Contest")
    QA = "qa", _("Questions and answers")
    OTHER = "other", _("Other")


# Channels where a post is a page on the web: a link is required.
LINKED_CHANNELS = frozenset({Channel.FACEBOOK, Channel.FANPAGE, Channel.WEBSITE, Channel.VIDEO})
# Counted as outreach activities until a contests module exists (seed II.2: "thi tìm hiểu,
# hỏi – đáp").
ACTIVITY_CHANNELS = frozenset({Channel.CONTEST, Channel.QA})


class PostStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
