"""Deadlines whose due date an officer fixed, and reading what is due for a subject."""

import datetime

import pytest

from casework.deadlines import (
    calendar_load,
    deadline_close,
    deadline_open,
    deadlines_for,
    period_compute,
)
from casework.exceptions import Invalid
from casework.models import AuditEvent, Deadline
from tests.casework.test_deadlines import at, open_clock
from tests.factories import make_inspection

D = datetime.date


def test_a_due_date_fixed_within_the_longest_period_is_kept_and_explained(inspection):
    # given: served on Monday 2 March 2026; the longest rectification period is 60 working days
    longest = period_compute(
        jurisdiction=inspection.enterprise.jurisdiction,
        start=D(2026, 3, 2),
        length=60,
        unit="working_days",
    ).due

    # when
    deadline = open_clock(inspection, "rectification", D(2026, 3, 2), due_date=D(2026, 3, 20))

    # then
    assert (deadline.due_date, deadline.due_fixed, deadline.provisional) == (
        D(2026, 3, 20),
        True,
        False,
    )
    assert "2026-03-20" in deadline.explanation_zh
    assert longest.isoformat() in deadline.explanation_zh
    assert "fixed by the officer" in deadline.explanation_en
    event = AuditEvent.objects.get(action="deadline_opened", object_id=str(deadline.pk))
    assert event.payload["due_date"] == "2026-03-20"
    assert event.rule_versions["rectification"].startswith("rectification@2015-05-01")


def test_the_last_day_of_the_longest_period_is_accepted_and_the_next_is_refused(inspection):
    longest = period_compute(
        jurisdiction=inspection.enterprise.jurisdiction,
        start=D(2026, 3, 2),
        length=60,
        unit="working_days",
    ).due
    before = AuditEvent.objects.count()

    with pytest.raises(Invalid) as refused:
        open_clock(
            inspection,
            "rectification",
            D(2026, 3, 2),
            due_date=longest + datetime.timedelta(days=1),
        )

    assert list(refused.value.errors) == ["due_date"]
    assert longest.isoformat() in refused.value.errors["due_date"][0]
    assert AuditEvent.objects.count() == before
    assert not Deadline.objects.exists()
    assert open_clock(inspection, "rectification", D(2026, 3, 2), due_date=longest).due_fixed


def test_a_fixed_due_date_on_or_before_the_start_is_refused(inspection):
    for day in (D(2026, 3, 2), D(2026, 2, 27)):
        with pytest.raises(Invalid) as refused:
            open_clock(inspection, "rectification", D(2026, 3, 2), due_date=day)
        assert "due_date" in refused.value.errors
    assert not Deadline.objects.exists()


def test_a_fixed_due_date_is_not_moved_when_official_calendar_data_arrives(inspection):
    # given: an order served in 2027, a year without official data yet
    fixed = open_clock(inspection, "rectification", D(2027, 1, 4), due_date=D(2027, 2, 10))
    computed = open_clock(inspection, "reinspection", D(2027, 1, 4))
    assert computed.provisional

    # when: the official 2027 schedule is loaded (Spring Festival around 6–14 February)
    calendar_load(rows=_spring_festival_2027())

    # then: the officer's date stands; the computed clock was recomputed
    fixed.refresh_from_db()
    computed.refresh_from_db()
    assert fixed.due_date == D(2027, 2, 10)
    assert not computed.provisional
    recomputed = AuditEvent.objects.filter(action="deadline_recomputed")
    assert set(recomputed.values_list("object_id", flat=True)) == {str(computed.pk)}


def _spring_festival_2027():
    from casework.calendar_files import CalendarRow

    source = "test schedule 2027"
    holidays = [D(2027, 2, d) for d in range(6, 15)]
    return [CalendarRow(day, "holiday", "春节", source) for day in holidays]


def test_deadlines_for_reads_the_clocks_of_one_subject_only(inspection, enterprise, officers):
    other = make_inspection(enterprise=enterprise, officers=officers)
    mine = open_clock(inspection, "reinspection", D(2026, 3, 2))
    met = open_clock(inspection, "service", D(2026, 3, 2))
    open_clock(other, "reinspection", D(2026, 3, 2))
    deadline_close(deadline=met, status=Deadline.Status.MET)

    assert list(deadlines_for(subject=inspection)) == [met, mine]  # soonest due first
    assert list(deadlines_for(subject=inspection, status=Deadline.Status.OPEN)) == [mine]


def test_a_fixed_deadline_takes_the_start_day_from_the_event_time(inspection):
    deadline = deadline_open(
        kind="rectification",
        subject=inspection,
        jurisdiction=inspection.enterprise.jurisdiction,
        start_event="served",
        started_at=at(D(2026, 3, 2), 23),
        due_date=D(2026, 3, 3),
    )
    assert (deadline.start_date, deadline.due_date) == (D(2026, 3, 2), D(2026, 3, 3))
