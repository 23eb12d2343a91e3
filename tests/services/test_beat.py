"""Celery beat itself sends the sweep: a due deadline fires with no one asking."""

import datetime
import time

import pytest
from django.utils import timezone

from casework.models import AuditEvent, Deadline
from tests.casework.test_sweep_concurrency import open_many

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 90  # the lane's beat ticks every 5 s; production's every 60 s


def test_beat_fires_a_due_deadline_exactly_once_on_its_own():
    (deadline,) = open_many(1, "reinspection", datetime.date(2026, 3, 2))  # due 12 March
    assert deadline.due_date < timezone.localdate()

    waited = 0.0
    while waited < WAIT_SECONDS:
        deadline.refresh_from_db()
        if deadline.status != Deadline.Status.OPEN:
            break
        time.sleep(0.5)
        waited += 0.5

    assert deadline.status == Deadline.Status.MISSED, f"beat did not sweep in {WAIT_SECONDS} s"
    time.sleep(6)  # one more beat tick must not fire it again
    fired = AuditEvent.objects.filter(action="deadline_fired", object_id=str(deadline.pk))
    assert fired.count() == 1
