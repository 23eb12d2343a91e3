from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from casework import clock


class Command(BaseCommand):
    help = "Show, set or reset the simulated clock (refused in production)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb")
        sub.add_parser("show", help="print the clock's now")
        setter = sub.add_parser("set", help="set the simulated time")
        setter.add_argument("to", help="ISO date or date and time")
        setter.add_argument(
            "--frozen", action="store_true", help="stop the clock instead of letting it run on"
        )
        sub.add_parser("reset", help="return to real time")

    def handle(self, *args, verb=None, to=None, frozen=False, **options):
        if verb in ("set", "reset") and not settings.CASEWORK_SIMULATED_CLOCK:
            raise CommandError("The clock cannot be set or reset in production.")
        if verb == "set":
            when = parse_datetime(to)
            if when is None and parse_date(to) is not None:
                when = parse_datetime(f"{to}T00:00:00")
            if when is None:
                raise CommandError(f"Not an ISO date or time: {to!r}")
            clock.clock_set(to=when, frozen=frozen)
        elif verb == "reset":
            clock.clock_reset()
        # In the project's time zone: the time an operator just typed, not UTC.
        self.stdout.write(timezone.localtime(clock.now()).isoformat())
