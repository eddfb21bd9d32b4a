"""Officers and access ("Cán bộ và phân quyền"): the managers of a unit give accounts and roles to
the officers of their own subtree, without a system administrator, and each level the same
below it.

Who may do what (on top of `chuyende.core.scoping`):
- The pages of a unit's officers need the "manage" action on the unit (admin, manager roles).
- A role is granted at the unit or a unit below it, within the manager's scope; only a
  superuser grants (or removes) the administrator role (`org.services.role_assign` refuses).
- Nobody removes their own last managing role (no locking oneself out).
- Resetting the password of an account or turning it off/on needs EVERY role of that account,
  and its member record, to lie within the acting user's manage scope, and the account not to be
  a superuser or staff: a province manager cannot take over a national officer who also holds
  a role in the province. Nobody does either to their own account here.

A new account, and an account whose password was reset, gets a random temporary password shown
once to the manager (to hand over); its owner must choose their own password at the next sign-in
(`AccountStatus.must_change_password`, enforced by the account gate in middleware.py).

Every write is atomic and audited, and forgets the scope cached on the users whose roles changed.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from chuyende.core.audit import audit_record
from chuyende.core.models import AuditAction
from chuyende.core.scoping import ACTION_ROLES, forget_scope, require, user_scope
from chuyende.org.choices import Role
from chuyende.org.models import Member, RoleAssignment, Unit
from chuyende.org.services import role_assign

from . import services
from .models import AccountStatus, UserSession

OFFICERS_PER_PAGE = 50
MANAGING_ROLES = frozenset(ACTION_ROLES["manage"])
# Roles handed out on these pages; "member" is an account's link to its own member record.
OFFICER_ROLES = (Role.MANAGER, Role.EDITOR, Role.VIEWER)
FILTER_ROLES = [(role.value, role.label) for role in (Role.ADMIN, *OFFICER_ROLES)]
TEMPORARY_ALPHABET = services.RECOVERY_ALPHABET  # no look-alikes: read aloud, typed by hand


# Reads ------------------------------------------------------------------------------------------


def grantable_roles(*, user) -> list[tuple[str, str]]:
    """The roles this user may give: the administrator role to a superuser alone."""
    roles = [Role.ADMIN, *OFFICER_ROLES] if user.is_superuser else list(OFFICER_ROLES)
    return [(role.value, role.label) for role in roles]


def grantable_units(*, user, unit: Unit):
    """Where a role can be given from this unit's page: the unit and the active units right
    below it (deeper units have their own page), within the user's manage scope."""
    return (
        Unit.objects.for_user(user, "manage")
        .filter(active=True, path__startswith=unit.path, depth__lte=unit.depth + 1)
        .order_by("depth", "sort_key")
    )


def manageable_roles(*, user, unit: Unit):
    """Officer roles held at the unit or below it that the user may manage."""
    return (
        RoleAssignment.objects.for_user(user, "manage")
        .filter(unit__path__startswith=unit.path)
        .exclude(role=Role.MEMBER)
    )


def officer_page(
    *, user, unit: Unit, subtree: bool = True, role: str = "", query: str = "", page=None
):
    """One page of the officer roles at the unit (and below it, if `subtree`), with each
    account's sign-in facts: three queries (count, rows with their account, unit and whether it
    has an authenticator app), whatever the number of officers."""
    rows = manageable_roles(user=user, unit=unit)
    if not subtree:
        rows = rows.filter(unit=unit)
    if role:
        rows = rows.filter(role=role)
    query = (query or "").strip()
    if query:
        rows = rows.filter(
            Q(user__username__icontains=query)
            | Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__email__iexact=query)
        )
    rows = (
        rows.select_related("user", "unit")
        .annotate(
            has_two_factor=Exists(
                TOTPDevice.objects.filter(user=OuterRef("user_id"), confirmed=True)
            ),
            must_change_password=Exists(
                AccountStatus.objects.filter(user=OuterRef("user_id"), must_change_password=True)
            ),
        )
        .order_by("unit__path", "role", "user__username", "pk")
    )
    return Paginator(rows, OFFICERS_PER_PAGE).get_page(page)


def _account_paths(account) -> list[str]:
    """The unit paths of every role of the account and of its member record."""
    roles = RoleAssignment.objects.filter(user=account).order_by().values_list("unit__path")
    own = Member.objects.filter(user=account).order_by().values_list("unit__path")
    return [path for (path,) in roles.union(own, all=True)]


