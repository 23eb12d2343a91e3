"""Seed the demo: a city, two counties, staff of every role, enterprises, registers, inspections.

Idempotent: running it again changes nothing. Refused in production. The
accounts and their password are listed in the README. Each app contributes its
part through ``<app>/demo.py`` (see ``casework.demo``).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casework.demo import DEMO_PASSWORD, demo_builders


class Command(BaseCommand):
    help = "Seed demo data (idempotent; refused in production)."

    def handle(self, *args, **options):
        if settings.CASEWORK_PRODUCTION:
            raise CommandError("seed_demo is refused in production (DJANGO_DEBUG=false).")
        with transaction.atomic():
            created = sum(build() for _label, build in demo_builders())
        self.stdout.write(f"seed_demo: {created} object(s) created; password {DEMO_PASSWORD}")
