"""The workbench (工作台): every staff member's home page.

What needs the user today: the inspections planned for today and this week,
those in progress, open findings, workers barred from duty, legal deadlines
due within a working day or missed; for a supervisor the same across the
jurisdiction with counts per district or county and each officer's workload.
A fixed number of queries whatever the size of the registers (each list is
cut to ``SHOWN`` rows, with its full count).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.shortcuts import render
from viewflow.workflow.models import Task

from casework import clock
from casework.calendars import work_calendar_for
from casework.flows import OPEN_TASK, inbox_for, task_subject
from casework.models import Deadline, Jurisdiction
from casework.visibility import jurisdiction_q
from casework.workdays import ONE_DAY
from inspections.models import Finding, Inspection, RectificationOrder
from registry.models import Worker

SHOWN = 10


@dataclass(frozen=True)
class Listed:
    rows: list
    count: int


def _listed(queryset) -> Listed:
    rows = list(queryset[: SHOWN + 1])
    count = len(rows) if len(rows) <= SHOWN else queryset.count()
    return Listed(rows[:SHOWN], count)


def _count(**condition) -> Count:
    """How many of the grouped rows meet ``condition`` (all of them without one)."""
    return Count("pk", filter=Q(**condition) if condition else None)


def _next_working_day(jurisdiction, today: datetime.date) -> datetime.date:
    calendar = work_calendar_for(jurisdiction, first_year=today.year, years=2)
    day = today + ONE_DAY
    while not calendar.is_working_day(day):
        day += ONE_DAY
    return day


def workbench(request):
    user, today = request.user, clock.today()
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    inspections = Inspection.objects.visible_to(user).select_related("enterprise")
    planned = inspections.filter(state=Inspection.State.PLANNED)
    if user.has_role("officer"):
        # An officer's own work first: the inspections they are named on.
        planned, in_progress = (
            planned.filter(officers=user),
            inspections.filter(state=Inspection.State.IN_PROGRESS, officers=user),
        )
    else:
        in_progress = inspections.filter(state=Inspection.State.IN_PROGRESS)
    due_by = _next_working_day(user.jurisdiction, today)
    deadlines = Deadline.objects.visible_to(user).filter(
        status=Deadline.Status.OPEN, suspended_on__isnull=True
    )
    open_findings = _open_findings(user)
    context = {
        "today": today,
        "tasks": _tasks(user),
        "today_inspections": _listed(planned.filter(planned_on=today).order_by("pk")),
        "week_inspections": _listed(
            planned.filter(planned_on__gt=today, planned_on__lte=week_end).order_by("planned_on")
        ),
        "in_progress": _listed(in_progress.order_by("started_at")),
        "open_findings": open_findings.listed,
        "barred": _listed(
            Worker.objects.visible_to(user)
            .filter(barred_from_duty=True)
            .select_related("enterprise")
            .order_by("-barred_since", "name")
        ),
        # The bureau's own periods first (party_facing False sorts first), then by due date.
        "missed": _listed(
            deadlines.filter(due_date__lt=today)
            .select_related("enterprise")
            .order_by("party_facing", "due_date", "pk")
        ),
        "at_risk": _listed(
            deadlines.filter(due_date__gte=today, due_date__lte=due_by)
            .select_related("enterprise")
            .order_by("party_facing", "due_date", "pk")
        ),
        "supervisor": user.has_role("supervisor", "admin"),
    }
    if context["supervisor"]:
        context["districts"] = _districts(user, open_findings.by_district)
        context["workload"] = _workload(user, today, open_findings.by_officer)
    return render(request, "inspections/workbench.html", context)


@dataclass(frozen=True)
class OpenFindings:
    listed: Listed
    by_district: dict[str, int]
    by_officer: dict[int, int]


def _open_findings(user) -> OpenFindings:
    """The open findings the user sees: the oldest listed, and counted by district and officer.

    One pass over the open findings only (a small part of all findings, read
    through the partial index ``finding_open``), one row per finding and
    officer of its inspection; the list, its count and both counts come from
    it. Counting them in three statements, each joining the findings to their
    inspections again, took a third of a city supervisor's page.
    """
    rows = (
        Finding.objects.visible_to(user)
        .filter(state=Finding.State.OPEN)
        .values_list("pk", "inspection__enterprise__jurisdiction_id", "inspection__officers")
        .order_by("created_at", "pk")  # oldest first: the list is the first rows
    )
    findings: set[int] = set()
    oldest: list[int] = []
    by_district: dict[str, int] = {}
    by_officer: dict[int, int] = {}
    for pk, district, officer in rows:
        if pk not in findings:
            findings.add(pk)
            if len(oldest) < SHOWN:
                oldest.append(pk)
            by_district[district] = by_district.get(district, 0) + 1
        if officer is not None:
            by_officer[officer] = by_officer.get(officer, 0) + 1
    shown = {
        finding.pk: finding
        for finding in Finding.objects.filter(pk__in=oldest)
        .select_related("inspection__enterprise", "worker")
        .prefetch_related("checks")
    }
    listed = Listed([shown[pk] for pk in oldest if pk in shown], len(findings))
    return OpenFindings(listed, by_district, by_officer)


def _districts(user, open_findings: dict[str, int]) -> list[dict]:
    """Per district or county below the user's jurisdiction: inspections and open findings.

    Two statements whatever the size: the districts, then the planned and
    in-progress inspections counted by district in one pass over those rows
    only (joining every inspection of each district and counting distinct ids
    took most of the page); the open findings come counted (``_open_findings``).
    """
    children = Jurisdiction.objects.filter(jurisdiction_q(user, "path")).exclude(
        pk=user.jurisdiction_id
    )
    inspections = (
        Inspection.objects.filter(
            enterprise__jurisdiction__in=children.values("pk"),
            state__in=[Inspection.State.PLANNED, Inspection.State.IN_PROGRESS],
        )
        .values_list("enterprise__jurisdiction_id")
        .annotate(
            planned=_count(state=Inspection.State.PLANNED),
            in_progress=_count(state=Inspection.State.IN_PROGRESS),
        )
        .order_by()
    )
    counted = {code: (planned, in_progress) for code, planned, in_progress in inspections}
    return [
        {
            "name": row.name,
            "planned": counted.get(row.pk, (0, 0))[0],
            "in_progress": counted.get(row.pk, (0, 0))[1],
            "open_findings": open_findings.get(row.pk, 0),
        }
        for row in children.order_by("path")
    ]


@dataclass(frozen=True)
class TaskRow:
    title: str
    summary: str
    url: str
    overdue: bool


def _tasks(user) -> Listed:
    """The user's open tasks (the Viewflow inbox), each linked to its case's page."""
    listed = _listed(inbox_for(user))
    rows = []
    for task in listed.rows:
        process = task.process.coerced
        subject = task_subject(task)[2]
        url = subject.get_absolute_url() if hasattr(subject, "get_absolute_url") else ""
        rows.append(
            TaskRow(
                title=str(task.flow_task.task_title),
                summary=str(getattr(process, "summary", "")),
                url=url,
                overdue=getattr(process, "level", "") == "missed",
            )
        )
    return Listed(rows, listed.count)


def _workload(user, today: datetime.date, open_findings: dict[int, int]) -> list:
    """Each officer of the jurisdiction: overdue items, open tasks, inspections, open findings.

    Overdue: planned inspections whose day has passed, and open orders the
    officer issued with a period passed. The most overdue first, then the most
    open tasks, then the most open findings, then the most in
    progress, then by name: the officers are read in name order and sorted
    stably by their counts, which are counted in two statements over the rows
    that count only (the officers' inspections of this month or in progress,
    their open tasks), not over every inspection of every officer; their open
    findings come counted (``_open_findings``).
    """
    month = today.replace(day=1)
    officers = (
        get_user_model()
        .objects.filter(jurisdiction_q(user, "jurisdiction__path"))
        .filter(role="officer", is_active=True)
    )
    assigned = Inspection.officers.through.objects.filter(user__in=officers.values("pk"))
    late = Q(inspection__state=Inspection.State.PLANNED, inspection__planned_on__lt=today)
    inspections = {
        pk: (this_month, in_progress, overdue)
        for pk, this_month, in_progress, overdue in assigned.filter(
            Q(inspection__planned_on__gte=month)
            | Q(inspection__state=Inspection.State.IN_PROGRESS)
            | late
        )
        .values_list("user_id")
        .annotate(
            this_month=_count(inspection__planned_on__gte=month),
            in_progress=_count(inspection__state=Inspection.State.IN_PROGRESS),
            overdue=Count("pk", filter=late),
        )
        .order_by()
    }
    # Orders an officer issued whose bureau's period has passed with the order still open.
    missed = Deadline.objects.filter(
        party_facing=False,
        subject_type=RectificationOrder._meta.label_lower,
        subject_id=Cast(OuterRef("pk"), CharField()),
        status__in=[Deadline.Status.MISSED, Deadline.Status.OPEN],
        due_date__lt=today,
    )
    orders = dict(
        RectificationOrder.objects.filter(
            issued_by__in=officers.values("pk"), state__in=RectificationOrder.OPEN_STATES
        )
        .filter(Exists(missed))
        .values_list("issued_by")
        .annotate(overdue=_count())
        .order_by()
    )
    tasks = dict(
        Task.objects.filter(owner__in=officers.values("pk"), status__in=OPEN_TASK)
        .values_list("owner")
        .annotate(open_tasks=_count())
        .order_by()
    )
    rows = list(officers.order_by("last_name", "first_name"))
    for officer in rows:
        officer.this_month, officer.in_progress, late_inspections = inspections.get(
            officer.pk, (0, 0, 0)
        )
        officer.overdue = late_inspections + orders.get(officer.pk, 0)
        officer.open_findings = open_findings.get(officer.pk, 0)
        officer.open_tasks = tasks.get(officer.pk, 0)
    rows.sort(
        key=lambda officer: (
            -officer.overdue,
            -officer.open_tasks,
            -officer.open_findings,
            -officer.in_progress,
        )
    )
    return rows[:50]
