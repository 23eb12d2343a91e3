"""A deadline or reminder whose handler keeps failing: recorded, retried, then left to an admin."""

import datetime

import pytest

from casework.audit import audit_record
from casework.deadlines import (
    _fire_handlers,
    _reminder_handlers,
    deadline_handler,
    reminder_handler,
)
from casework.models import AuditEvent, Deadline, DeadlineReminder, PeriodRule
from casework.sweeps import tick_run
from tests.casework.test_deadlines import at, open_clock
from tests.factories import client_for, make_user

D = datetime.date
LATER = at(D(2026, 4, 1))


@pytest.fixture
def broken(db, settings):
    """A deadline kind and a reminder kind whose handlers fail; two attempts allowed."""
    settings.CASEWORK_SWEEP_MAX_ATTEMPTS = 2
    PeriodRule.objects.create(
        code="test_broken",
        effective_from=D(2020, 1, 1),
        length=10,
        unit="calendar_days",
        reminder_offsets=[1],
        legal_basis="test",
        confidence="S",
    )
    calls = []

    def fail(deadline, now):
        calls.append(deadline.pk)
        # Something the handler wrote before failing must not survive it.
        audit_record(action="test", object_type="tests.half_done", object_id=str(deadline.pk))
        raise RuntimeError("the notice service is down")

    deadline_handler("test_broken")(fail)
    reminder_handler("test_broken")(fail)
    yield calls
    _fire_handlers.pop("test_broken", None)
    _reminder_handlers.pop("test_broken", None)


def test_a_deadline_failing_every_attempt_is_marked_failing_and_no_longer_tried(inspection, broken):
    deadline = open_clock(inspection, "test_broken", D(2026, 3, 2))  # due 12 March

    first = tick_run(now=LATER)
    deadline.refresh_from_db()
    assert (deadline.status, deadline.attempts) == (Deadline.Status.OPEN, 1)
    assert deadline.last_error == "RuntimeError: the notice service is down"
    assert first.done["deadlines"] == 0 and first.failed == {}

    tick_run(now=LATER)
    deadline.refresh_from_db()
    assert (deadline.status, deadline.attempts) == (Deadline.Status.FAILING, 2)
    gave_up = AuditEvent.objects.get(action="deadline_failing", object_id=str(deadline.pk))
    assert gave_up.actor_role == "system"
    assert gave_up.payload["cause"]["deadline"] == deadline.pk
    assert gave_up.target_state == "failing"

    tick_run(now=LATER)  # no third attempt
    assert broken.count(deadline.pk) == 3  # two for the deadline, one for its reminder
    assert not AuditEvent.objects.filter(object_type="tests.half_done").exists()
    assert not AuditEvent.objects.filter(action="deadline_fired").exists()


def test_a_failing_reminder_is_counted_then_given_up_and_shown_as_failing(
    inspection, broken, settings
):
    deadline = open_clock(inspection, "test_broken", D(2026, 3, 2))  # reminder on 11 March
    reminder_day = at(D(2026, 3, 11))

    tick_run(now=reminder_day)
    tick_run(now=reminder_day)
    tick_run(now=reminder_day)

    reminder = DeadlineReminder.objects.get(deadline=deadline)
    assert (reminder.attempts, reminder.failing, reminder.fired_at) == (2, True, None)
    assert reminder.last_error == "RuntimeError: the notice service is down"
    assert broken == [deadline.pk, deadline.pk]
    assert AuditEvent.objects.filter(action="reminder_failing").count() == 1
    assert list(Deadline.objects.failing()) == [deadline]


def test_failing_deadlines_are_listed_by_the_api_and_handed_back_by_the_admin(
    inspection, broken, officers, client
):
    failing = open_clock(inspection, "test_broken", D(2026, 3, 2))
    healthy = open_clock(inspection, "reinspection", D(2026, 3, 30))  # due 9 April
    tick_run(now=LATER)
    tick_run(now=LATER)

    listed = client_for(officers[0]).get("/api/v1/deadlines/", {"status": "failing"}).json()
    assert [row["id"] for row in listed["results"]] == [failing.pk]
    assert listed["results"][0]["failing"] is True
    default = client_for(officers[0]).get("/api/v1/deadlines/").json()
    assert [row["id"] for row in default["results"]] == [healthy.pk]

    admin = make_user(role="admin", jurisdiction=None)
    client.force_login(admin)
    page = client.get("/admin/casework/deadline/", {"failing": "yes"}).content.decode()
    assert f"/admin/casework/deadline/{failing.pk}/change/" in page
    assert f"/admin/casework/deadline/{healthy.pk}/change/" not in page

    _fire_handlers["test_broken"] = lambda deadline, now: None  # the service is back
    _reminder_handlers["test_broken"] = lambda deadline, now: None
    response = client.post(
        "/admin/casework/deadline/",
        {"action": "retry", "_selected_action": [failing.pk, healthy.pk]},
    )
    assert response.status_code == 302
    failing.refresh_from_db()
    assert (failing.status, failing.attempts) == (Deadline.Status.OPEN, 0)
    retried = AuditEvent.objects.get(action="deadline_retried")
    assert (retried.actor_id, retried.source_state, retried.target_state) == (
        admin.pk,
        "failing",
        "open",
    )

    tick_run(now=LATER)
    failing.refresh_from_db()
    assert failing.status == Deadline.Status.MISSED


def test_a_closed_deadline_cancels_a_pending_reminder_when_its_day_comes(inspection):
    deadline = open_clock(inspection, "reinspection", D(2026, 3, 2))  # reminders 9 and 11 March
    Deadline.objects.filter(pk=deadline.pk).update(status=Deadline.Status.MISSED)

    assert tick_run(now=at(D(2026, 3, 11))).done["deadline_reminders"] == 2

    assert not AuditEvent.objects.filter(action="reminder_fired").exists()
    assert DeadlineReminder.objects.filter(deadline=deadline, cancelled=True).count() == 2
