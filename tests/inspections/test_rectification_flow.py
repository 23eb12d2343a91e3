"""The order's flow routes the work: after each step its open tasks are those its state waits on.

Each path goes through the API (and the sweep), as the people involved would;
after each step the test compares the FSM state with the flow's open tasks,
who holds them and each user's ``GET /api/v1/inbox/``.
"""

import datetime

import pytest
from django.test import Client
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS

from casework.models import ClockEscalation
from casework.sweeps import tick_run
from inspections.flows import WAITS_ON
from inspections.models import OrderProcess, RectificationOrder
from penalties.models import PenaltyCase
from tests.factories import client_for, make_enterprise, make_user
from tests.inspections.test_rectification_api import Case, D, act, move_to

OPEN = ("NEW", "ASSIGNED", "STARTED")


@pytest.fixture
def case(db):
    return Case()


def open_tasks(order_id) -> list[Task]:
    process = OrderProcess.objects.get(order_id=order_id)
    return list(Task.objects.filter(process=process, status__in=OPEN))


def assert_in_step(order_id, owner=None) -> Task | None:
    """The order's open task is the one its state waits on, held by ``owner``."""
    state = RectificationOrder.objects.get(pk=order_id).state
    tasks = open_tasks(order_id)
    expected = WAITS_ON[state]
    assert [t.flow_task.name for t in tasks] == ([expected] if expected else []), state
    if expected is None:
        return None
    (task,) = tasks
    assert task.owner == owner
    return task


def inbox(user) -> list[dict]:
    response = client_for(user).get("/api/v1/inbox/")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def steps(user) -> list[tuple[str, str, str]]:
    """The user's tasks on rectification orders (the penalty case has its own)."""
    return [
        (t["step"], t["collection"], t["object_id"])
        for t in inbox(user)
        if t["collection"] == "rectification-orders"
    ]


def test_on_time_report_serve_answer_reinspect_then_the_flow_ends(case):
    order_id = case.issue()
    officer = case.officers[0]
    task = assert_in_step(order_id, owner=officer)
    assert steps(officer) == [("serve", "rectification-orders", str(order_id))]
    assert inbox(officer)[0]["step_label"] == "送达整改指令书"
    assert inbox(officer)[0]["page"] == f"/inspections/orders/{order_id}/"
    assert steps(case.company) == [] and steps(case.supervisor) == []
    # The stage-one penalty case opened with the order: filing it is the supervisor's.
    penalty = PenaltyCase.objects.get(rectification_order_id=order_id)
    assert [(t["step"], t["collection"], t["object_id"]) for t in inbox(case.supervisor)] == [
        ("file", "penalty-cases", str(penalty.pk))
    ]

    # The task's page leads to the order's page, where the service is recorded.
    browser = Client()
    browser.force_login(officer)
    page = browser.get(f"/workflow/flows/rectification/{task.process_id}/serve/{task.pk}/execute/")
    assert (page.status_code, page["Location"]) == (302, f"/inspections/orders/{order_id}/")

    case.serve(order_id)
    assert_in_step(order_id)
    assert steps(officer) == []
    assert steps(case.company) == [("answer", "rectification-orders", str(order_id))]

    move_to(D(2026, 10, 8))
    case.train()
    response = act(case.company, order_id, "report_completion", summary="已培训")
    assert response.status_code == 200, response.content
    assert_in_step(order_id, owner=officer)
    assert steps(officer) == [("reinspect", "rectification-orders", str(order_id))]
    assert steps(case.company) == []

    assert case.reinspect(order_id).status_code == 200
    assert_in_step(order_id)
    assert OrderProcess.objects.get(order_id=order_id).status == PROCESS.DONE
    assert steps(officer) == []


def test_late_extension_granted_then_due_date_passes_then_not_rectified(case):
    order_id = case.issue()
    case.serve(order_id)
    move_to(D(2026, 9, 30))
    act(case.company, order_id, "request_extension", requested_due_date="2026-10-16", reason="x")
    assert_in_step(order_id, owner=case.supervisor)
    assert steps(case.supervisor) == [("decide_extension", "rectification-orders", str(order_id))]

    # An officer may not decide: 403, and the task stays where it was.
    refused = act(case.officers[0], order_id, "decide_extension", granted=True, reason="x")
    assert refused.status_code == 403
    assert_in_step(order_id, owner=case.supervisor)

    response = act(
        case.supervisor,
        order_id,
        "decide_extension",
        granted=True,
        new_due_date="2026-10-16",
        reason="理由成立",
    )
    assert response.status_code == 200, response.content
    assert_in_step(order_id)
    assert steps(case.supervisor) == []

    move_to(D(2026, 10, 17), hour=0)
    tick_run()
    assert RectificationOrder.objects.get(pk=order_id).state == "reinspection_due"
    assert_in_step(order_id, owner=case.officers[0])
    tick_run()  # a second sweep changes nothing
    assert_in_step(order_id, owner=case.officers[0])

    assert case.reinspect(order_id, rectified=False).status_code == 200
    assert_in_step(order_id, owner=case.supervisor)
    assert steps(case.supervisor) == [("escalate", "rectification-orders", str(order_id))]

    # The second-stage case opened with the re-inspection; filing it does the task.
    stage2 = PenaltyCase.objects.get(basis="art97_stage2", rectification_order_id=order_id)
    filed = client_for(case.supervisor).post(
        f"/api/v1/penalty-cases/{stage2.pk}/transitions/file/", {}, format="json"
    )
    assert filed.status_code == 200, filed.content
    assert open_tasks(order_id) == []
    assert OrderProcess.objects.get(order_id=order_id).status == PROCESS.DONE
    assert steps(case.supervisor) == []


