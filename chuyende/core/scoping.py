"""The one scoping function: which rows a user may see or change.

Every model holding unit-bound data uses `ScopedQuerySet` and declares where its unit path is
(`scope_path`, e.g. "unit__path") and, for rows that belong to one person, who owns them
(`scope_owner`, e.g. "user"). Views, exports and APIs call `Model.objects.for_user(user, action)`
and nothing else to restrict rows; they never filter by unit by hand.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q

# Which roles grant which action, over the whole subtree of the assigned unit.
ACTION_ROLES = {
    "view": {"admin", "manager", "editor", "viewer"},
    "change": {"admin", "manager", "editor"},
    "reveal": {"admin", "manager", "editor"},
    "manage": {"admin", "manager"},
    "audit": {"admin", "manager"},
    "export": {"admin", "manager", "editor", "viewer"},
}
ACTIONS = frozenset(ACTION_ROLES)


@dataclass
class Scope:
    """A user's role assignments, loaded once per request."""

    superuser: bool = False
    # role -> unit paths where the role is held
    paths: dict[str, list[str]] = field(default_factory=dict)
    # units where the user holds the member role (their own unit)
    member_unit_paths: list[str] = field(default_factory=list)

    def paths_for(self, action: str) -> list[str]:
        if action not in ACTION_ROLES:
            raise ValueError(f"unknown action {action!r}")
        roles = ACTION_ROLES[action]
        found = sorted({p for role, paths in self.paths.items() if role in roles for p in paths})
        # keep only the top of each subtree: a prefix already covers its descendants
        tops: list[str] = []
        for path in found:
            if not tops or not path.startswith(tops[-1]):
                tops.append(path)
        return tops

    def allows(self, action: str, unit_path: str) -> bool:
        if self.superuser:
            return True
        return any(unit_path.startswith(p) for p in self.paths_for(action))

    @property
    def is_empty(self) -> bool:
        return not self.superuser and not self.paths and not self.member_unit_paths


def user_scope(user) -> Scope:
    """The user's scope, cached on the user object (one query per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_chuyende_scope", None)
    if cached is not None:
        return cached
    from chuyende.org.models import RoleAssignment

    scope = Scope(superuser=user.is_superuser)
    for role, path in RoleAssignment.objects.filter(user=user, unit__active=True).values_list(
        "role", "unit__path"
    ):
        if role == "member":
            scope.member_unit_paths.append(path)
        scope.paths.setdefault(role, []).append(path)
    user._chuyende_scope = scope
    return scope


def forget_scope(user) -> None:
    if hasattr(user, "_chuyende_scope"):
        del user._chuyende_scope


def _ancestors(paths, step=4):
    return sorted({p[:i] for p in paths for i in range(step, len(p), step)})


def scope_q(
    user,
    action: str,
    *,
    path_lookup: str,
    owner_lookup: str | None = None,
    member_sees_own_unit: bool = False,
    sees_from_above: bool = False,
) -> Q | None:
    """A Q object restricting rows to the user's scope; None means no restriction (superuser).

    `sees_from_above`: rows of the units above the user's scope are visible too when viewing
    (a plan issued by the province is read by every union below it).
    """
    scope = user_scope(user)
    if scope.superuser:
        return None
    paths = scope.paths_for(action)
    parts = [Q(**{f"{path_lookup}__startswith": p}) for p in paths]
    if action == "view":
        if owner_lookup:
            parts.append(Q(**{owner_lookup: user}))
        if member_sees_own_unit:
            parts.extend(Q(**{path_lookup: p}) for p in scope.member_unit_paths)
        if sees_from_above:
            above = _ancestors([*paths, *scope.member_unit_paths]) + scope.member_unit_paths
            if above:
                parts.append(Q(**{f"{path_lookup}__in": above}))
    if not parts:
        return Q(pk__in=[])
    return reduce(or_, parts)


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        model = self.model
        condition = scope_q(
            user,
            action,
            path_lookup=model.scope_path,
            owner_lookup=getattr(model, "scope_owner", None),
            member_sees_own_unit=getattr(model, "scope_member_sees_own_unit", False),
            sees_from_above=getattr(model, "scope_sees_from_above", False),
        )
        return self if condition is None else self.filter(condition)


def require(user, action: str, unit) -> None:
    """Raise PermissionDenied unless the user may do `action` on `unit` (services call this)."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not user_scope(user).allows(action, unit.path):
        raise PermissionDenied(_("You do not have permission to do this in this unit."))
