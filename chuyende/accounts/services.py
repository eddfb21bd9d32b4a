"""Writes of `accounts`: two-factor sign-in (authenticator app + recovery codes), the two-step
login, the record of signed-in sessions and their revocation, password changes.

Audited: enabling and disabling two-factor sign-in, new recovery codes, each recovery code used,
revoked sessions, password changes. A wrong sign-in code counts as a failed log-in for
the site's log-in throttling (the same username + address lock as wrong passwords).
"""

import re
import secrets
import time
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import django_otp
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from chuyende.core.audit import audit_record, client_ip
from chuyende.core.models import AuditAction

from . import selectors
from .models import AccountStatus, RecoveryCode, RecoveryCodeDevice, UserSession, code_digests

# Session keys.
VERIFIED_KEY = "_2fa_verified"  # this session passed a second factor
CLEAR_UNTIL_KEY = "_2fa_clear_until"  # no second factor needed, re-checked after this time
SEEN_KEY = "_account_seen"  # when the session record's last_seen was last written
PENDING_KEY = "_2fa_pending"  # password accepted, code awaited
ENROL_KEY = "_2fa_enrol_key"  # the secret shown on the enrolment page, until confirmed
MUST_CHANGE_KEY = "_must_change_password"  # signed in with a temporary password (officers.py)

SEEN_EVERY = 300  # seconds between two writes of a session's last_seen
RECHECK_EVERY = 300  # seconds between two checks of "must this user have 2FA?"
PENDING_SECONDS = 300  # time to type the code after the password

RECOVERY_CODE_COUNT = 10
# 31 letters and digits, without the look-alikes 0/o, 1/l/i: 12 of them carry ~59 bits.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
TOTP_CODE = re.compile(r"^\d{6}$")


# Sessions -------------------------------------------------------------------------------------


def _session_store():
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")


def _end_sessions(keys) -> None:
    """Delete sessions from the session store, so their next request is anonymous. Works with
    the db and cached_db engines (and cache): the table row and the cached copy both go."""
    keys = [k for k in keys if k]
    if not keys:
        return
    store = _session_store()
    if hasattr(store, "get_model_class"):
        store.get_model_class().objects.filter(session_key__in=keys).delete()
    prefix = getattr(store, "cache_key_prefix", None)
    if prefix:
        cache = caches[settings.SESSION_CACHE_ALIAS]
        names = [prefix + k for k in keys]
        cache.delete_many(names)
        # again once the delete is committed: a request reading the row meanwhile may cache it
        transaction.on_commit(lambda: cache.delete_many(names))


def _prune(user) -> None:
    """Forget the user's records of sessions no longer in the store (expired, logged out)."""
    live = selectors.live_session_keys()
    if live is not None:
        UserSession.objects.filter(user=user).exclude(session_key__in=live).delete()


def _client(request) -> dict:
    return {
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:500],
        "ip_address": client_ip(request),
    }


def session_started(*, request, user) -> None:
    """Record the session a login has just opened (called on `user_logged_in`), and tell the
    account gate (middleware) whether it may let this session through for RECHECK_EVERY
    seconds: so that its first pages cost no query more."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    now = timezone.now()
    with transaction.atomic():
        _prune(user)
        UserSession.objects.update_or_create(
            session_key=session.session_key,
            defaults={"user": user, "created_at": now, "last_seen": now, **_client(request)},
        )
    session[SEEN_KEY] = time.time()
    if AccountStatus.objects.filter(user=user, must_change_password=True).exists():
        session[MUST_CHANGE_KEY] = True
    status = selectors.two_factor_status(user)
    if not status.has_device and not status.required:
        session[CLEAR_UNTIL_KEY] = time.time() + RECHECK_EVERY


def session_ended(*, request) -> None:
    """Forget the record of a session being logged out (called on `user_logged_out`)."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()


def session_seen(*, request) -> None:
    """Note that the session is in use (at most every SEEN_EVERY seconds: one UPDATE). A session
    opened before this record existed is recorded now."""
    session = request.session
    key = session.session_key
    if not key:
        return
    now = timezone.now()
    updated = UserSession.objects.filter(session_key=key, user=request.user).update(
        last_seen=now, ip_address=client_ip(request)
    )
    if not updated:
        UserSession.objects.update_or_create(
            session_key=key,
            defaults={
                "user": request.user,
                "created_at": now,
                "last_seen": now,
                **_client(request),
            },
        )
    session[SEEN_KEY] = time.time()


@transaction.atomic
def session_revoke(*, actor, user_session, current_key) -> None:
    """End one of the actor's own sessions (not the one in use: that is "Log out")."""
    if user_session.user_id != actor.pk:
        raise ValidationError(_("This session is not yours."))
    if user_session.session_key == current_key:
        raise ValidationError(_("This is the session you are using: log out instead."))
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=user_session,
        object_repr=f"{actor.get_username()}: {user_session.device}"[:255],
        changes={
            "event": "session_revoked",
            "ip_address": user_session.ip_address,
            "signed_in_at": user_session.created_at.isoformat(),
        },
    )
    _end_sessions([user_session.session_key])
    user_session.delete()


