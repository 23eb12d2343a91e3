"""Two sweeps at once on PostgreSQL fire each due deadline and reminder exactly once."""

import datetime
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from casework import clock
from casework.audit import audit_verify
from casework.deadlines import deadline_open
from casework.models import AuditEvent, Deadline, DeadlineReminder
from casework.sweeps import tick_run
from tests.factories import make_enterprise, make_inspection, make_user
from tests.threads import run_together

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def open_many(n: int, kind: str, day: datetime.date) -> list[Deadline]:
    enterprise = make_enterprise()
    officers = [make_user(role="officer") for _ in range(2)]
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    started = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    return [
        deadline_open(
            kind=kind,
            subject=inspection,
            jurisdiction=enterprise.jurisdiction,
            enterprise=enterprise,
            start_event="served",
            started_at=started,
        )
        for _ in range(n)
    ]


def events_per_object(action: str) -> Counter:
    return Counter(AuditEvent.objects.filter(action=action).values_list("object_id", flat=True))


def wait_for_other_sweepers(rows) -> None:
    """Block until no other transaction holds these rows.

    In the services lane Celery beat's own sweep may have locked a row that
    our threads then skipped; counting the audit events before that sweep
    commits would miss its event. A plain FOR UPDATE waits for it.
    """
    with transaction.atomic():
        list(rows.select_for_update())


def test_concurrent_sweeps_fire_each_due_deadline_exactly_once():
    # Frozen first: a beat tick while the rows are made, or while the sweeps
    # run, sweeps as of the same time (the services lane runs beat).
    after_due = timezone.make_aware(datetime.datetime(2026, 3, 20, 8))
    clock.clock_set(to=after_due, frozen=True)
    deadlines = open_many(60, "reinspection", datetime.date(2026, 3, 2))  # due 12 March

    results = run_together(lambda i: tick_run(now=after_due), n=4)

    assert not [r for r in results if isinstance(r, Exception)], results
    # In the services lane Celery beat may sweep at the same moment: the audit
    # trail, not the sweeps' own counts, is what proves "exactly once".
    assert sum(r.done["deadlines"] for r in results) <= len(deadlines)
    wait_for_other_sweepers(Deadline.objects.filter(pk__in=[d.pk for d in deadlines]))
    fired = events_per_object("deadline_fired")
    assert fired == Counter({str(d.pk): 1 for d in deadlines})
    assert not Deadline.objects.filter(status=Deadline.Status.OPEN).exists()
    assert audit_verify().ok


def test_concurrent_sweeps_fire_each_reminder_exactly_once():
    reminder_day = timezone.make_aware(datetime.datetime(2026, 9, 30, 8))
    clock.clock_set(to=reminder_day, frozen=True)  # before the rows: see above
    deadlines = open_many(30, "payment", datetime.date(2026, 9, 19))  # reminders 28 & 30 Sept

    results = run_together(lambda i: tick_run(now=reminder_day), n=4)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.done["deadline_reminders"] for r in results) <= 2 * len(deadlines)
    wait_for_other_sweepers(DeadlineReminder.objects.filter(deadline__in=deadlines))
    reminded = events_per_object("reminder_fired")
    assert reminded == Counter({str(d.pk): 2 for d in deadlines})
    assert audit_verify().ok
