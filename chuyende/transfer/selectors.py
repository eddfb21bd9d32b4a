"""Reads for the import and export screens, in a fixed number of queries."""

from django.db.models import Q

from chuyende.core.scoping import user_scope
from chuyende.org import selectors as org_selectors
from chuyende.org.models import Member, Unit

from .forms import UPPER_KINDS
from .models import ExportJob, ImportJob, MappingPreset


def import_targets(*, user, action="change"):
    """Units a user may import into: the top of their scope and the levels above grassroots."""
    roots = [u.pk for u in org_selectors.scope_roots(user=user)]
    scope = user_scope(user)
    units = Unit.objects.for_user(user, action).filter(active=True)
    if not scope.superuser:
        units = units.filter(Q(kind__in=UPPER_KINDS) | Q(pk__in=roots))
    else:
        units = units.filter(kind__in=UPPER_KINDS)
    return units.order_by("path")


def presets(*, user):
    return MappingPreset.objects.for_user(user).select_related("unit").order_by("kind", "name")


def recent_imports(*, user, limit=50):
    return list(ImportJob.objects.for_user(user).select_related("unit", "created_by")[:limit])


def own_exports(*, user, limit=20):
    return list(
        ExportJob.objects.for_user(user, "export")
        .filter(created_by=user)
        .select_related("unit")[:limit]
    )


MISSING_SHOWN = 100


def missing_units(*, job, user, limit=MISSING_SHOWN):
    """The first units a unit import found missing from its sheet, as the user may see them
    (one query)."""
    ids = list(job.missing[:limit])
    if not ids:
        return []
    return list(
        Unit.objects.for_user(user)
        .filter(pk__in=ids)
        .only("id", "code", "name", "path", "depth", "kind")
        .order_by("path")
    )


def missing_members(*, job, user, limit=MISSING_SHOWN):
    """The first members a member import found missing from its sheet, as the user may see
    them (one query)."""
    ids = list(job.missing[:limit])
    if not ids:
        return []
    return list(
        Member.objects.for_user(user)
        .filter(pk__in=ids)
        .select_related("unit")
        .only("id", "full_name", "card_number", "status", "unit__code", "unit__name")
        .order_by("unit__code", "sort_key", "id")
    )
