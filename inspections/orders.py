"""Rectification orders (责令限期整改): issued with a disposition, served, answered, re-inspected.

The transitions themselves go through ``casework.transitions`` (their payloads
are in ``inspections.order_payloads``); what they do besides moving the state —
the legal clocks, the workers cleared — is here, called inside the
transition's transaction, so that a refused transition leaves none of it.

Decisions taken here:
- One order per inspection and enterprise until it is served: a later finding
  of the same inspection joins it, and the due date becomes the one chosen
  last. Once served, the order's text and date are fixed (a served document
  never changes), so a finding disposed later starts a new order.
- While an extension is asked for, the due date's clock is suspended: the days
  the bureau takes to answer are not charged to the enterprise. A refusal
  resumes the clock with the days that were left; a grant moves it to the new
  date.
- A re-inspection may be recorded as soon as completion is reported, or once
  the due date has passed without a report (``reinspection_due``).
- A worker is cleared for duty only by a re-inspection that finds the order
  rectified and the person qualified again on that day (the same
  qualification check as on site); one still unqualified keeps the bar unless
  the officers record why the person left the job.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from casework import clock
from casework.calendars import work_calendar_for
from casework.deadlines import (
    deadline_actor,
    deadline_close,
    deadline_extend,
    deadline_handler,
    deadline_open,
    deadline_resume,
    deadline_suspend,
    deadlines_for,
    period_proposed,
)
from casework.exceptions import Conflict, Forbidden, Invalid
from casework.models import Deadline
from casework.transitions import observers_notify, transition_perform
from casework.workdays import WORKING_DAYS, units_between
from inspections import events
from inspections import evidence as evidence_files
from inspections.models import Evidence, Finding, Inspection, RectificationOrder
from registry.models import Worker
from registry.qualification import WORKER_LEVEL, qualification_check

RECTIFICATION = "rectification"  # the enterprise's due date (party-facing, fixed)
EXTENSION_ANSWER = "extension_answer"  # the bureau's answer to an extension request
REINSPECTION = "reinspection"  # the bureau's re-inspection
PROPOSAL = "rectification_proposal"  # the due date a form proposes


def _said(message) -> str:
    """A reason kept in a record (a clock's ledger): in the official language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


def _started_at(day: datetime.date) -> datetime.datetime:
    """The moment a clock starts from an act dated ``day`` (now, when the act is today's)."""
    now = clock.now()
    if day == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def working_days_left(enterprise, today: datetime.date, due: datetime.date) -> int:
    """Working days after ``today`` up to ``due``, both counted; negative once ``due`` passed."""
    first, last = sorted((today + datetime.timedelta(days=1), due))
    calendar = work_calendar_for(
        enterprise.jurisdiction, first_year=first.year, years=last.year - first.year + 1
    )
    days = units_between(calendar=calendar, first=first, last=last, unit=WORKING_DAYS)
    return days if due > today else -days


def due_date_proposed(*, enterprise, served_on: datetime.date) -> datetime.date:
    """The due date a form proposes for an order served on ``served_on`` (rule table)."""
    return period_proposed(kind=PROPOSAL, jurisdiction=enterprise.jurisdiction, start=served_on).due


def order_for_finding(*, finding: Finding, due_date: datetime.date, actor) -> RectificationOrder:
    """The order a finding disposed as order and penalty belongs to: the unserved one, or new.

    Runs inside the ``dispose`` transaction; the inspection row is locked so that
    two findings disposed at once join one order instead of making two.
    """
    inspection = Inspection.objects.select_for_update(of=("self",)).get(pk=finding.inspection_id)
    order = (
        RectificationOrder.objects.select_for_update(of=("self",))
        .filter(
            inspection=inspection,
            enterprise_id=inspection.enterprise_id,
            state=RectificationOrder.State.ISSUED,
        )
        .first()
    )
    if order is None:
        order = RectificationOrder.objects.create(
            inspection=inspection,
            enterprise_id=inspection.enterprise_id,
            due_date=due_date,
            original_due_date=due_date,
            issued_by=actor,
            issued_at=clock.now(),
        )
        finding.rectification_order = order
        events.order_issued(order=order, actor=actor, finding=finding)
        observers_notify(order, "", actor)  # the flow starts with the order
        return order
    before = order.due_date
    if due_date != before:
        order.due_date = order.original_due_date = due_date
        order.version += 1
        order.save(update_fields=["due_date", "original_due_date", "version"])
    finding.rectification_order = order
    events.order_finding_added(order=order, actor=actor, finding=finding, due_before=before)
    return order


ANSWER_STATES = (
    RectificationOrder.State.IN_RECTIFICATION,
    RectificationOrder.State.EXTENSION_REQUESTED,
)
MAX_DESCRIPTION = 300  # Evidence.description


def _file_refusal(order: RectificationOrder, actor) -> None:
    if not (
        getattr(actor, "is_enterprise_user", False) and actor.enterprise_id == order.enterprise_id
    ):
        raise Forbidden(_("Only the enterprise sends files with its answer to the order."))
    if order.state not in ANSWER_STATES:
        raise Conflict(
            _("Files are sent only while the order is being rectified."),
            state=order.state,
            version=order.version,
        )


def order_file_store(
    *, order: RectificationOrder, actor, uploaded_file, description: str = ""
) -> Evidence:
    """Store a file the enterprise sends with its answer (certificates, rosters, photos).

    Stored by its SHA-256 like evidence, attached to the order's inspection and
    to the order; the rules are checked before the bytes are written and again
    under the order's lock.
    """
    _file_refusal(order, actor)
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Invalid(
            {"description": [str(_("At most %(n)d characters.") % {"n": MAX_DESCRIPTION})]}
        )
    stored = evidence_files.evidence_file_store(uploaded_file)
    with transaction.atomic():
        order = RectificationOrder.objects.select_for_update(of=("self",)).get(pk=order.pk)
        _file_refusal(order, actor)
        evidence = Evidence.objects.create(
            inspection_id=order.inspection_id,
            rectification_order=order,
            sha256=stored.sha256,
            size=stored.size,
            content_type=stored.content_type,
            original_name=evidence_files.original_name(uploaded_file),
            metadata=stored.metadata,
            description=description,
            uploaded_by=actor,
            uploaded_at=clock.now(),
        )
        events.evidence_uploaded(evidence=evidence, actor=actor)
    return evidence


def _open_clock(order: RectificationOrder, kind: str) -> Deadline | None:
    return deadlines_for(subject=order, status=Deadline.Status.OPEN).filter(kind=kind).first()


def _close_clock(order: RectificationOrder, kind: str, *, status: str, actor, reason: str):
    deadline = _open_clock(order, kind)
    if deadline is not None:
        deadline_close(deadline=deadline, status=status, actor=actor, reason=reason)


def order_served(order: RectificationOrder, *, actor) -> None:
    """The order was served: the enterprise's due date runs from the service date."""
    deadline_open(
        kind=RECTIFICATION,
        subject=order,
        jurisdiction=order.enterprise.jurisdiction,
        start_event="served",
        started_at=_started_at(order.served_on),
        enterprise=order.enterprise,
        party="enterprise",
        actor=actor,
        due_date=order.due_date,
    )


def extension_requested(order: RectificationOrder, *, actor) -> None:
    """The bureau must answer within its period; the due date waits meanwhile."""
    today = clock.today()
    due = _open_clock(order, RECTIFICATION)
    if due is not None and due.suspended_on is None:
        deadline_suspend(
            deadline=due,
            on=today,
            reason=_said(_("The enterprise asked for an extension.")),
            actor=actor,
        )
    deadline_open(
        kind=EXTENSION_ANSWER,
        subject=order,
        jurisdiction=order.enterprise.jurisdiction,
        start_event="extension_requested",
        started_at=clock.now(),
        enterprise=order.enterprise,
        actor=actor,
    )


def extension_decided(order: RectificationOrder, *, actor, reason: str) -> None:
    """The answer given: the bureau's clock met, the due date running again (or moved)."""
    _close_clock(order, EXTENSION_ANSWER, status=Deadline.Status.MET, actor=actor, reason=reason)
    due = _open_clock(order, RECTIFICATION)
    if due is None:
        return
    if due.suspended_on is not None:
        due = deadline_resume(deadline=due, on=clock.today(), reason=reason, actor=actor)
    if order.extension_granted and order.due_date > due.due_date:
        deadline_extend(deadline=due, new_due_date=order.due_date, reason=reason, actor=actor)
    elif not order.extension_granted:
        # The clock resumed with the days that were left: that is the due date now.
        order.due_date = due.due_date


def _reinspection_open(order: RectificationOrder, *, actor, start_event: str) -> None:
    deadline_open(
        kind=REINSPECTION,
        subject=order,
        jurisdiction=order.enterprise.jurisdiction,
        start_event=start_event,
        started_at=clock.now(),
        enterprise=order.enterprise,
        actor=actor,
    )


def completion_reported(order: RectificationOrder, *, actor) -> None:
    """The enterprise reported in time: its clock is met, the bureau's re-inspection runs."""
    _close_clock(
        order,
        RECTIFICATION,
        status=Deadline.Status.MET,
        actor=actor,
        reason=_said(_("The enterprise reported completion.")),
    )
    _reinspection_open(order, actor=actor, start_event="completion_reported")


def due_date_passed(order: RectificationOrder, *, actor) -> None:
    """No report by the due date: the bureau's re-inspection runs from now."""
    _reinspection_open(order, actor=actor, start_event="due_date_passed")


def barred_workers(order: RectificationOrder) -> list[Finding]:
    """The worker-level findings of the order (each person barred by one)."""
    return list(
        order.findings.filter(level=Finding.Level.WORKER)
        .select_related("worker")
        .prefetch_related("checks")
        .order_by("pk")
    )


def workers_recheck(order: RectificationOrder, on: datetime.date) -> tuple[list, list]:
    """Check every person the order bars again on ``on``: (qualified, still unqualified)."""
    qualified, unqualified = [], []
    for finding in barred_workers(order):
        checks = list(finding.checks.all())
        last = checks[-1] if checks else None
        result = qualification_check(
            enterprise=order.enterprise,
            id_number=finding.id_number,
            job=finding.job,
            on=on,
            special_ops=list(last.special_ops) if last else [],
            is_team_leader=last.is_team_leader if last else None,
        )
        if any(reason.level == WORKER_LEVEL for reason in result.reasons):
            unqualified.append((finding, [r.code for r in result.reasons]))
        else:
            qualified.append(finding)
    return qualified, unqualified


def reinspection_recorded(
    order: RectificationOrder, *, actor, cleared: list[Finding], departed: dict[str, str]
) -> None:
    """Clear the workers confirmed qualified (or gone); the bureau's clock is met."""
    today = clock.today()
    for finding in cleared:
        reason = departed.get(finding.id_number, "")
        if finding.worker_id is not None:
            worker = Worker.objects.select_for_update().get(pk=finding.worker_id)
            if worker.barred_from_duty:
                worker.barred_from_duty = False
                worker.barred_reason = ""
                worker.barred_since = None
                worker.save(update_fields=["barred_from_duty", "barred_reason", "barred_since"])
        events.worker_cleared(order=order, actor=actor, finding=finding, on=today, departed=reason)
    _close_clock(
        order,
        REINSPECTION,
        status=Deadline.Status.MET,
        actor=actor,
        reason=_said(_("Re-inspection recorded.")),
    )


def order_withdrawn(order: RectificationOrder, *, actor, reason: str) -> None:
    """Every clock of a withdrawn order stops."""
    for deadline in deadlines_for(subject=order).filter(
        status__in=(Deadline.Status.OPEN, Deadline.Status.FAILING)
    ):
        deadline_close(
            deadline=deadline, status=Deadline.Status.CANCELLED, actor=actor, reason=reason
        )


@deadline_handler(RECTIFICATION)
def rectification_due(deadline: Deadline, now: datetime.datetime) -> None:
    """The due date passed without a report: the system moves the order to re-inspection."""
    with transaction.atomic():
        order = RectificationOrder.objects.filter(
            pk=deadline.subject_id, state=RectificationOrder.State.IN_RECTIFICATION
        ).first()
        if order is None:
            return  # reported, withdrawn or waiting on an extension meanwhile
        transition_perform(
            queryset=RectificationOrder.objects.all(),
            pk=order.pk,
            name="due_date_pass",
            actor=deadline_actor(deadline),
            data={},
        )
