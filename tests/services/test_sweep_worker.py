"""Two sweeps sent to the real Celery worker at once fire each deadline exactly once."""

import datetime
from collections import Counter

import pytest
from celery import group

from casework import clock
from casework.models import AuditEvent, Deadline, DeadlineReminder
from casework.tasks import tick
from tests.casework.test_sweep_concurrency import open_many, wait_for_other_sweepers

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_ticks_through_the_worker_fire_each_deadline_and_reminder_once():
    # Frozen and committed first, so every worker process (and beat's ticks, even
    # while the rows are made) sweeps as of 20 March.
    clock.clock_set(to=datetime.datetime(2026, 3, 20, 8, tzinfo=datetime.UTC), frozen=True)
    overdue = open_many(40, "reinspection", datetime.date(2026, 3, 2))  # due 12 March
    reminded = open_many(20, "payment", datetime.date(2026, 3, 9))  # due 24 March

    results = group(tick.s(), tick.s()).apply_async().get(timeout=120)

    assert all(r["failed"] == {} for r in results)
    # A tick of beat's may still hold a row that both of ours skipped.
    wait_for_other_sweepers(Deadline.objects.filter(pk__in=[d.pk for d in overdue + reminded]))
    wait_for_other_sweepers(DeadlineReminder.objects.filter(deadline__in=reminded))
    fired = Counter(
        AuditEvent.objects.filter(action="deadline_fired").values_list("object_id", flat=True)
    )
    assert fired == Counter({str(d.pk): 1 for d in overdue})
    reminders = Counter(
        AuditEvent.objects.filter(action="reminder_fired").values_list("object_id", flat=True)
    )
    # Payment due 24 March: the 3-working-day reminder (19 March) has come, the 1-day one not.
    assert reminders == Counter({str(d.pk): 1 for d in reminded})
    assert Deadline.objects.filter(status=Deadline.Status.OPEN).count() == len(reminded)
