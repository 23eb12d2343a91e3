"""Who acts next on a rectification order: the order's Viewflow flow.

The order's legal state is its FSM field (``RectificationOrder.state``); this
flow only routes the work — the officer serves, the enterprise answers (a
``Handle`` the portal or the API feeds, or the due date passing), the
supervisor decides an extension, the officers re-inspect, and a supervisor
files the second-stage penalty case when the order was not rectified (the
penalties app opens the case; its filing completes the task,
``stage_two_filed``).

``order_follow`` observes every transition of an order, inside its transaction:
it starts the flow with the order and completes the task the transition
answers, whoever acted first and wherever (API, staff page, portal, sweep). A
task's page leads to the order's page, where the same services run. So the
open task always matches the state (``WAITS_ON``); a failed transition writes
neither.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from casework.flows import (
    CaseworkFlow,
    escalations_settle,
    next_step,
    process_cancel,
    staff_task,
    supervisors_for,
    task_complete,
    tasks_open,
)
from inspections.models import OrderProcess, RectificationOrder
from inspections.orders import EXTENSION_ANSWER, REINSPECTION

State = RectificationOrder.State

# The task each transition answers.
ANSWERS = {
    "serve": "serve",
    "request_extension": "answer",
    "report_completion": "answer",
    "due_date_pass": "answer",
    "decide_extension": "decide_extension",
    "record_reinspection": "reinspect",
}

# The open task each state waits on (None: the flow has ended).
WAITS_ON = {
    State.ISSUED: "serve",
    State.IN_RECTIFICATION: "answer",
    State.EXTENSION_REQUESTED: "decide_extension",
    State.COMPLETION_REPORTED: "reinspect",
    State.REINSPECTION_DUE: "reinspect",
    State.VERIFIED: None,
    State.NOT_RECTIFIED: "escalate",  # until the second-stage case is filed
    State.CLOSED: None,
    State.WITHDRAWN: None,
}


def _state(activation) -> str:
    return RectificationOrder.objects.values_list("state", flat=True).get(
        pk=activation.process.order_id
    )


class RectificationFlow(CaseworkFlow):
    process_class = OrderProcess
    process_title = _("Rectification order")
    process_description = _("From the order's service to its re-inspection.")
    process_summary_template = "{{ process.summary }}"

    start = flow.StartHandle(this.started).Next(this.serve)
    serve = staff_task(
        _("Serve the order"),
        _("Serve the order on the enterprise and record how it was served."),
        this.officer,
        this.answer,
    )
    answer = (
        flow.Handle(this.answered)
        .Annotation(
            title=_("The enterprise's answer or the due date"),
            description=_("The enterprise reports completion or asks for more time."),
        )
        .Next(this.after_answer)
    )
    after_answer = (
        flow.Switch().Case(this.decide_extension, this.extension_asked).Default(this.reinspect)
    )
    decide_extension = staff_task(
        _("Decide on the extension"),
        _("Grant or refuse the extension within five working days."),
        this.supervisor,
        this.answer,
    )
    reinspect = staff_task(
        _("Re-inspect"),
        _("Re-inspect with a second officer and record the result."),
        this.officer,
        this.outcome,
    )
    outcome = flow.If(this.verified).Then(this.end).Else(this.escalate)
    escalate = staff_task(
        _("File the second-stage penalty case"),
        _("Not rectified: the second-stage case of art. 97 is open; file it."),
        this.supervisor,
        this.end,
    )
    end = flow.End()

    def started(self, activation, order: RectificationOrder):
        activation.process.order = order
        return activation.process

    def answered(self, activation):
        """The enterprise answered or the due date passed (the transition did the rest)."""

    def extension_asked(self, activation) -> bool:
        return _state(activation) == State.EXTENSION_REQUESTED

    def verified(self, activation) -> bool:
        return _state(activation) != State.NOT_RECTIFIED

    def officer(self, activation):
        officer = activation.process.order.issued_by
        return officer if officer.is_active else None

    def supervisor(self, activation):
        found = supervisors_for(activation.process.order.enterprise.jurisdiction)
        return found[0] if found else None


def order_follow(order: RectificationOrder, name: str, actor) -> None:
    """Keep the order's tasks in step with the transition ``name`` (``""``: it was made)."""
    if name == "":
        RectificationFlow.start.run(order=order)
        return
    process = OrderProcess.objects.filter(order_id=order.pk).first()
    if process is None:
        return  # an order made before orders had a flow
    if name == "withdraw":
        process_cancel(process, RectificationFlow)
        escalations_settle(subject=order, actor=actor)
        return
    node = ANSWERS.get(name)
    if node is not None:
        with RectificationFlow.lock(process.pk):
            for task in tasks_open(process):
                if task.flow_task.name == node:
                    task_complete(task, actor)
    if name == "decide_extension":
        escalations_settle(subject=order, kinds=[EXTENSION_ANSWER], actor=actor)
    elif name == "record_reinspection":
        escalations_settle(subject=order, kinds=[REINSPECTION], actor=actor)


def order_next_step(order: RectificationOrder) -> tuple[str, str] | None:
    """Who acts next on ``order`` and what: (the task's title, whose it is), or None."""
    process = OrderProcess.objects.filter(order_id=order.pk).first()
    return next_step(process, party=order.enterprise.name)


def stage_two_filed(order: RectificationOrder, actor) -> None:
    """The second-stage case of a not-rectified order was filed: the supervisor's task is done."""
    process = OrderProcess.objects.filter(order_id=order.pk).first()
    if process is None:
        return
    with RectificationFlow.lock(process.pk):
        for task in tasks_open(process):
            if task.flow_task.name == "escalate":
                task_complete(task, actor)