def test_extension_refused_then_completion_reported_then_not_rectified(case):
    order_id = case.issue()
    case.serve(order_id)
    move_to(D(2026, 9, 30))
    act(case.company, order_id, "request_extension", requested_due_date="2026-10-23", reason="x")
    assert_in_step(order_id, owner=case.supervisor)
    move_to(D(2026, 10, 9))
    refused = act(case.supervisor, order_id, "decide_extension", granted=False, reason="不成立")
    assert refused.status_code == 200, refused.content
    assert_in_step(order_id)
    assert steps(case.company) == [("answer", "rectification-orders", str(order_id))]

    reported = act(case.company, order_id, "report_completion", summary="已安排培训")
    assert reported.status_code == 200, reported.content
    assert_in_step(order_id, owner=case.officers[0])
    # The worker is still untrained: the officers find the order not rectified.
    assert case.reinspect(order_id, rectified=False).status_code == 200
    assert_in_step(order_id, owner=case.supervisor)
    assert OrderProcess.objects.get(order_id=order_id).status == PROCESS.NEW


def test_withdrawn_cancels_the_process_and_its_task(case):
    order_id = case.issue()
    case.serve(order_id)
    assert act(case.supervisor, order_id, "withdraw", reason="复议撤销").status_code == 200
    assert_in_step(order_id)
    assert OrderProcess.objects.get(order_id=order_id).status == PROCESS.CANCELED
    assert steps(case.company) == []


def test_a_failed_transition_leaves_the_tasks_as_they_were(case):
    order_id = case.issue()
    before = list(Task.objects.values_list("pk", "status"))
    bad = act(case.officers[0], order_id, "serve", method="post", served_on="2026-13-01")
    assert bad.status_code == 400
    assert list(Task.objects.values_list("pk", "status")) == before
    assert_in_step(order_id, owner=case.officers[0])


def test_another_enterprise_and_another_officer_see_nothing_in_their_inbox(case):
    order_id = case.issue()
    case.serve(order_id)
    stranger = make_user(role="enterprise", enterprise=make_enterprise())
    other_officer = make_user(role="officer", jurisdiction="450103")
    assert steps(stranger) == [] and steps(other_officer) == []
    assert client_for(None).get("/api/v1/inbox/").status_code == 401


# -- the bureau's clocks at risk and missed ---------------------------------------------


def escalations(user) -> list[str]:
    return [t["summary"] for t in inbox(user) if t["step"] == "attend"]


def test_the_extension_answer_at_risk_then_missed_puts_one_task_each_before_the_supervisor(case):
    order_id = case.issue()
    case.serve(order_id)
    move_to(D(2026, 9, 30))
    act(case.company, order_id, "request_extension", requested_due_date="2026-10-23", reason="x")
    # Due 13 October (5 working days after National Day): the 9th leaves two working days.
    move_to(D(2026, 10, 9))
    tick_run()
    assert escalations(case.supervisor) == []

    move_to(D(2026, 10, 12))  # one working day left
    tick_run()
    tick_run()
    (at_risk,) = escalations(case.supervisor)
    assert "一个工作日" in at_risk and "南宁示范化工有限公司" in at_risk

    move_to(D(2026, 10, 14))  # the 13th passed without an answer
    tick_run()
    tick_run()
    (missed,) = escalations(case.supervisor)
    assert "已超期" in missed
    levels = ClockEscalation.objects.values_list("level", "status")
    assert sorted(levels) == [("at_risk", PROCESS.DONE), ("missed", PROCESS.NEW)]

    # The answer given, the supervisor's task is done.
    act(case.supervisor, order_id, "decide_extension", granted=False, reason="不属于不可抗力")
    assert escalations(case.supervisor) == []
    assert set(ClockEscalation.objects.values_list("status", flat=True)) == {PROCESS.DONE}


def test_the_enterprise_clock_is_never_escalated(case):
    order_id = case.issue()
    case.serve(order_id)
    move_to(datetime.date(2026, 10, 12))
    tick_run()
    assert ClockEscalation.objects.count() == 0
