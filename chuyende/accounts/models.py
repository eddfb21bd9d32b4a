"""Account security: recovery codes (a django-otp device whose codes are stored hashed) and the
record of each signed-in session (listed and revocable by its owner).

TOTP authenticator apps use django-otp's own `TOTPDevice` (django_otp.plugins.otp_totp).
"""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from chuyende.core.scoping import ACTIONS, ScopedQuerySet

from .useragent import describe

RECOVERY_SALT = "chuyende.accounts.recovery-code"


def normalize_code(code: str) -> str:
    """A recovery code as typed: case, spaces and hyphens do not matter."""
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def code_digests(code: str) -> list[str]:
    """The keyed SHA-256 digests of a recovery code: one for the SECRET_KEY, one for each
    fallback key (codes stay valid while the key is being rotated). Codes carry ~60 random bits,
    so a keyed fast hash is enough and lets a code be found with one indexed lookup."""
    value = normalize_code(code)
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        salted_hmac(RECOVERY_SALT, value, secret=key, algorithm="sha256").hexdigest()
        for key in keys
    ]


class OwnQuerySet(ScopedQuerySet):
    def for_user(self, user, action: str = "view"):
        """Rows belonging to one person: their owner alone sees and changes them, whatever
        their roles (a manager never sees another user's sessions or codes)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(user=user)


class RecoveryCodeDevice(Device):
    """The set of one-time recovery codes of a user (one device per user), a django-otp device so
    that a recovery code verifies the session like an authenticator code."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(fields=["user"], name="accounts_recovery_one_per_user"),
        ]

    def verify_token(self, token):
        """Use up the matching unused code: one conditional UPDATE, so a code never serves twice
        even when two requests race with it."""
        digests = code_digests(token)
        if not normalize_code(token):
            return False
        with transaction.atomic():
            used = self.codes.filter(digest__in=digests, used_at=None).update(
                used_at=timezone.now()
            )
        return used == 1


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        indexes = [models.Index(fields=["device", "digest"], name="accounts_code_lookup")]

    def __str__(self):
        return f"{self.device_id}:{self.digest[:8]}…"


class UserSession(models.Model):
    """A signed-in session of a user, written at login: which device, from where, since when.
    Revoking one deletes it from the session store, so its next request is anonymous."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="signed_in_sessions",
    )
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)

    objects = OwnQuerySet.as_manager()

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        indexes = [models.Index(fields=["user", "-last_seen"], name="accounts_session_user")]

    def __str__(self):
        return f"{self.user} — {self.device}"

    @property
    def device(self) -> str:
        return describe(self.user_agent)


class AccountStatus(models.Model):
    """What a manager set on someone else's account (chuyende.accounts.officers): a temporary
    password, handed over by hand, that its owner must replace at the next sign-in. An account
    without a row has nothing pending."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="account_status",
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("temporary password set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    password_set_at = models.DateTimeField(_("temporary password set at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account status")
        verbose_name_plural = _("account statuses")

    def __str__(self):
        return f"{self.user_id}: {'must change password' if self.must_change_password else 'ok'}"
