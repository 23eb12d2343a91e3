"""Routing work with Viewflow: tasks kept in step with the legal state, and clock escalations.

The legal state of a case lives in its FSM field and moves only through
``casework.transitions``. A flow routes the work: who acts next, in whose inbox.
Each app's flow follows its model's transitions (``transition_observe``) and
completes the task a transition answers, whoever acted and wherever (API,
staff page, portal, sweep); its task pages only lead to the case's page, where
the same services run. So a flow never moves a legal state, and no task is
left open once its work is done.

What every flow shares is here: completing a task from code, cancelling a
process, the current user's inbox, and the supervisor's tasks for an agency
clock at risk or missed (``EscalationFlow``), raised once per clock and level by
the deadline sweep and settled when the work the clock was about is done.

Locks: the flows take ``SELECT … FOR UPDATE`` on the process row and wait for it
(``FLOW_LOCK``). They are entered inside a transition's transaction, after the
case row and the audit head: Viewflow's default ``nowait`` retry cannot run
inside an outer transaction (the failed statement aborts it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from casework.models import ClockEscalation, Deadline

logger = logging.getLogger(__name__)

FLOW_LOCK = SelectForUpdateLock(nowait=False, attempts=1)
OPEN_TASK = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)

# Collections of the API by model label, for the inbox (registered by the apps).
_collections: dict[str, str] = {}


def collection_register(model: type[models.Model], collection: str) -> None:
    """Name the API collection (``rectification-orders``) that serves ``model``'s cases."""
    _collections[model._meta.label_lower] = collection


class CaseworkFlow(flow.Flow):
    """A flow of ours: staff see it; nobody manages it by hand (it follows the legal state)."""

    lock_impl = FLOW_LOCK

    class Meta:
        abstract = True

    def has_view_permission(self, user, obj=None):
        return bool(user.is_authenticated and user.is_active and user.is_staff_role)

    def has_manage_permission(self, user, obj=None):
        # Undo, cancel and revive would move tasks away from the legal state.
        return False


# A task nobody could be assigned carries this permission, which no user holds: it is
# then in nobody's queue rather than in everyone's.
UNASSIGNED = "casework.route_case"


def staff_task(title, description, owner, then):
    """A person's task in a flow of ours: its page is the case's, assigned at creation."""
    return (
        flow.View(subject_page)
        .Annotation(title=title, description=description)
        .Assign(owner)
        .Permission(UNASSIGNED)
        .Next(then)
    )


def task_actor(task: Task, actor) -> None:
    """Record ``actor`` (a staff user) as who did ``task``; the system leaves the owner."""
    if isinstance(actor, get_user_model()) and actor.is_staff_role:
        task.owner = actor


def task_complete(task: Task, actor) -> None:
    """Complete an open task from code, as its page would, and activate what follows."""
    node = task.flow_task
    if node.task_type == "FUNCTION":  # a Handle: the outside answered
        node.run(task)
        return
    activation = node.activation_class(task)
    task_actor(task, actor)
    if task.status == STATUS.NEW:  # nobody was assigned: whoever acted takes it
        task.status = STATUS.ASSIGNED
    if task.status == STATUS.ASSIGNED:
        activation.start(None)
    activation.execute()


def tasks_open(process) -> list[Task]:
    return list(
        Task.objects.filter(process=process, status__in=OPEN_TASK).order_by("created", "pk")
    )


def process_cancel(process, flow_class) -> None:
    """Cancel every open task of ``process`` and the process itself (the case was withdrawn)."""
    with flow_class.lock(process.pk):
        for task in tasks_open(process):
            task.status, task.finished = STATUS.CANCELED, _now()
            task.save(update_fields=["status", "finished"])
        process.status, process.finished = PROCESS.CANCELED, _now()
        process.save(update_fields=["status", "finished"])


def _now():
    return timezone.now()


def next_step(process, *, party: str) -> tuple[str, str] | None:
    """Who acts next in ``process`` and what: (the task's title, whose it is), or None.

    A ``Handle`` waits on ``party`` (the enterprise's name); a person's task on its owner.
    """
    tasks = tasks_open(process) if process is not None else []
    if not tasks:
        return None
    task = tasks[0]
    if task.flow_task.task_type == "FUNCTION":
        return str(task.flow_task.task_title), party
    owner = task.owner
    return str(task.flow_task.task_title), (owner.get_full_name() if owner else "") or str(
        _("Not assigned")
    )


def subject_of(label: str, pk: str) -> models.Model | None:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model._default_manager.filter(pk=pk).first()


def task_subject(task: Task) -> tuple[str, str, models.Model | None]:
    """The case a task is about: its model label, id and object (the process's ``case_subject``)."""
    process = task.process.coerced
    label, pk = process.case_subject()
    return label, pk, subject_of(label, pk)


