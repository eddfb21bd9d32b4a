"""Materials figures for the reports (see chuyende.reports.registry): one grouped query each."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from chuyende.org.indicators import grouped, instants
from chuyende.reports.registry import indicator

from .models import MaterialDownload


@indicator(
    "materials.downloads",
    _("Study material downloads"),
    unit_of_measure=_("downloads"),
    position=50,
)
def downloads(*, root_path, width, start, end, plan):
    """Downloads by the units of the subtree in the period; with a plan, of its materials."""
    first, after = instants(start, end)
    rows = MaterialDownload.objects.filter(
        unit__path__startswith=root_path, at__gte=first, at__lt=after
    )
    if plan is not None:
        rows = rows.filter(material__plan=plan)
    return grouped(rows, width=width, value=Count("id"))