def may_take_over(*, user, account) -> bool:
    """Whether the user may reset the account's password or turn it off/on: every role of the
    account, and its member record, within the user's manage scope; never a superuser's or
    staff account (for anyone but a superuser), never one's own."""
    if account.pk == user.pk:
        return False
    if user.is_superuser:
        return True
    if account.is_superuser or account.is_staff:
        return False
    scope = user_scope(user)
    return all(scope.allows("manage", path) for path in _account_paths(account))


@dataclass
class OfficerAccount:
    account: object
    roles: list  # the account's officer roles the user manages
    other_roles: bool  # it holds roles (or a member record) the user does not manage
    has_two_factor: bool
    must_change_password: bool
    may_take_over: bool  # reset its password, turn it off/on


def officer_account(*, user, unit: Unit, account_pk) -> OfficerAccount | None:
    """An account holding an officer role at the unit or below it that the user manages, with
    its roles the user manages; None if there is no such account (404)."""
    User = get_user_model()
    account = (
        User.objects.filter(pk=account_pk)
        .filter(Exists(manageable_roles(user=user, unit=unit).filter(user=OuterRef("pk"))))
        .annotate(
            has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            must_change=Exists(
                AccountStatus.objects.filter(user=OuterRef("pk"), must_change_password=True)
            ),
        )
        .first()
    )
    if account is None:
        return None
    roles = list(
        RoleAssignment.objects.for_user(user, "manage")
        .filter(user=account)
        .select_related("unit")
        .order_by("unit__path", "role")
    )
    scope = user_scope(user)
    others = [p for p in _account_paths(account) if not scope.allows("manage", p)]
    return OfficerAccount(
        account=account,
        roles=roles,
        other_roles=bool(others),
        has_two_factor=account.has_two_factor,
        must_change_password=account.must_change,
        may_take_over=may_take_over(user=user, account=account),
    )


def must_change_password(user) -> bool:
    """Whether the account still holds a temporary password (one query)."""
    return AccountStatus.objects.filter(user=user, must_change_password=True).exists()


# Writes -----------------------------------------------------------------------------------------