def subject_page(request, **kwargs):
    """A task's page: the case's own page, where the work is done (GET only)."""
    task = get_object_or_404(Task, pk=kwargs["task_pk"], process_id=kwargs["process_pk"])
    _label, _pk, subject = task_subject(task)
    url = getattr(subject, "get_absolute_url", None)
    return redirect(url() if url else "/")


# What an enterprise's user waits on, per flow: a filter of tasks (registered by the apps).
_party_tasks: list[Callable[[int], Q]] = []


def party_tasks_register(tasks: Callable[[int], Q]) -> None:
    """Register ``tasks(enterprise_id)``: the open tasks that wait on that enterprise."""
    _party_tasks.append(tasks)


def inbox_for(user) -> models.QuerySet:
    """The user's open tasks, oldest first: assigned to a staff user, or awaiting an enterprise."""
    if not (user.is_authenticated and user.is_active):
        return Task.objects.none()
    if user.is_enterprise_user:
        if user.enterprise_id is None or not _party_tasks:
            return Task.objects.none()
        mine = Q()
        for tasks in _party_tasks:
            mine |= tasks(user.enterprise_id)
        found = Task.objects.filter(mine, flow_task_type="FUNCTION")
    else:
        found = Task.objects.filter(owner=user)
    return found.filter(status__in=OPEN_TASK).select_related("process").order_by("created", "pk")


def collection_of(label: str) -> str:
    return _collections.get(label, "")


# -- escalation of agency clocks ---------------------------------------------------------


def supervisors_for(jurisdiction) -> list:
    """Active supervisors whose jurisdiction holds ``jurisdiction``, the nearest first."""
    return staff_for(jurisdiction, role="supervisor")


def staff_for(jurisdiction, *, role: str) -> list:
    """Active staff of ``role`` whose jurisdiction holds ``jurisdiction``, the nearest first."""
    codes = [code for code in jurisdiction.path.strip("/").split("/") if code]
    found = get_user_model().objects.filter(role=role, is_active=True, jurisdiction_id__in=codes)
    depth = {code: i for i, code in enumerate(codes)}
    return sorted(found, key=lambda user: (-depth[user.jurisdiction_id], user.pk))


class EscalationFlow(CaseworkFlow):
    """A supervisor's task: an agency clock has one working day left, or has passed."""

    process_class = ClockEscalation
    process_title = _("Deadline escalation")
    process_description = _("A period the bureau must keep is at risk or was missed.")
    process_summary_template = "{{ process.case_title }}"

    start = flow.StartHandle(this.raised).Next(this.attend)
    attend = (
        flow.View(subject_page)
        .Annotation(
            title=_("Attend to a period at risk or missed"),
            summary_template="{{ process.summary }}",
        )
        .Assign(this.supervisor)
        .Permission(UNASSIGNED)
        .Next(this.end)
    )
    end = flow.End()

    def raised(self, activation, deadline: Deadline, level: str):
        activation.process.deadline = deadline
        activation.process.level = level
        return activation.process

    def supervisor(self, activation):
        found = supervisors_for(activation.process.deadline.jurisdiction)
        return found[0] if found else None


def escalation_raise(*, deadline: Deadline, level: str) -> ClockEscalation | None:
    """Put the supervisor's task for ``deadline`` at ``level`` in an inbox, once.

    Called by the deadline sweep inside the row's transaction; the unique
    (deadline, level) row makes a second sweep, or a retry, a no-op. A task
    for a missed clock replaces the one it was at risk.
    """
    if deadline.party_facing:
        return None
    if ClockEscalation.objects.filter(deadline=deadline, level=level).exists():
        return None
    try:
        with transaction.atomic():
            process = EscalationFlow.start.run(deadline=deadline, level=level)
    except IntegrityError:  # a concurrent sweep raised it first
        return None
    if level == ClockEscalation.Level.MISSED:
        _settle(
            ClockEscalation.objects.filter(deadline=deadline, level=ClockEscalation.Level.AT_RISK),
            actor=None,
        )
    return process


def escalations_settle(*, subject: models.Model, kinds: Iterable[str] | None = None, actor) -> int:
    """Complete the open escalation tasks of ``subject``'s clocks (of ``kinds``): work done."""
    found = ClockEscalation.objects.filter(
        deadline__subject_type=subject._meta.label_lower,
        deadline__subject_id=str(subject.pk),
        status=PROCESS.NEW,
    )
    if kinds is not None:
        found = found.filter(deadline__kind__in=list(kinds))
    return _settle(found, actor=actor)


def _settle(processes: models.QuerySet, *, actor) -> int:
    done = 0
    for process in processes.filter(status=PROCESS.NEW):
        with EscalationFlow.lock(process.pk):
            for task in tasks_open(process):
                task_complete(task, actor)
                done += 1
    return done
