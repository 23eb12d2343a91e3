from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from casework.sweeps import tick_run


class Command(BaseCommand):
    help = "Run one sweep: due Viewflow timers and every registered sweep handler."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO time to sweep as of (default: the clock's now)")

    def handle(self, *args, now=None, **options):
        when = None
        if now:
            when = parse_datetime(now)
            if when is None:
                raise CommandError(_("--now must be an ISO date and time, not %r.") % now)
        result = tick_run(now=when)
        for name, count in result.done.items():
            self.stdout.write(f"{name}: {count}")
        for name, error in result.failed.items():
            self.stderr.write(f"{name}: FAILED {error}")
        if result.failed:
            raise CommandError(_("%d sweep handler(s) failed.") % len(result.failed))
