from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuyende.core.scoping import ACTIONS, ScopedQuerySet


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    ESCALATION = "escalation", _("Overdue report")
    ESCALATION_COPY = "escalation_copy", _("Overdue report below")
    OVERDUE = "overdue", _("Reminder from the unit above")


class NotificationQuerySet(ScopedQuerySet):
    def for_user(self, user, action: str = "view"):
        """A notification belongs to its recipient alone: whatever their roles, a user sees and
        marks only their own (no role query, so the navbar count is a single query)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(user=user)


class Notification(models.Model):
    """An in-app message to one person; new ones of a day go out in one e-mail digest."""

    scope_path = "unit__path"
    scope_owner = "user"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # de-duplication: one notification per person, key (kind/form/period/unit) and day
    key = models.CharField(max_length=120, blank=True)
    day = models.DateField(default=timezone.localdate)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "day"],
                condition=~models.Q(key=""),
                name="notifications_once_a_day",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notifications_user_unread"),
            models.Index(fields=["day", "emailed_at"], name="notifications_day_emailed"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
