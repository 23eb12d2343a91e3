"""A sweep stops when the simulated clock is set while it runs: its time no longer holds."""

import datetime

from django.utils import timezone

from casework import clock
from casework.deadlines import _reminder_handlers, reminder_handler
from casework.models import AuditEvent
from casework.sweeps import tick_run
from tests.casework.test_deadlines import D, at, open_clock


def test_setting_the_clock_mid_sweep_stops_it_and_the_next_tick_goes_on(inspection):
    clock.clock_set(to=at(D(2026, 9, 28)), frozen=True)
    for _ in range(3):
        open_clock(inspection, "payment", D(2026, 9, 19))  # a reminder due 28 September
    seen = []

    def remind(deadline, now):
        seen.append(deadline.pk)
        if len(seen) == 1:  # someone sets the clock again while the sweep runs
            clock.clock_set(to=at(D(2026, 9, 28), 11), frozen=True)

    reminder_handler("payment")(remind)
    try:
        first = tick_run()
        assert first.done["deadline_reminders"] == 1
        second = tick_run()
        assert second.done["deadline_reminders"] == 2
    finally:
        _reminder_handlers.pop("payment", None)
    assert len(seen) == 3 == AuditEvent.objects.filter(action="reminder_fired").count()
    assert timezone.localdate(clock.now()) == datetime.date(2026, 9, 28)
