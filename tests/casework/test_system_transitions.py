"""Transitions no person takes go through the one service, as the system, naming the cause."""

import datetime

import pytest
from django.utils import timezone

from casework.actors import SystemActor
from casework.deadlines import deadline_open
from casework.exceptions import Forbidden
from casework.models import AuditEvent, AuditHead, Jurisdiction, PeriodRule
from casework.sweeps import tick_run
from casework.transitions import transition_perform, transitions_available
from tests.factories import make_user
from tests.spine_app.handlers import TICKET_DUE, TICKET_DUE_BROKEN
from tests.spine_app.models import Ticket

D = datetime.date
RULE_CAUSE = SystemActor(cause={"rule": "test"}, rule_versions={"test": "test@2020-01-01"})


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def ticket(db):
    return Ticket.objects.create()


@pytest.fixture
def due_rule(db):
    return PeriodRule.objects.create(
        code=TICKET_DUE,
        effective_from=D(2020, 1, 1),
        length=5,
        unit="working_days",
        legal_basis="test basis",
        confidence="S",
    )


def perform(ticket, name, actor, **data):
    return transition_perform(
        queryset=Ticket.objects.all(), pk=ticket.pk, name=name, actor=actor, data=data
    )


def writes() -> tuple[int, int]:
    return AuditEvent.objects.count(), AuditHead.objects.get(pk=1).seq


def test_a_person_calling_a_system_only_transition_is_refused_and_nothing_is_written(ticket):
    supervisor = make_user(role="supervisor")
    before = writes()

    with pytest.raises(Forbidden):
        perform(ticket, "escalate", supervisor)

    ticket.refresh_from_db()
    assert (ticket.state, ticket.version) == ("open", 0)
    assert writes() == before
    assert [t["name"] for t in transitions_available(instance=ticket, user=supervisor)] == ["close"]


def test_the_system_may_not_take_a_persons_transition(ticket):
    before = writes()

    with pytest.raises(Forbidden):
        perform(ticket, "close", RULE_CAUSE, reason="the system never closes")

    assert writes() == before
    assert [t["name"] for t in transitions_available(instance=ticket, user=RULE_CAUSE)] == [
        "escalate"
    ]


def test_a_system_and_a_human_transition_on_one_object_are_audited_with_their_actor_kind(
    ticket,
):
    supervisor = make_user(role="supervisor", full_name="王主任")

    perform(ticket, "escalate", RULE_CAUSE)
    perform(ticket, "close", supervisor, reason="handled")

    events = AuditEvent.objects.filter(
        object_type="spine_app.ticket", action="transition_performed"
    ).order_by("seq")
    system, human = events
    assert (system.actor_id, system.actor_role, system.transition) == (None, "system", "escalate")
    assert system.payload == {"cause": {"rule": "test"}}
    assert system.rule_versions == {"test": "test@2020-01-01"}
    assert (system.source_state, system.target_state) == ("open", "escalated")
    assert (human.actor_id, human.actor_role, human.transition) == (
        supervisor.pk,
        "supervisor",
        "close",
    )
    assert human.payload == {"reason": "handled"}
    assert "cause" not in human.payload
    ticket.refresh_from_db()
    assert (ticket.state, ticket.version) == ("closed", 2)


def test_a_passing_deadline_escalates_through_the_service_naming_the_deadline(ticket, due_rule):
    # given: a 5-working-day clock on the ticket from Monday 2 March (due 9 March)
    deadline = deadline_open(
        kind=TICKET_DUE,
        subject=ticket,
        jurisdiction=Jurisdiction.objects.get(code="450103"),
        start_event="opened",
        started_at=at(D(2026, 3, 2)),
    )

    # when: the sweep runs on the due day, then after it, then again
    tick_run(now=at(D(2026, 3, 9)))
    ticket.refresh_from_db()
    assert ticket.state == "open"
    tick_run(now=at(D(2026, 3, 10)))
    tick_run(now=at(D(2026, 3, 11)))

    # then: escalated once, by the system, naming the deadline and its rule
    ticket.refresh_from_db()
    assert (ticket.state, ticket.version) == ("escalated", 1)
    (escalated,) = AuditEvent.objects.filter(object_type="spine_app.ticket", transition="escalate")
    assert escalated.actor_role == "system"
    assert escalated.payload["cause"] == {
        "deadline": deadline.pk,
        "kind": TICKET_DUE,
        "due_date": "2026-03-09",
    }
    assert escalated.rule_versions == {TICKET_DUE: f"#{due_rule.pk}"}
    fired = AuditEvent.objects.get(action="deadline_fired", object_id=str(deadline.pk))
    assert fired.seq > escalated.seq  # one transaction: the handler's act, then the firing


def test_a_deadline_handler_that_fails_leaves_neither_the_transition_nor_the_firing(
    ticket, due_rule
):
    due_rule.pk, due_rule.code = None, TICKET_DUE_BROKEN
    due_rule.save()
    deadline = deadline_open(
        kind=TICKET_DUE_BROKEN,
        subject=ticket,
        jurisdiction=Jurisdiction.objects.get(code="450103"),
        start_event="opened",
        started_at=at(D(2026, 3, 2)),
    )
    before = writes()

    # The handler escalates the ticket, then fails.
    tick_run(now=at(D(2026, 3, 10)))

    ticket.refresh_from_db()
    deadline.refresh_from_db()
    assert (ticket.state, ticket.version) == ("open", 0)
    assert (deadline.status, deadline.attempts) == ("open", 1)
    assert deadline.last_error == "RuntimeError: the notice service is down"
    assert writes() == before
