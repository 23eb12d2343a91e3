from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from casework.handlers import handlers_registered
from casework.sweeps import tick_run


class Command(BaseCommand):
    help = (
        "Run one sweep: due Viewflow timers and every registered sweep handler. Prints each "
        "handler with the number of rows it handled, also when zero; -v 2 also lists every "
        "registered deadline kind, reminder kind, transition and event kind."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO time to sweep as of (default: the clock's now)")

    def handle(self, *args, now=None, verbosity=1, **options):
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
        if verbosity >= 2:
            for group, names in handlers_registered().items():
                self.stdout.write(f"registered {group}: {', '.join(names) or '-'}")
        if result.failed:
            raise CommandError(_("%d sweep handler(s) failed.") % len(result.failed))
