"""chuyende export_report --period 2024S1 [--unit CODE] [--form ID] -o FILE.docx

Writes the same official .docx as the screens: a reporting unit's own report, or the compiled
report of a unit that receives reports (the default: the top of the form's reporting tree)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from chuyende.core.scoping import Scope
from chuyende.org.models import Unit
from chuyende.reports import exports
from chuyende.reports.models import Report, ReportForm, ReportingPeriod


class Command(BaseCommand):
    help = "Export a report or a compiled report as an official .docx."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="Period code, e.g. 2024S1")
        parser.add_argument("--unit", help="Unit code (default: the root of the reporting tree)")
        parser.add_argument("--form", type=int, help="Report form id (needed if several)")
        parser.add_argument("-o", "--output", required=True, help="File to write (.docx)")

    def handle(self, *args, period, unit, form, output, **options):
        period = ReportingPeriod.objects.filter(code=period.upper()).first()
        if period is None:
            raise CommandError("No reporting period with this code.")
        forms = ReportForm.objects.filter(period_kind=period.kind).select_related(
            "plan", "recipient"
        )
        if form is not None:
            forms = forms.filter(pk=form)
        forms = list(forms)
        if not forms:
            raise CommandError("No report form for this period.")
        if len(forms) > 1:
            ids = ", ".join(f"{f.pk} ({f.name})" for f in forms)
            raise CommandError(f"Several report forms for this period; choose --form: {ids}")
        form = forms[0]
        if unit:
            target = Unit.objects.filter(code=unit).first()
            if target is None:
                raise CommandError(f"No unit with code {unit}.")
        else:
            target = form.recipient
        if target.kind == form.reporting_kind:
            report = Report.objects.filter(form=form, period=period, unit=target).first()
            if report is None:
                raise CommandError(f"{target.name} has no report for {period.code}.")
            data = exports.report_docx(report=report)
        else:
            system = get_user_model()(username="export_report", is_superuser=True)
            system._chuyende_scope = Scope(superuser=True)  # the command sees the whole tree
            data = exports.compiled(form=form, period=period, parent=target, user=system)
        Path(output).write_bytes(data)
        self.stdout.write(f"Wrote {output} ({len(data)} bytes): {target.name}, {period.code}.")
