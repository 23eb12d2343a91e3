"""The one clock that all domain code reads.

Outside production a simulated time can be set (``manage.py clock set``); it is
stored in the database so that web, worker and scheduler processes agree.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


def now() -> datetime.datetime:
    """Return the current time, simulated when a simulated clock is set."""
    real = timezone.now()
    if not settings.CASEWORK_SIMULATED_CLOCK:
        return real
    from casework.models import SimulatedClock

    clock = SimulatedClock.objects.filter(pk=1).first()
    if clock is None:
        return real
    if clock.frozen:
        return clock.set_to
    return clock.set_to + (real - clock.set_at)


def setting() -> tuple | None:
    """What the simulated clock is set to now (None: real time), to tell when it is set again.

    A sweep reads the time once, when it starts; if someone sets the clock while it
    runs (``manage.py clock set``, a test moving to another day), the sweep's time
    no longer holds and it stops (``casework.sweeps``). Always None in production.
    """
    if not settings.CASEWORK_SIMULATED_CLOCK:
        return None
    from casework.models import SimulatedClock

    return SimulatedClock.objects.filter(pk=1).values_list("set_to", "set_at", "frozen").first()


def today() -> datetime.date:
    """Return the current date in the project's time zone."""
    return timezone.localdate(now())


def clock_set(*, to: datetime.datetime, frozen: bool = False) -> None:
    """Set the simulated clock; it runs on from ``to`` unless ``frozen``."""
    if not settings.CASEWORK_SIMULATED_CLOCK:
        raise ImproperlyConfigured("The clock cannot be set in production.")
    from casework.models import SimulatedClock

    if timezone.is_naive(to):
        to = timezone.make_aware(to)
    SimulatedClock.objects.update_or_create(
        pk=1, defaults={"set_to": to, "set_at": timezone.now(), "frozen": frozen}
    )


def clock_reset() -> None:
    """Return to real time."""
    from casework.models import SimulatedClock

    SimulatedClock.objects.filter(pk=1).delete()
