from django.core.management.base import BaseCommand

from chuyende.demo.builder import account_rows, accounts_table


class Command(BaseCommand):
    help = "Print the demo accounts (username, password, role, unit) as the database has them."

    def handle(self, *args, **options):
        self.stdout.write(accounts_table(account_rows()))
