from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chuyende.core.scoping import ScopedQuerySet
from chuyende.core.uploads import UploadTo

from .choices import Channel, PostStatus


class OutreachPost(models.Model):
    """A piece of outreach (tin bài tuyên truyền): a post, an article, a banner, a contest round.

    Recorded by the unit that published it; approved or rejected by a manager of the unit or of
    a unit above it. Only approved posts count in roll-ups and show on the public page.
    """

    scope_path = "unit__path"

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="outreach_posts"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    link = models.URLField(_("link"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=255)
    published_on = models.DateField(_("date published"))
    occasion = models.ForeignKey(
        "plans.Occasion",
        verbose_name=_("occasion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outreach_posts",
    )
    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("plan task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outreach_posts",
    )
    views = models.PositiveIntegerField(_("views"), null=True, blank=True)
    reactions = models.PositiveIntegerField(_("reactions"), null=True, blank=True)
    shares = models.PositiveIntegerField(_("shares"), null=True, blank=True)
    screenshot = models.FileField(_("screenshot"), upload_to=UploadTo("outreach"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.SUBMITTED
    )
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    search_title = models.CharField(max_length=255, editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("outreach post")
        verbose_name_plural = _("outreach posts")
        constraints = [
            models.UniqueConstraint(
                fields=["link"],
                condition=~Q(link=""),
                name="outreach_post_unique_link",
                violation_error_message=_("This link has already been recorded."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=PostStatus.values), name="outreach_post_valid_status"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_on"], name="outreach_post_status_date"),
            models.Index(fields=["occasion", "published_on"], name="outreach_post_occasion"),
            # the post list's order: its first page is the index's first 50 entries, not a sort
            # of every post in scope (the nation's 345,874 posts: 485 ms sorted)
            models.Index(fields=["-published_on", "-id"], name="outreach_post_recent"),
        ]

    def __str__(self):
        return self.title

    @property
    def has_reach(self) -> bool:
        return any(v is not None for v in (self.views, self.reactions, self.shares))


class UnitWebsite(models.Model):
    """A web domain that belongs to a unit (the federation's news site): links to it are posts
    on the 'website' channel. Seen by the units below (their editors paste links to it)."""

    scope_path = "unit__path"
    scope_sees_from_above = True

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="websites"
    )
    domain = models.CharField(_("domain"), max_length=253, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]
        verbose_name = _("unit website")
        verbose_name_plural = _("unit websites")

    def __str__(self):
        return self.domain
