"""`parse_plan FILE`: print a plan document (.txt, .docx, .pdf) as the JSON of the plan spec."""

import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from chuyende.plans.parsing import PlanReadError, parse_plan_file


class Command(BaseCommand):
    help = "In kế hoạch (.txt, .docx, .pdf) dưới dạng JSON có cấu trúc."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Đường dẫn tệp kế hoạch (.txt, .docx hoặc .pdf)")

    def handle(self, *args, **options):
        try:
            plan = parse_plan_file(options["file"])
        except PlanReadError as error:
            raise CommandError(str(error)) from error
        output = json.dumps(plan, ensure_ascii=False, indent=2)
        self.stdout.write(unicodedata.normalize("NFC", output))
