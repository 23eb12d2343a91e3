"""The penalty case's legal clocks, through the legal clock (``casework.deadlines``).

- ``decision`` (the bureau's): 90 days from filing (Administrative Penalty Law
  art. 60), met by the decision; at risk and missed it escalates like every
  agency clock.
- ``statement_window`` (the party's): 3 working days from the service of the
  notice; ``hearing_request_window`` (the party's, when the penalty gives a right
  to a hearing): 5 working days. Each is met when the party acts (a statement, a
  request, a written waiver); when the last one passes without a word the system
  moves the case on (``windows_elapse``).
- ``payment`` (the party's): 15 calendar days from the service of the decision.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from casework import clock
from casework.deadlines import (
    deadline_actor,
    deadline_close,
    deadline_handler,
    deadline_open,
    deadlines_for,
)
from casework.models import Deadline
from casework.transitions import transition_perform
from penalties.models import PenaltyCase

DECISION = "decision"
STATEMENT = "statement_window"
HEARING = "hearing_request_window"
PAYMENT = "payment"
PARTY_WINDOWS = (STATEMENT, HEARING)


def _started_at(day: datetime.date) -> datetime.datetime:
    now = clock.now()
    if day == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _open(case: PenaltyCase, kind: str, *, start_event: str, on: datetime.date, actor, party=""):
    return deadline_open(
        kind=kind,
        subject=case,
        jurisdiction=case.enterprise.jurisdiction,
        start_event=start_event,
        started_at=_started_at(on),
        enterprise=case.enterprise,
        party=party,
        actor=actor,
    )


def open_windows(case: PenaltyCase) -> list[Deadline]:
    return list(
        deadlines_for(subject=case, status=Deadline.Status.OPEN).filter(kind__in=PARTY_WINDOWS)
    )


def _close(case: PenaltyCase, kinds, *, status: str, actor, reason: str) -> None:
    for deadline in deadlines_for(subject=case, status=Deadline.Status.OPEN).filter(kind__in=kinds):
        deadline_close(deadline=deadline, status=status, actor=actor, reason=reason)


def case_filed(case: PenaltyCase, *, actor) -> None:
    _open(case, DECISION, start_event="filed", on=clock.today(), actor=actor)


def notice_served(case: PenaltyCase, *, actor) -> None:
    _open(
        case, STATEMENT, start_event="served", on=case.notified_on, actor=actor, party="enterprise"
    )
    if case.hearing_eligible:
        _open(
            case,
            HEARING,
            start_event="served",
            on=case.notified_on,
            actor=actor,
            party="enterprise",
        )


def party_acted(case: PenaltyCase, *, actor, reason: str) -> None:
    _close(case, PARTY_WINDOWS, status=Deadline.Status.MET, actor=actor, reason=reason)


def decided(case: PenaltyCase, *, actor, reason: str) -> None:
    _close(case, (DECISION,), status=Deadline.Status.MET, actor=actor, reason=reason)


def decision_served(case: PenaltyCase, *, actor) -> None:
    _open(
        case,
        PAYMENT,
        start_event="served",
        on=case.decision_served_on,
        actor=actor,
        party="enterprise",
    )


def case_ended(case: PenaltyCase, *, actor, reason: str) -> None:
    _close(
        case,
        (DECISION, STATEMENT, HEARING),
        status=Deadline.Status.CANCELLED,
        actor=actor,
        reason=reason,
    )


def _window_passed(deadline: Deadline, now: datetime.datetime) -> None:
    """A party's period passed: when none is left open, the case moves on to the decision."""
    if deadline.subject_type != PenaltyCase._meta.label_lower:
        return
    with transaction.atomic():
        case = PenaltyCase.objects.filter(
            pk=deadline.subject_id, state=PenaltyCase.State.NOTIFIED
        ).first()
        if case is None:
            return
        others = [d for d in open_windows(case) if d.pk != deadline.pk]
        if others:
            return
        transition_perform(
            queryset=PenaltyCase.objects.all(),
            pk=case.pk,
            name="windows_elapse",
            actor=deadline_actor(deadline),
            data={},
        )


deadline_handler(STATEMENT)(_window_passed)
deadline_handler(HEARING)(_window_passed)
