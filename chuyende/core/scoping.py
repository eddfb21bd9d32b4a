"""The one scoping function: which rows a user may see or change.

Every model holding unit-bound data uses `ScopedQuerySet` and declares where its unit path is
(`scope_path`, e.g. "unit__path") and, for rows that belong to one person, who owns them
(`scope_owner`, e.g. "user"). Views, exports and APIs call `Model.objects.for_user(user, action)`
and nothing else to restrict rows; they never filter by unit by hand.

The owner clause ("or the row is the user's own") is left out when it cannot add a row: rows owned
through the user's member record (the member itself, its pledges…) lie in that record's unit, so
when the unit is inside the user's subtrees, or the account has no member record, the subtrees
say everything. The user's scope query reads where the record is. Without the OR, a unit-path
condition stays a plain range the database can start from: with `OR member.user_id = <me>` a
province officer's member search walked the nation's name index instead (national data set:
235 ms for the bare query with the OR, 91 ms without).
"""

import functools
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
    # the unit of the user's own member record (None: the account has no member record)
    own_member_path: str | None = None

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

    def covers_own_member(self, paths) -> bool:
        """Whether rows owned through the user's member record are all in these subtrees
        already: the record lies in one of them, or there is no record."""
        own = self.own_member_path
        return own is None or any(own.startswith(p) for p in paths)

    @property
    def is_empty(self) -> bool:
        return not self.superuser and not self.paths and not self.member_unit_paths


# Marks the row of the scope query that gives the unit of the user's own member record (no role
# is spelled so).
OWN_MEMBER = "=own"


def user_scope(user) -> Scope:
    """The user's scope, cached on the user object (one query per request: the role
    assignments and the unit of the user's own member record)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_chuyende_scope", None)
    if cached is not None:
        return cached
    from django.db.models import CharField, Value

    from chuyende.org.models import Member, RoleAssignment

    scope = Scope(superuser=user.is_superuser)
    roles = (
        RoleAssignment.objects.filter(user=user, unit__active=True)
        .order_by()
        .values_list("role", "unit__path")
    )
    own = (
        Member.objects.filter(user=user)
        .order_by()
        .values_list(Value(OWN_MEMBER, output_field=CharField()), "unit__path")
    )
    for role, path in roles.union(own, all=True):
        if role == OWN_MEMBER:
            scope.own_member_path = path
            continue
        if role == "member":
            scope.member_unit_paths.append(path)
        scope.paths.setdefault(role, []).append(path)
    user._chuyende_scope = scope
    return scope


def tops_within(user, path: str, action: str = "view") -> list[str]:
    """The tops of the disjoint subtrees where `path`'s subtree meets the user's scope for
    `action`: `[path]` when the user holds all of it. The rows of a model scoped by its unit
    path alone (no owner, own unit or units above) that `for_user` shows under `path` are the
    rows of these subtrees, so a summary kept per subtree (a tally) adds up over them."""
    scope = user_scope(user)
    if scope.allows(action, path):
        return [path]
    return [p for p in scope.paths_for(action) if p.startswith(path)]


def member_tops(user, within: str | None = None) -> list[str] | None:
    """The tops of subtrees that hold every row owned through a member record (`Member`,
    `Pledge`…: see `owned_through_member`) that `for_user(user)` shows, within `within`'s
    subtree if given: the subtrees the user views and, outside them, the unit of the user's own
    record. None: no limit (a superuser, nothing given). A superset, for narrowing a query by
    summaries kept per subtree; `for_user` still decides."""
    scope = user_scope(user)
    if scope.superuser:
        return None if within is None else [within]
    tops = scope.paths_for("view")
    if not scope.covers_own_member(tops):
        tops = [*tops, scope.own_member_path]
    if within is None:
        return tops
    if any(within.startswith(top) for top in tops):
        return [within]
    return [top for top in tops if top.startswith(within)]


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
    owned_through_member: bool = False,
) -> Q | None:
    """A Q object restricting rows to the user's scope; None means no restriction (superuser).

    `sees_from_above`: rows of the units above the user's scope are visible too when viewing
    (a plan issued by the province is read by every union below it).
    `owned_through_member`: the rows `owner_lookup` gives are reached through the user's member
    record and lie in its unit (see `owned_through_member`); the owner clause is then left out
    when the subtrees already hold that unit, or the account has no member record.
    """
    scope = user_scope(user)
    if scope.superuser:
        return None
    paths = scope.paths_for(action)
    parts = [Q(**{f"{path_lookup}__startswith": p}) for p in paths]
    if action == "view":
        if owner_lookup and not (owned_through_member and scope.covers_own_member(paths)):
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


@functools.cache
def owned_through_member(model, owner_lookup: str | None, path_lookup: str) -> bool:
    """Whether `owner_lookup` reaches the user through a member record and `path_lookup` is that
    record's unit path: the member itself ("user", "unit__path"), its pledges ("member__user",
    "member__unit__path"), their evaluations. A user's own such rows then all lie in the unit of
    their member record. Not so for rows owned by the account itself (role assignments,
    notifications: "user" on a model that is not the member)."""
    from chuyende.org.models import Member

    if not owner_lookup:
        return False
    head, sep, last = owner_lookup.rpartition("__")
    if last != "user" or path_lookup != f"{head}{sep}unit__path":
        return False
    target = model
    for part in filter(None, head.split("__")):
        target = target._meta.get_field(part).related_model
    return target is Member


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        model = self.model
        owner = getattr(model, "scope_owner", None)
        condition = scope_q(
            user,
            action,
            path_lookup=model.scope_path,
            owner_lookup=owner,
            member_sees_own_unit=getattr(model, "scope_member_sees_own_unit", False),
            sees_from_above=getattr(model, "scope_sees_from_above", False),
            owned_through_member=owned_through_member(model, owner, model.scope_path),
        )
        return self if condition is None else self.filter(condition)


def require(user, action: str, unit) -> None:
    """Raise PermissionDenied unless the user may do `action` on `unit` (services call this)."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not user_scope(user).allows(action, unit.path):
        raise PermissionDenied(_("You do not have permission to do this in this unit."))
