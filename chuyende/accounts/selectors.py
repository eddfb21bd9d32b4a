"""Reads of `accounts`: who must use two-factor sign-in, a user's devices and live sessions."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, Value
from django.utils import timezone
from django.utils.module_loading import import_string
from django_otp.plugins.otp_totp.models import TOTPDevice

from chuyende.core.scoping import ACTION_ROLES
from chuyende.org.choices import Role, UnitKind
from chuyende.org.models import RoleAssignment

from .models import RecoveryCode, UserSession

# Who must use two-factor sign-in when settings.TWO_FACTOR_REQUIRED is on:
#   admins   - superusers and staff (the Django admin), and anyone holding the "admin" role on
#              any active unit;
#   managers - anyone holding a role that grants the "manage" action (ACTION_ROLES["manage"]:
#              admin, manager) on an active unit at upper level or above: the confederation,
#              a provincial federation, an upper-level union, or a department of a federation
#              (its departments work at the federation's level).
# A manager of a grassroots union, a section or an affiliated agency, and every editor, viewer
# and member, may turn it on but is not required to.
MANAGING_ROLES = tuple(sorted(ACTION_ROLES["manage"]))
MANAGED_LEVELS = (
    UnitKind.CONFEDERATION,
    UnitKind.PROVINCE,
    UnitKind.UPPER,
    UnitKind.DEPARTMENT,
)


def _required_roles(user_ref) -> Q:
    return Q(user=user_ref, unit__active=True) & (
        Q(role=Role.ADMIN) | Q(role__in=MANAGING_ROLES, unit__kind__in=MANAGED_LEVELS)
    )


@dataclass(frozen=True)
class TwoFactorStatus:
    has_device: bool  # a confirmed authenticator app
    required: bool  # must have one (settings.TWO_FACTOR_REQUIRED and the rule above)


def two_factor_status(user) -> TwoFactorStatus:
    """Whether the user has an authenticator and whether they must: one query."""
    User = get_user_model()
    enforce = bool(getattr(settings, "TWO_FACTOR_REQUIRED", False))
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            by_role=Exists(RoleAssignment.objects.filter(_required_roles(OuterRef("pk"))))
            if enforce
            else Value(False),
        )
        .values_list("has_device", "by_role", "is_superuser", "is_staff")
        .first()
    )
    if row is None:
        return TwoFactorStatus(False, False)
    has_device, by_role, superuser, staff = row
    return TwoFactorStatus(bool(has_device), enforce and bool(by_role or superuser or staff))


def two_factor_required(user) -> bool:
    return two_factor_status(user).required


def totp_device(user):
    """The user's confirmed authenticator app, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(device__user=user, used_at=None).count()


def live_session_keys():
    """The keys of the sessions still in the session store (db and cached_db engines keep every
    session in the database), or None for an engine without a database table."""
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    if not hasattr(store, "get_model_class"):
        return None
    return (
        store.get_model_class().objects.filter(expire_date__gt=timezone.now()).values("session_key")
    )


def sessions_for(user):
    """The user's signed-in sessions still alive, most recently seen first."""
    rows = UserSession.objects.for_user(user)
    live = live_session_keys()
    if live is not None:
        rows = rows.filter(session_key__in=live)
    return rows.order_by("-last_seen", "-pk")
