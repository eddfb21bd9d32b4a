"""Personal access tokens: create (the token is shown once), revoke, authenticate. Writes are
atomic and audited."""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuyende.core.audit import audit_event, audit_record
from chuyende.core.models import AuditAction, AuditEvent

from .models import PersonalAccessToken

TOKEN_PREFIX = "cdt_"  # recognisable in logs and by secret scanners
PREFIX_LENGTH = 12  # "cdt_" and 8 random characters, kept to recognise a token in the list
MAX_ACTIVE_TOKENS = 20
LIFETIMES = (30, 90, 180, 365)  # days a token may be created for
TOUCH_EVERY = datetime.timedelta(minutes=1)  # last use is written at most once a minute


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, owner, name: str, days: int) -> tuple[PersonalAccessToken, str]:
    """A new token for `owner`, valid `days` days; returns the row and the token itself, which
    is never stored and cannot be shown again."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the system that uses it.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name has at most 100 characters.")})
    if days not in LIFETIMES:
        raise ValidationError({"days": _("Choose how long the token is valid.")})
    if not owner.is_active:
        raise PermissionDenied
    active = PersonalAccessToken.objects.filter(
        owner=owner, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You already have %(n)s active tokens. Revoke one you no longer use first.")
            % {"n": MAX_ACTIVE_TOKENS}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = PersonalAccessToken.objects.create(
        owner=owner,
        name=name,
        prefix=raw[:PREFIX_LENGTH],
        token_hash=hash_token(raw),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    audit_record(
        actor=owner,
        action=AuditAction.CREATE,
        obj=token,
        changes={"name": name, "prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: PersonalAccessToken, acting_user) -> PersonalAccessToken:
    """Revoke a token at once (its owner, or a system administrator); revoking twice is a no-op."""
    if token.owner_id != acting_user.pk and not acting_user.is_superuser:
        raise PermissionDenied
    token = PersonalAccessToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.DELETE,
        obj=token,
        changes={"revoked": True, "prefix": token.prefix, "owner": token.owner_id},
    )
    return token


@transaction.atomic
def tokens_revoke(*, tokens, acting_user) -> int:
    """Revoke several tokens at once (a system administrator, from the admin): one update and
    one audit row each, written in bulk. Returns how many were live."""
    if not acting_user.is_superuser:
        raise PermissionDenied
    live = list(tokens.select_for_update().filter(revoked_at__isnull=True))
    now = timezone.now()
    PersonalAccessToken.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=now)
    AuditEvent.objects.bulk_create(
        audit_event(
            actor=acting_user,
            action=AuditAction.DELETE,
            obj=token,
            changes={"revoked": True, "prefix": token.prefix, "owner": token.owner_id},
        )
        for token in live
    )
    return len(live)


class TokenRejected(Exception):
    """The token given cannot be used; `code` says why (stable, for API clients)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def token_authenticate(raw: str, *, address: str | None = None, now=None) -> PersonalAccessToken:
    """The live token behind `raw`, with its owner loaded (one query; one more at most once a
    minute to record its last use). Raises TokenRejected."""
    now = now or timezone.now()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        raise TokenRejected("token_invalid")
    token = (
        PersonalAccessToken.objects.select_related("owner")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if token is None:
        raise TokenRejected("token_invalid")
    if token.revoked_at is not None:
        raise TokenRejected("token_revoked")
    if token.is_expired(now):
        raise TokenRejected("token_expired")
    if not token.owner.is_active:
        raise TokenRejected("token_owner_inactive")
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        PersonalAccessToken.objects.filter(pk=token.pk).update(
            last_used_at=now, last_used_ip=address
        )
        token.last_used_at, token.last_used_ip = now, address
    return token