def temporary_password() -> str:
    """12 random letters and digits without look-alikes (~59 bits), in groups of four."""
    raw = "".join(secrets.choice(TEMPORARY_ALPHABET) for _i in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _set_temporary_password(*, account, acting_user) -> str:
    password = temporary_password()
    account.set_password(password)
    account.save(update_fields=["password"])
    AccountStatus.objects.update_or_create(
        user=account,
        defaults={
            "must_change_password": True,
            "password_set_by": acting_user,
            "password_set_at": timezone.now(),
        },
    )
    return password


def _end_all_sessions(account) -> int:
    """Sign the account out everywhere; how many recorded sessions were ended."""
    rows = list(UserSession.objects.filter(user=account).values_list("pk", "session_key"))
    services._end_sessions([key for _pk, key in rows])
    UserSession.objects.filter(pk__in=[pk for pk, _key in rows]).delete()
    return len(rows)


def _check_grant(*, acting_user, unit: Unit, role: str) -> None:
    if role not in {value for value, _label in grantable_roles(user=acting_user)}:
        raise ValidationError({"role": _("You cannot give this role.")})
    require(acting_user, "manage", unit)
    if not unit.active:
        raise ValidationError({"unit": _("This unit is closed: give the role in an open unit.")})


def find_account(identifier: str):
    """The account with exactly this username, or else this e-mail (one account only)."""
    User = get_user_model()
    identifier = (identifier or "").strip()
    if not identifier:
        raise ValidationError({"account": _("Type the username or the e-mail of the account.")})
    found = User.objects.filter(username=identifier).first()
    if found is not None:
        return found
    if "@" in identifier:
        matches = list(User.objects.filter(email__iexact=identifier)[:2])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValidationError(
                {"account": _("Several accounts use this e-mail: type the username instead.")}
            )
    raise ValidationError({"account": _("No account has this username or e-mail.")})


@transaction.atomic
def officer_grant(*, acting_user, identifier: str, unit: Unit, role: str):
    """Give a role at `unit` to an existing account, found by exact username or e-mail.
    Returns (assignment, created): created is False when the account held it already."""
    _check_grant(acting_user=acting_user, unit=unit, role=role)
    account = find_account(identifier)
    exists = RoleAssignment.objects.filter(user=account, unit=unit, role=role).exists()
    assignment = role_assign(user=account, unit=unit, role=role, acting_user=acting_user)
    return assignment, not exists


def _split_name(full_name: str) -> tuple[str, str]:
    """A Vietnamese full name as Django's (first_name, last_name): family and middle names,
    then the given name (the last word), so that get_full_name() gives it back."""
    family, _sep, given = " ".join(full_name.split()).rpartition(" ")
    return family, given


def officer_create(
    *, acting_user, username: str, full_name: str, email: str = "", unit: Unit, role: str
):
    """A new account with a role at `unit` and a temporary password that its owner must
    replace at first sign-in. Returns (account, assignment, password): the password is shown
    once and kept nowhere but hashed."""
    User = get_user_model()
    username = (username or "").strip()
    email = User.objects.normalize_email((email or "").strip())
    _check_grant(acting_user=acting_user, unit=unit, role=role)
    errors = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This username is taken: choose another one.")
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = _(
            "An account already uses this e-mail: add it as an existing account instead."
        )
    if errors:
        raise ValidationError(errors)
    first_name, last_name = _split_name(full_name)
    try:
        with transaction.atomic():
            account = User.objects.create_user(
                username=username, email=email, first_name=first_name, last_name=last_name
            )
            password = _set_temporary_password(account=account, acting_user=acting_user)
            assignment = role_assign(user=account, unit=unit, role=role, acting_user=acting_user)
            audit_record(
                actor=acting_user,
                action=AuditAction.CREATE,
                obj=account,
                unit=unit,
                changes={"event": "officer_account_created", "role": role, "unit": unit.code},
            )
    except IntegrityError as error:  # the same username, created at the same moment
        raise ValidationError({"username": _("This username is taken: choose another one.")}) from (
            error
        )
    return account, assignment, password


@transaction.atomic
def officer_role_remove(*, assignment: RoleAssignment, acting_user) -> None:
    """Take a role away. Only a superuser removes the administrator role; nobody removes their
    own last managing role."""
    require(acting_user, "manage", assignment.unit)
    if assignment.role == Role.ADMIN and not acting_user.is_superuser:
        raise ValidationError(_("Only a system administrator can remove the administrator role."))
    own = assignment.user_id == acting_user.pk
    if own and assignment.role in MANAGING_ROLES and not acting_user.is_superuser:
        services._lock_user(acting_user)  # two removals at once see each other
        others = (
            RoleAssignment.objects.filter(
                user=acting_user, role__in=MANAGING_ROLES, unit__active=True
            )
            .exclude(pk=assignment.pk)
            .exists()
        )
        if not others:
            raise ValidationError(
                _(
                    "This is your last managing role: you cannot remove it yourself. "
                    "Ask a manager of a unit above to do it."
                )
            )
    audit_record(
        actor=acting_user,
        action=AuditAction.DELETE,
        obj=assignment,
        unit=assignment.unit,
        changes={
            "event": "role_removed",
            "user": assignment.user.get_username(),
            "role": assignment.role,
        },
    )
    assignment.delete()
    forget_scope(assignment.user)
    if own:
        forget_scope(acting_user)


def _check_take_over(*, acting_user, account) -> None:
    if account.pk == acting_user.pk:
        raise ValidationError(
            _("This is your own account: change your password on the Security page.")
        )
    if not may_take_over(user=acting_user, account=account):
        raise ValidationError(
            _(
                "This account holds roles outside the units you manage (or is a system "
                "administrator's): only a manager of all of them can do this."
            )
        )


@transaction.atomic
def officer_password_reset(*, account, acting_user, unit: Unit) -> str:
    """A new temporary password for the account (returned, shown once), to be replaced at its
    next sign-in; every session of the account ends."""
    require(acting_user, "manage", unit)
    account = services._lock_user(account)
    _check_take_over(acting_user=acting_user, account=account)
    password = _set_temporary_password(account=account, acting_user=acting_user)
    ended = _end_all_sessions(account)
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=account,
        unit=unit,
        changes={"event": "officer_password_reset", "sessions_ended": ended},
    )
    return password


@transaction.atomic
def officer_set_active(*, account, active: bool, acting_user, unit: Unit) -> bool:
    """Turn the account on or off (off: it cannot sign in, its sessions end). Returns whether
    anything changed."""
    require(acting_user, "manage", unit)
    account = services._lock_user(account)
    _check_take_over(acting_user=acting_user, account=account)
    if account.is_active == active:
        return False
    account.is_active = active
    account.save(update_fields=["is_active"])
    ended = 0 if active else _end_all_sessions(account)
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=account,
        unit=unit,
        changes={
            "event": "officer_account_on" if active else "officer_account_off",
            "is_active": {"from": not active, "to": active},
            "sessions_ended": ended,
        },
    )
    return True