@transaction.atomic
def sessions_revoke_others(*, actor, current_key) -> int:
    """End every session of the actor but the one in use; returns how many were ended."""
    rows = list(
        UserSession.objects.for_user(actor)
        .exclude(session_key=current_key)
        .values_list("pk", "session_key")
    )
    if not rows:
        return 0
    _end_sessions([key for _pk, key in rows])
    UserSession.objects.filter(pk__in=[pk for pk, _key in rows]).delete()
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        object_type="accounts.usersession",
        object_repr=_("Other sessions of %(user)s") % {"user": actor.get_username()},
        changes={"event": "sessions_revoked", "count": len(rows)},
    )
    return len(rows)


@transaction.atomic
def password_change(*, request, form) -> int:
    """Save the new password of a valid PasswordChangeForm, keep this session signed in (its key
    changes: its record follows), end every other session of the user, audit. Returns how many
    other sessions were ended."""
    user = form.save()
    AccountStatus.objects.filter(user=user, must_change_password=True).update(
        must_change_password=False
    )
    request.session.pop(MUST_CHANGE_KEY, None)
    old_key = request.session.session_key
    auth.update_session_auth_hash(request, user)
    new_key = request.session.session_key
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key, user=user).update(session_key=new_key)
    rows = list(
        UserSession.objects.filter(user=user)
        .exclude(session_key=new_key)
        .values_list("pk", "session_key")
    )
    _end_sessions([key for _pk, key in rows])
    UserSession.objects.filter(pk__in=[pk for pk, _key in rows]).delete()
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=user,
        changes={"event": "password_changed", "sessions_ended": len(rows)},
    )
    return len(rows)


# Two-factor sign-in: enrolment ------------------------------------------------------------------


def new_totp_key() -> str:
    """A fresh secret for an authenticator app (20 random bytes, hex, as django-otp stores it)."""
    return random_hex(20)


def totp_setup(user, key: str) -> tuple[str, str]:
    """The otpauth:// URL (for the QR code) and the secret in base32 (to type by hand)."""
    device = TOTPDevice(user=user, key=key)
    text = b32encode(device.bin_key).decode().rstrip("=")
    return device.config_url, " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _new_codes() -> list[str]:
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


def _replace_recovery_codes(user) -> list[str]:
    """New recovery codes for the user, stored hashed; the old ones stop working."""
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "recovery", "confirmed": True}
    )
    device.codes.all().delete()
    codes = _new_codes()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, digest=code_digests(code)[0]) for code in codes]
    )
    return codes


def _lock_user(user):
    return get_user_model().objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def totp_enable(*, user, key: str, token: str) -> list[str]:
    """Turn on two-factor sign-in with the authenticator app holding `key`, once it shows the
    right code; returns the new recovery codes (shown once, stored hashed)."""
    _lock_user(user)
    if selectors.has_totp(user):
        raise ValidationError(_("Two-factor sign-in is already on."))
    token = (token or "").replace(" ", "")
    device = TOTPDevice(user=user, key=key, name="authenticator", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not TOTP_CODE.match(token) or not totp.verify(int(token), device.tolerance):
        raise ValidationError(
            {"code": _("This code is not right. Type the 6 digits your app shows now.")}
        )
    device.last_t = totp.t()  # the same code cannot sign in again
    device.drift = totp.drift
    TOTPDevice.objects.filter(user=user).delete()  # unconfirmed leftovers
    device.save()
    device.set_last_used_timestamp(commit=True)
    codes = _replace_recovery_codes(user)
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=device,
        object_repr=_("Two-factor sign-in of %(user)s") % {"user": user.get_username()},
        changes={"event": "two_factor_enabled", "recovery_codes": len(codes)},
    )
    return codes


def _check_password(request, user, password) -> bool:
    if user.check_password(password or ""):
        return True
    _count_failure(request, user)
    return False


def totp_disable(*, request, user, password: str, token: str) -> None:
    """Turn off two-factor sign-in: needs the password and a code (app or recovery code).
    The checks run before the write's transaction, so that a wrong try still counts (log-in
    throttling, django-otp's throttle)."""
    if not selectors.has_totp(user):
        raise ValidationError(_("Two-factor sign-in is not on."))
    if not _check_password(request, user, password):
        raise ValidationError({"password": _("The password is not right.")})
    check = check_code(user=user, token=token)
    if check.device is None:
        raise ValidationError({"code": check.message})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCodeDevice.objects.filter(user=user).delete()
        audit_record(
            actor=user,
            action=AuditAction.DELETE,
            obj=user,
            object_repr=_("Two-factor sign-in of %(user)s") % {"user": user.get_username()},
            changes={"event": "two_factor_disabled"},
        )
    for key in (VERIFIED_KEY, CLEAR_UNTIL_KEY, django_otp.DEVICE_ID_SESSION_KEY):
        request.session.pop(key, None)


