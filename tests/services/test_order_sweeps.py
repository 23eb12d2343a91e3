"""Sweeps at once on PostgreSQL never move an order twice nor duplicate a supervisor's task."""

from collections import Counter

import pytest
from viewflow.workflow.models import Task

from casework.audit import audit_verify
from casework.models import AuditEvent, ClockEscalation, Deadline
from casework.sweeps import tick_run
from inspections.models import OrderProcess, RectificationOrder
from tests.casework.test_sweep_concurrency import wait_for_other_sweepers
from tests.inspections.test_rectification_api import Case, D, act, move_to
from tests.threads import run_together

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

OPEN = ("NEW", "ASSIGNED", "STARTED")


def test_four_sweeps_at_once_move_each_late_order_once_and_escalate_each_clock_once():
    # given: six served orders due 9 October; three asked for an extension on
    # 30 September, which the bureau had to answer by 13 October
    late, waiting = [], []
    for i in range(6):
        case = Case()
        order_id = case.issue()
        case.serve(order_id)
        (waiting if i % 2 else late).append((case, order_id))
    move_to(D(2026, 9, 30))
    for case, order_id in waiting:
        response = act(
            case.company, order_id, "request_extension", requested_due_date="2026-10-23", reason="x"
        )
        assert response.status_code == 200, response.content
    first_supervisor = late[0][0].supervisor
    move_to(D(2026, 10, 14))

    # when
    results = run_together(lambda i: tick_run(), n=4)

    # then
    assert all(not isinstance(r, Exception) and r.failed == {} for r in results), results
    wait_for_other_sweepers(RectificationOrder.objects.all())
    wait_for_other_sweepers(Deadline.objects.all())
    moved = Counter(
        AuditEvent.objects.filter(
            action="transition_performed", transition="due_date_pass"
        ).values_list("object_id", flat=True)
    )
    assert moved == Counter({str(order_id): 1 for _case, order_id in late})
    for _case, order_id in late:
        process = OrderProcess.objects.get(order_id=order_id)
        tasks = Task.objects.filter(process=process, status__in=OPEN)
        assert [t.flow_task.name for t in tasks] == ["reinspect"]
    for _case, order_id in waiting:
        assert RectificationOrder.objects.get(pk=order_id).state == "extension_requested"
        clock = Deadline.objects.get(
            kind="extension_answer", subject_id=str(order_id), status="missed"
        )
        missed = ClockEscalation.objects.filter(deadline=clock, level="missed")
        assert missed.count() == 1
        attend = Task.objects.filter(process__in=missed, status__in=OPEN)
        # the district's first supervisor (each case made one)
        assert [(t.flow_task.name, t.owner) for t in attend] == [("attend", first_supervisor)]
    assert audit_verify().ok
