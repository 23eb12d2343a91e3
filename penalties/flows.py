"""Who acts next on a penalty case: its Viewflow flow, one node per kind of work.

As for the rectification order (docs/decisions/0026), the flow follows the legal
state and never moves it. Every transition of a case, whoever performs it,
completes the case's open task inside the transition's transaction; the router
then opens the task the new state waits on (``WAITS_ON``), assigned to who does
that work. The party's answers (statement, hearing request, waiver) are a
``Handle`` fed by the portal or the API; the system's (the periods passing) too.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from casework.flows import (
    CaseworkFlow,
    next_step,
    process_cancel,
    staff_for,
    staff_task,
    task_complete,
    tasks_open,
)
from penalties.models import CaseProcess, PenaltyCase

State = PenaltyCase.State

# The state → the node of the work it waits on (None: the flow has ended).
WAITS_ON = {
    State.PROPOSED: "file",
    State.FILED: "investigate",
    State.INVESTIGATING: "conclude",
    State.LEGAL_REVIEW: "legal_review",
    State.CONCLUDED: "approve",
    State.APPROVED: "notify",
    State.NOTIFIED: "party",
    State.STATEMENT_REVIEW: "review_statement",
    State.HEARING_REQUESTED: "schedule_hearing",
    State.HEARING_SCHEDULED: "hold_hearing",
    State.HEARING_HELD: "send_to_review",
    State.POST_HEARING_REVIEW: "legal_review",
    State.DECISION_PENDING: "decide",
    State.DECIDED: "serve",
}


def _in(*states):
    def condition(activation) -> bool:
        return PenaltyCase.objects.filter(pk=activation.process.case_id, state__in=states).exists()

    return condition


def _work(title, description, owner):
    return staff_task(title, description, owner, this.route)


class PenaltyFlow(CaseworkFlow):
    process_class = CaseProcess
    process_title = _("Penalty case")
    process_description = _("From the proposal to the served decision.")
    process_summary_template = "{{ process.summary }}"

    start = flow.StartHandle(this.started).Next(this.route)
    route = (
        flow.Switch()
        .Case(this.file, _in(State.PROPOSED))
        .Case(this.investigate, _in(State.FILED))
        .Case(this.conclude, _in(State.INVESTIGATING))
        .Case(this.legal_review, _in(State.LEGAL_REVIEW, State.POST_HEARING_REVIEW))
        .Case(this.approve, _in(State.CONCLUDED))
        .Case(this.notify, _in(State.APPROVED))
        .Case(this.party, _in(State.NOTIFIED))
        .Case(this.review_statement, _in(State.STATEMENT_REVIEW))
        .Case(this.schedule_hearing, _in(State.HEARING_REQUESTED))
        .Case(this.hold_hearing, _in(State.HEARING_SCHEDULED))
        .Case(this.send_to_review, _in(State.HEARING_HELD))
        .Case(this.decide, _in(State.DECISION_PENDING))
        .Case(this.serve, _in(State.DECIDED))
        .Default(this.end)
    )
    file = _work(_("File the case"), _("Decide whether to file (立案)."), this.supervisor)
    investigate = _work(_("Start the investigation"), _("Two officers investigate."), this.officer)
    conclude = _work(
        _("Conclude with a proposal"), _("Facts, parties and proposed fines."), this.officer
    )
    legal_review = _work(
        _("Legal review"), _("Pass the case or return it for more investigation."), this.reviewer
    )
    approve = _work(_("Approve"), _("Approve the proposed penalty."), this.supervisor)
    notify = _work(
        _("Serve the notice"), _("Serve the notice of the proposed penalty."), this.officer
    )
    party = (
        flow.Handle(this.answered)
        .Annotation(
            title=_("The party's answer or its periods passing"),
            description=_("A statement, a hearing request, a waiver, or nothing in time."),
        )
        .Next(this.route)
    )
    review_statement = _work(
        _("Review the statement"), _("Lower or keep the fines, never raise them."), this.supervisor
    )
    schedule_hearing = _work(
        _("Schedule the hearing"), _("Date, notice and presider."), this.supervisor
    )
    hold_hearing = _work(_("Record the hearing"), _("The presider records it."), this.presider)
    send_to_review = _work(
        _("Send for legal review after the hearing"), _("After the hearing record."), this.officer
    )
    decide = _work(_("Decide"), _("Decide the penalty."), this.supervisor)
    serve = _work(_("Serve the decision"), _("Serve the decision on the party."), this.officer)
    end = flow.End()

    def started(self, activation, case: PenaltyCase):
        activation.process.case = case
        return activation.process

    def answered(self, activation):
        """The party answered or its periods passed (the transition did the rest)."""

    def _case(self, activation) -> PenaltyCase:
        return PenaltyCase.objects.get(pk=activation.process.case_id)

    def supervisor(self, activation):
        found = staff_for(self._case(activation).enterprise.jurisdiction, role="supervisor")
        return found[0] if found else None

    def reviewer(self, activation):
        found = staff_for(self._case(activation).enterprise.jurisdiction, role="legal_reviewer")
        return found[0] if found else None

    def officer(self, activation):
        case = self._case(activation)
        first = case.investigators.order_by("pk").first()
        if first is None and case.inspection_id:
            first = case.inspection.officers.order_by("pk").first()
        return first

    def presider(self, activation):
        return self._case(activation).hearing_presider


def case_follow(case: PenaltyCase, name: str, actor) -> None:
    """Keep the case's task in step with the transition ``name`` (``""``: it was opened)."""
    if name == "":
        PenaltyFlow.start.run(case=case)
        return
    process = CaseProcess.objects.filter(case_id=case.pk).first()
    if process is None:
        return
    if case.state in (State.WITHDRAWN, State.TRANSFERRED):
        process_cancel(process, PenaltyFlow)
        return
    with PenaltyFlow.lock(process.pk):
        for task in tasks_open(process):
            task_complete(task, actor)


def case_next_step(case: PenaltyCase) -> tuple[str, str] | None:
    """Who acts next on ``case`` and what: (the task's title, whose it is), or None."""
    process = CaseProcess.objects.filter(case_id=case.pk).first()
    return next_step(process, party=case.enterprise.name)