def recovery_codes_renew(*, user, token: str) -> list[str]:
    """New recovery codes, after a code from the authenticator app; the old ones stop working."""
    if not selectors.has_totp(user):
        raise ValidationError(_("Two-factor sign-in is not on."))
    check = check_code(user=user, token=token, recovery=False)
    if check.device is None:
        raise ValidationError({"code": check.message})
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=user,
            object_repr=_("Two-factor sign-in of %(user)s") % {"user": user.get_username()},
            changes={"event": "recovery_codes_renewed", "recovery_codes": len(codes)},
        )
    return codes


# Two-factor sign-in: checking a code ----------------------------------------------------------


@dataclass
class CodeCheck:
    device: object = None  # the device that accepted the code
    message: str = ""  # why not
    wait_until: datetime | None = None  # the authenticator is throttled until then


def check_code(*, user, token: str, recovery: bool = True) -> CodeCheck:
    """Verify a code from the authenticator app (6 digits) or, if `recovery`, a recovery code
    (used up). The app's device is throttled by django-otp: after n wrong codes in a row the
    next one is refused for 2^(n-1) seconds. A recovery code used is audited."""
    token = (token or "").strip()
    digits = token.replace(" ", "")
    if TOTP_CODE.match(digits):
        device = selectors.totp_device(user)
        if device is None:
            return CodeCheck(message=_("Two-factor sign-in is not on."))
        allowed, data = device.verify_is_allowed()
        if not allowed:
            until = (data or {}).get("locked_until")
            return CodeCheck(
                message=_("Too many wrong codes in a row: wait a moment and try again."),
                wait_until=until,
            )
        verified = django_otp.verify_token(user, device.persistent_id, digits)
        if verified is not None:
            return CodeCheck(device=verified)
        return CodeCheck(message=_("This code is not right or has already been used."))
    if recovery and token:
        device = RecoveryCodeDevice.objects.filter(user=user).first()
        if device is not None and device.verify_token(token):
            with transaction.atomic():
                left = device.codes.filter(used_at=None).count()
                audit_record(
                    actor=user,
                    action=AuditAction.UPDATE,
                    obj=user,
                    object_repr=_("Two-factor sign-in of %(user)s") % {"user": user.get_username()},
                    changes={"event": "recovery_code_used", "codes_left": left},
                )
            return CodeCheck(device=device)
        return CodeCheck(message=_("This recovery code is not right or has already been used."))
    if recovery:
        return CodeCheck(
            message=_("Type the 6 digits of your authenticator app, or a recovery code.")
        )
    return CodeCheck(message=_("Type the 6 digits your authenticator app shows."))


def _count_failure(request, user) -> None:
    """A wrong code (or password) counts as a failed log-in: Django's `user_login_failed`
    signal, which the site's log-in throttling counts (the same username + address lock as wrong
    passwords: LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES)."""
    if request is not None:
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )


def login_allowed(request, user) -> bool:
    """Whether this username may log in from here now. Asks every authentication backend
    without a password: the throttling backend (first in AUTHENTICATION_BACKENDS) raises
    PermissionDenied while the username + address is locked, and marks the request so that its
    middleware answers with the lock page; the password backends authenticate no one without a
    password. No failure is counted."""
    for backend in auth.get_backends():
        try:
            backend.authenticate(request, username=user.get_username(), password=None)
        except PermissionDenied:
            return False
    return True


# The two-step login ---------------------------------------------------------------------------


@dataclass
class Pending:
    user: object
    backend: str
    next_url: str


def pending_start(request, user, next_url: str) -> None:
    """The password was right and the user has two-factor sign-in: remember who is signing in
    (not signed in yet) while they type the code."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "") or settings.AUTHENTICATION_BACKENDS[-1],
        "next": next_url,
        "at": time.time(),
    }


def pending_get(request) -> Pending | None:
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict) or time.time() - data.get("at", 0) > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None:
        return None
    return Pending(user=user, backend=data.get("backend", ""), next_url=data.get("next", "/"))


def pending_clear(request) -> None:
    request.session.pop(PENDING_KEY, None)


def second_step(*, request, pending: Pending, token: str) -> CodeCheck:
    """Check the code typed at sign-in; a wrong one counts as a failed log-in (throttling)."""
    check = check_code(user=pending.user, token=token)
    if check.device is None:  # a try refused by the app's throttle counts too
        _count_failure(request, pending.user)
    return check


def complete_login(*, request, pending: Pending, device) -> None:
    """The code was right: sign the user in (the session key changes) and mark the session
    verified. `user_logged_in` records the session and resets the failures counted."""
    pending_clear(request)
    auth.login(request, pending.user, backend=pending.backend or None)
    django_otp.login(request, device)
    request.session[VERIFIED_KEY] = True


def mark_verified(request, device=None) -> None:
    """This session has just proved the second factor (enrolment)."""
    if device is not None:
        django_otp.login(request, device)
    request.session[VERIFIED_KEY] = True


def end_unverified(request) -> None:
    """A session signed in without the code while the user has an authenticator (opened before
    it was set up, or by another login path): log it out."""
    auth.logout(request)
