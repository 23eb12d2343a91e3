"""Deadline rows: rule versions, computation, ledger, recomputation and the sweep."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from casework.audit import audit_verify
from casework.calendar_files import CalendarRow
from casework.deadlines import (
    _fire_handlers,
    _reminder_handlers,
    calendar_load,
    deadline_close,
    deadline_extend,
    deadline_handler,
    deadline_open,
    deadline_resume,
    deadline_suspend,
    reminder_handler,
)
from casework.exceptions import Conflict, Invalid
from casework.models import AuditEvent, Deadline, DeadlineEntry, Jurisdiction, PeriodRule
from casework.sweeps import tick_run

D = datetime.date


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def open_clock(inspection, kind, day, **extra):
    return deadline_open(
        kind=kind,
        subject=inspection,
        jurisdiction=inspection.enterprise.jurisdiction,
        enterprise=inspection.enterprise,
        start_event="served",
        started_at=at(day),
        **extra,
    )


def fired(deadline) -> int:
    return AuditEvent.objects.filter(
        action="deadline_fired", object_type="casework.deadline", object_id=str(deadline.pk)
    ).count()


def test_the_rule_version_is_chosen_by_the_date_of_the_procedural_act(inspection):
    before = open_clock(inspection, "statement_window", D(2026, 1, 20))
    after = open_clock(inspection, "statement_window", D(2026, 2, 2))

    assert before.rule.effective_from == D(2021, 7, 15)
    assert after.rule.effective_from == D(2026, 2, 1)
    event = AuditEvent.objects.get(action="deadline_opened", object_id=str(after.pk))
    assert event.rule_versions["statement_window"].startswith("statement_window@2026-02-01")


def test_a_local_rule_version_applies_in_its_jurisdiction_only(inspection, enterprise):
    PeriodRule.objects.create(
        code="statement_window",
        jurisdiction_id="450103",
        effective_from=D(2026, 6, 1),
        length=5,
        unit="working_days",
        party_facing=True,
        legal_basis="local rule",
        confidence="S",
    )
    local = open_clock(inspection, "statement_window", D(2026, 6, 8))
    national = deadline_open(
        kind="statement_window",
        subject=inspection,
        jurisdiction=Jurisdiction.objects.get(code="450123"),
        start_event="served",
        started_at=at(D(2026, 6, 8)),
    )

    assert (local.length, local.due_date) == (5, D(2026, 6, 15))
    assert (national.length, national.due_date) == (3, D(2026, 6, 11))


def test_an_unknown_kind_is_refused_naming_the_field(inspection):
    with pytest.raises(Invalid) as error:
        open_clock(inspection, "no_such_period", D(2026, 3, 2))
    assert "kind" in error.value.errors
    assert not Deadline.objects.exists()


def test_payment_due_moves_past_national_day_and_reminders_count_working_days(inspection):
    deadline = open_clock(inspection, "payment", D(2026, 9, 19))

    assert deadline.due_date == D(2026, 10, 8)  # 4 Oct is in the National Day break
    assert not deadline.provisional
    assert "顺延" in deadline.explanation_zh
    reminders = dict(deadline.reminders.values_list("offset", "remind_on"))
    assert reminders == {3: D(2026, 9, 28), 1: D(2026, 9, 30)}


def test_the_sweep_fires_a_deadline_once_the_whole_due_day_has_passed(inspection):
    deadline = open_clock(inspection, "reinspection", D(2026, 3, 2))  # due Thu 12 March

    assert tick_run(now=at(D(2026, 3, 12), 23)).done["deadlines"] == 0
    assert tick_run(now=at(D(2026, 3, 13), 0)).done["deadlines"] == 1
    assert tick_run(now=at(D(2026, 3, 14))).done["deadlines"] == 0

    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.MISSED
    assert fired(deadline) == 1
    assert audit_verify().ok


def test_each_reminder_fires_once_and_a_met_deadline_never_fires(inspection):
    deadline = open_clock(inspection, "payment", D(2026, 9, 19))

    assert tick_run(now=at(D(2026, 9, 28))).done["deadline_reminders"] == 1
    assert tick_run(now=at(D(2026, 9, 29))).done["deadline_reminders"] == 0
    deadline_close(deadline=deadline, status=Deadline.Status.MET)
    result = tick_run(now=at(D(2026, 10, 20)))

    assert result.done == {**result.done, "deadlines": 0, "deadline_reminders": 0}
    assert AuditEvent.objects.filter(action="reminder_fired").count() == 1
    assert fired(deadline) == 0


def test_a_registered_reminder_handler_runs_once_per_reminder(inspection):
    deadline = open_clock(inspection, "payment", D(2026, 9, 19))  # reminders 28 and 30 Sept
    seen = []
    reminder_handler("payment")(lambda deadline, now: seen.append((deadline.pk, now.date())))
    try:
        tick_run(now=at(D(2026, 9, 28)))
        tick_run(now=at(D(2026, 9, 28), 15))
        tick_run(now=at(D(2026, 9, 30)))
    finally:
        _reminder_handlers.pop("payment", None)

    assert seen == [(deadline.pk, D(2026, 9, 28)), (deadline.pk, D(2026, 9, 30))]


@pytest.fixture
def flaky_kind(db):
    PeriodRule.objects.create(
        code="test_flaky",
        effective_from=D(2020, 1, 1),
        length=1,
        unit="calendar_days",
        legal_basis="test",
        confidence="S",
    )
    calls = []

    @deadline_handler("test_flaky")
    def failing(deadline, now):
        calls.append(deadline.pk)
        raise RuntimeError("the notice service is down")

    yield calls
    _fire_handlers.pop("test_flaky", None)


def test_a_failing_handler_is_recorded_retried_and_blocks_no_other_deadline(inspection, flaky_kind):
    flaky = open_clock(inspection, "test_flaky", D(2026, 3, 2))
    other = open_clock(inspection, "reinspection", D(2026, 3, 2))
    later = at(D(2026, 4, 1))

    first = tick_run(now=later)

    flaky.refresh_from_db()
    other.refresh_from_db()
    assert first.done["deadlines"] == 1
    assert other.status == Deadline.Status.MISSED
    assert flaky.status == Deadline.Status.OPEN
    assert (flaky.attempts, flaky.last_error) == (1, "RuntimeError: the notice service is down")
    assert fired(flaky) == 0

    _fire_handlers["test_flaky"] = lambda deadline, now: None  # the service is back
    assert tick_run(now=later).done["deadlines"] == 1
    flaky.refresh_from_db()
    assert flaky.status == Deadline.Status.MISSED
    assert fired(flaky) == 1


def test_an_extension_moves_the_due_date_later_only_and_is_in_the_ledger(inspection, supervisor):
    deadline = open_clock(inspection, "reinspection", D(2026, 3, 2))

    with pytest.raises(Invalid) as error:
        deadline_extend(
            deadline=deadline, new_due_date=D(2026, 3, 10), reason="x", actor=supervisor
        )
    assert "new_due_date" in error.value.errors

    extended = deadline_extend(
        deadline=deadline, new_due_date=D(2026, 3, 20), reason="force majeure", actor=supervisor
    )
    assert extended.due_date == D(2026, 3, 20)
    entry = extended.ledger.get()
    assert (entry.kind, entry.due_before, entry.due_after) == (
        "extension",
        D(2026, 3, 12),
        D(2026, 3, 20),
    )
    assert AuditEvent.objects.filter(action="deadline_extended").count() == 1


def test_a_suspended_clock_does_not_fire_and_resuming_restores_what_was_left(
    inspection, supervisor
):
    deadline = open_clock(inspection, "statement_window", D(2026, 3, 2))  # due Thu 5 March
    assert deadline.due_date == D(2026, 3, 5)

    deadline_suspend(deadline=deadline, on=D(2026, 3, 4), reason="appeal", actor=supervisor)
    assert tick_run(now=at(D(2026, 3, 9))).done["deadlines"] == 0
    resumed = deadline_resume(
        deadline=deadline, on=D(2026, 3, 10), reason="appeal decided", actor=supervisor
    )

    # 4 and 5 March were left (2 working days); they run again after Tue 10 March.
    assert resumed.due_date == D(2026, 3, 12)
    assert list(resumed.ledger.values_list("kind", flat=True)) == ["suspension", "resumption"]
    with pytest.raises(Conflict):
        deadline_resume(deadline=resumed, on=D(2026, 3, 11), reason="again", actor=supervisor)


CALENDAR_2027 = [
    CalendarRow(D(2027, 1, 1), "holiday", "New Year's Day", "2027 schedule"),
    CalendarRow(D(2027, 1, 2), "holiday", "New Year's Day", "2027 schedule"),
    CalendarRow(D(2027, 1, 3), "holiday", "New Year's Day", "2027 schedule"),
    # A make-up Saturday: official data makes some periods end one day sooner.
    CalendarRow(D(2027, 1, 9), "workday", "make-up", "2027 schedule"),
]


def test_official_data_recomputes_provisional_deadlines_without_shortening_a_party(
    inspection,
):
    agency = open_clock(inspection, "service", D(2027, 1, 5))
    party = open_clock(inspection, "hearing_request_window", D(2027, 1, 5))
    printed = open_clock(inspection, "service", D(2027, 1, 5))
    Deadline.objects.filter(pk=printed.pk).update(printed_due_date=printed.due_date)
    assert (agency.due_date, party.due_date) == (D(2027, 1, 14), D(2027, 1, 12))
    assert agency.provisional and party.provisional

    loaded = calendar_load(rows=CALENDAR_2027)

    for deadline in (agency, party, printed):
        deadline.refresh_from_db()
        assert not deadline.provisional
    assert agency.due_date == D(2027, 1, 13)  # agency-side: recomputed, even sooner
    assert party.due_date == D(2027, 1, 12)  # a party's window is never shortened
    assert printed.due_date == D(2027, 1, 14)  # a printed date never changes
    assert [(e.deadline_id, e.due_before, e.due_after) for e in loaded.changed] == [
        (agency.pk, D(2027, 1, 14), D(2027, 1, 13))
    ]
    assert DeadlineEntry.objects.filter(kind="recomputation").count() == 1
    assert AuditEvent.objects.filter(action="deadline_recomputed").count() == 3


def test_load_calendar_command_refuses_a_bad_file_naming_line_and_column(tmp_path, db):
    bad = tmp_path / "2027.csv"
    bad.write_text("date,kind,name,source\n2027-02-30,holiday,x,y\n2027-01-09,rest,x,y\n")

    with pytest.raises(Exception) as error:
        call_command("load_calendar", str(bad))

    assert "line 2, date" in str(error.value)
    assert "line 3, kind" in str(error.value)


def test_load_calendar_command_makes_a_year_official(tmp_path, inspection, capsys):
    deadline = open_clock(inspection, "service", D(2027, 1, 5))
    good = tmp_path / "2027.json"
    good.write_text(
        '{"source": "国务院办公厅关于2027年部分节假日安排的通知", "days": ['
        '{"date": "2027-01-01", "kind": "holiday", "name": "元旦"},'
        '{"date": "2027-01-09", "kind": "workday", "name": "调休"}]}',
        encoding="utf-8",
    )

    call_command("load_calendar", str(good))

    deadline.refresh_from_db()
    assert not deadline.provisional
    assert "1 deadline(s) moved" in capsys.readouterr().out
