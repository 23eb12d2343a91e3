"""Legal clocks as rows: open, extend, suspend, resume, close, recompute, and fire.

Every period comes from the rule table (``PeriodRule``), in the version in force
on the date of the procedural act, and is counted on the jurisdiction's calendar
(``casework.calendars``). A due date fixed by an officer (a rectification
order's) is checked against the rule's length, read as the maximum. The sweep
fires a deadline once its due date has passed (the whole due day belongs to
whoever must act) by calling the handler registered for its kind, acting as the
system (``deadline_actor``); it fires each reminder once. A deadline or reminder
whose handler keeps failing is retried on every tick until
``CASEWORK_SWEEP_MAX_ATTEMPTS`` attempts, then marked failing for an
administrator to see (``Deadline.objects.failing()``) and retry.

Loading official calendar data lives here too (``calendar_load``), because it
recomputes the provisional deadlines; ``casework.calendars`` knows nothing of
deadlines.
"""

import dataclasses
import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework import audit, clock, events
from casework.actors import SystemActor
from casework.calendar_files import CalendarRow
from casework.calendars import CalendarLoaded, calendar_days_replace, work_calendar_for
from casework.exceptions import Conflict, Invalid
from casework.models import (
    ClockEscalation,
    Deadline,
    DeadlineEntry,
    DeadlineReminder,
    Jurisdiction,
    PeriodRule,
)
from casework.sweeps import due_rows_process, sweep_handler
from casework.workdays import (
    WORKING_DAYS,
    deadline_compute,
    units_between,
    working_days_before,
)
from casework.workdays import Deadline as Computed

logger = logging.getLogger(__name__)

DeadlineHandler = Callable[[Deadline, datetime.datetime], None]

_fire_handlers: dict[str, DeadlineHandler] = {}
_reminder_handlers: dict[str, DeadlineHandler] = {}


def deadline_handler(kind: str) -> Callable[[DeadlineHandler], DeadlineHandler]:
    """Register what happens when a deadline of ``kind`` passes (runs in the sweep's lock)."""

    def decorate(func: DeadlineHandler) -> DeadlineHandler:
        _fire_handlers[kind] = func
        return func

    return decorate


def reminder_handler(kind: str) -> Callable[[DeadlineHandler], DeadlineHandler]:
    """Register what a reminder of a ``kind`` deadline does (for example notify)."""

    def decorate(func: DeadlineHandler) -> DeadlineHandler:
        _reminder_handlers[kind] = func
        return func

    return decorate


def deadline_handlers() -> dict[str, DeadlineHandler]:
    return dict(_fire_handlers)


def reminder_handlers() -> dict[str, DeadlineHandler]:
    return dict(_reminder_handlers)


# -- rules and computation ---------------------------------------------------------


def rule_in_force(*, code: str, on: datetime.date, jurisdiction: Jurisdiction | None) -> PeriodRule:
    """The version of rule ``code`` in force on ``on`` for ``jurisdiction``."""
    found = version_in_force(PeriodRule.objects.filter(code=code), on=on, jurisdiction=jurisdiction)
    if found is None:
        raise Invalid(
            {
                "kind": [
                    _("No rule “%(code)s” is in force on %(day)s.")
                    % {"code": code, "day": on.isoformat()}
                ]
            }
        )
    return found


def version_in_force(
    rows: models.QuerySet, *, on: datetime.date, jurisdiction: Jurisdiction | None
):
    """The version of a versioned rule in force on ``on`` for ``jurisdiction``, or None.

    ``rows`` are the versions of one rule, each with ``effective_from`` and a
    ``jurisdiction`` (null: national). The latest in force wins; on the same day,
    the one of the nearest jurisdiction (a county's over the city's over the
    nation's). Every versioned rule table (periods, discretion benchmarks) is read
    through here.
    """
    codes = [c for c in (jurisdiction.path.strip("/").split("/") if jurisdiction else []) if c]
    candidates = list(
        rows.filter(effective_from__lte=on).filter(
            Q(jurisdiction__isnull=True) | Q(jurisdiction__in=codes)
        )
    )
    if not candidates:
        return None
    depth = {c: i + 1 for i, c in enumerate(codes)}
    return max(candidates, key=lambda r: (r.effective_from, depth.get(r.jurisdiction_id, 0)))


def rule_reference(rule: PeriodRule) -> str:
    where = rule.jurisdiction_id or "national"
    return f"{rule.code}@{rule.effective_from.isoformat()}/{where}#{rule.pk}"


def deadline_actor(deadline: Deadline) -> SystemActor:
    """The system, acting because ``deadline`` came due: what its handlers act as."""
    return SystemActor(
        cause={
            "deadline": deadline.pk,
            "kind": deadline.kind,
            "due_date": deadline.due_date.isoformat(),
        },
        rule_versions={deadline.kind: f"#{deadline.rule_id}"},
    )


def period_compute(
    *, jurisdiction: Jurisdiction | None, start: datetime.date, length: int, unit: str
) -> Computed:
    """Compute a period on the jurisdiction's calendar; PeriodError names a bad argument."""
    years = 4 + (length // 200 if unit != WORKING_DAYS else length // 150)
    calendar = work_calendar_for(jurisdiction, first_year=start.year, years=years)
    return deadline_compute(calendar=calendar, start=start, length=length, unit=unit)


def _reminders_plan(deadline: Deadline, offsets: list[int]) -> None:
    """(Re)schedule the pending reminders of ``deadline`` for its current due date."""
    calendar = work_calendar_for(
        deadline.jurisdiction, first_year=deadline.due_date.year - 1, years=2
    )
    for offset in offsets:
        remind_on = working_days_before(calendar=calendar, due=deadline.due_date, count=offset)
        if remind_on <= deadline.start_date:
            continue  # a reminder before the period starts would say nothing
        reminder, created = DeadlineReminder.objects.get_or_create(
            deadline=deadline, offset=offset, defaults={"remind_on": remind_on}
        )
        if not created and reminder.fired_at is None and reminder.remind_on != remind_on:
            DeadlineReminder.objects.filter(pk=reminder.pk).update(remind_on=remind_on)


# -- verbs ---------------------------------------------------------------------------------


def deadline_open(
    *,
    kind: str,
    subject: models.Model,
    jurisdiction: Jurisdiction,
    start_event: str,
    started_at: datetime.datetime,
    enterprise=None,
    party: str = "",
    actor=None,
    due_date: datetime.date | None = None,
) -> Deadline:
    """Open the legal clock ``kind`` for ``subject``, running from ``start_event``.

    Without ``due_date`` the due date is computed from the rule's length. With it,
    the date is the one an officer fixed: it must fall after the start and no
    later than the rule's length allows (Invalid names ``due_date`` otherwise),
    and it is never recomputed.
    """
    start_date = timezone.localdate(started_at)
    rule = rule_in_force(code=kind, on=start_date, jurisdiction=jurisdiction)
    computed = period_compute(
        jurisdiction=jurisdiction, start=start_date, length=rule.length, unit=rule.unit
    )
    if due_date is not None:
        computed = _fixed_due(computed, start=start_date, due_date=due_date)
    with transaction.atomic():
        deadline = Deadline.objects.create(
            kind=kind,
            rule=rule,
            legal_basis=rule.legal_basis,
            jurisdiction=jurisdiction,
            enterprise=enterprise,
            subject_type=audit.object_label(subject),
            subject_id=str(subject.pk),
            party=party,
            start_event=start_event,
            started_at=started_at,
            start_date=start_date,
            length=rule.length,
            unit=rule.unit,
            due_date=computed.due,
            due_fixed=due_date is not None,
            provisional=computed.provisional,
            party_facing=rule.party_facing,
            explanation_zh=computed.explanation_zh,
            explanation_en=computed.explanation_en,
            created_at=clock.now(),
        )
        _reminders_plan(deadline, rule.reminder_offsets)
        events.deadline_opened(
            deadline=deadline,
            actor=actor,
            rule_reference=rule_reference(rule),
            kind=kind,
            subject=f"{deadline.subject_type}:{deadline.subject_id}",
            start_event=start_event,
            start_date=start_date,
            due_date=computed.due,
            provisional=computed.provisional,
        )
    return deadline


def fixed_due_check(
    *, kind: str, jurisdiction: Jurisdiction, start: datetime.date, due_date: datetime.date
) -> Computed:
    """Check a due date an officer fixes for a ``kind`` clock starting on ``start``.

    The rule's length is the longest period allowed. Returns the explained
    computation; raises Invalid naming ``due_date`` when the date is too early
    or too late — what ``deadline_open`` will check again when the clock starts.
    """
    rule = rule_in_force(code=kind, on=start, jurisdiction=jurisdiction)
    maximum = period_compute(
        jurisdiction=jurisdiction, start=start, length=rule.length, unit=rule.unit
    )
    return _fixed_due(maximum, start=start, due_date=due_date)


def period_proposed(*, kind: str, jurisdiction: Jurisdiction, start: datetime.date) -> Computed:
    """The period rule ``kind`` gives from ``start`` (a proposal a form shows)."""
    rule = rule_in_force(code=kind, on=start, jurisdiction=jurisdiction)
    return period_compute(
        jurisdiction=jurisdiction, start=start, length=rule.length, unit=rule.unit
    )


def _explanation(computed: Computed) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return computed.explanation_zh if language.startswith("zh") else computed.explanation_en


def _fixed_due(maximum: Computed, *, start: datetime.date, due_date: datetime.date) -> Computed:
    """A due date fixed by an officer, checked against the period's maximum and explained."""
    if due_date <= start:
        raise Invalid(
            {
                "due_date": [
                    _("The due date must be after %(start)s, the day the period starts from.")
                    % {"start": start.isoformat()}
                ]
            }
        )
    if due_date > maximum.due:
        raise Invalid(
            {
                "due_date": [
                    _("The due date may be %(max)s at the latest (%(rule)s).")
                    % {"max": maximum.due.isoformat(), "rule": _explanation(maximum)}
                ]
            }
        )
    return dataclasses.replace(
        maximum,
        due=due_date,
        provisional=False,
        explanation_zh=(
            f"期限由执法人员确定为 {due_date.isoformat()}，"
            f"不晚于法定最长期限 {maximum.due.isoformat()}（{maximum.explanation_zh}）"
        ),
        explanation_en=(
            f"Due date fixed by the officer as {due_date.isoformat()}, within the longest "
            f"period allowed, {maximum.due.isoformat()} ({maximum.explanation_en})"
        ),
    )


def deadlines_for(*, subject: models.Model, status: str | None = None) -> models.QuerySet:
    """The legal clocks of ``subject`` (all, or those in ``status``), soonest due first."""
    found = Deadline.objects.filter(
        subject_type=audit.object_label(subject), subject_id=str(subject.pk)
    )
    return found.filter(status=status) if status else found


def _locked_open(deadline: Deadline, *, failing_too: bool = False) -> Deadline:
    locked = Deadline.objects.select_for_update().select_related("jurisdiction").get(pk=deadline.pk)
    allowed = (Deadline.Status.OPEN, Deadline.Status.FAILING) if failing_too else ("open",)
    if locked.status not in allowed:
        raise Conflict(
            _("The deadline is %(status)s.") % {"status": locked.get_status_display()},
            state=locked.status,
            version=locked.version,
        )
    return locked


def _entry(deadline, kind, *, actor, reason, before, after, explained: Computed | None = None):
    return DeadlineEntry.objects.create(
        deadline=deadline,
        kind=kind,
        at=clock.now(),
        actor=actor if actor is not None and actor.pk else None,
        reason=reason,
        due_before=before,
        due_after=after,
        explanation_zh=explained.explanation_zh if explained else "",
        explanation_en=explained.explanation_en if explained else "",
    )


def _audit_change(deadline, change, *, actor, before, after, reason, **extra):
    events.deadline_changed(
        deadline=deadline,
        change=change,
        actor=actor,
        before=before,
        after=after,
        reason=reason,
        rule_reference=rule_reference(deadline.rule),
        **extra,
    )


def _record_change(
    deadline, kind, action, *, actor, reason, before, after, explained=None, **extra
) -> None:
    """Ledger entry, reminders moved with the due date, and the audit event of one change."""
    _entry(
        deadline, kind, actor=actor, reason=reason, before=before, after=after, explained=explained
    )
    if after is not None:
        _reminders_plan(deadline, deadline.rule.reminder_offsets)
    _audit_change(deadline, action, actor=actor, before=before, after=after, reason=reason, **extra)


def deadline_close(*, deadline: Deadline, status: str, actor=None, reason: str = "") -> Deadline:
    """Close an open deadline as met or cancelled (the act was done, or is moot)."""
    if status not in (Deadline.Status.MET, Deadline.Status.CANCELLED):
        raise Invalid({"status": [_("A deadline is closed as met or cancelled.")]})
    with transaction.atomic():
        # The act was done although the clock's handler failed: it may still close.
        locked = _locked_open(deadline, failing_too=True)
        source = locked.status
        locked.status, locked.closed_at = status, clock.now()
        locked.version += 1
        locked.save(update_fields=["status", "closed_at", "version"])
        locked.reminders.filter(fired_at__isnull=True).update(cancelled=True)
        events.deadline_closed(deadline=locked, actor=actor, source=source, reason=reason)
    return locked


def deadline_extend(
    *, deadline: Deadline, new_due_date: datetime.date, reason: str, actor
) -> Deadline:
    """Move a deadline to a later date (an extension granted, with its reason)."""
    with transaction.atomic():
        locked = _locked_open(deadline)
        if new_due_date <= locked.due_date:
            raise Invalid({"new_due_date": [_("An extension must move the due date later.")]})
        if not reason.strip():
            raise Invalid({"reason": [_("Give the reason for the extension.")]})
        before = locked.due_date
        locked.due_date, locked.version = new_due_date, locked.version + 1
        locked.save(update_fields=["due_date", "version"])
        _record_change(
            locked,
            DeadlineEntry.Kind.EXTENSION,
            "extended",
            actor=actor,
            reason=reason,
            before=before,
            after=new_due_date,
        )
    return locked


def deadline_suspend(*, deadline: Deadline, on: datetime.date, reason: str, actor) -> Deadline:
    """Stop the clock from ``on`` (for example while an appeal is pending)."""
    with transaction.atomic():
        locked = _locked_open(deadline)
        if locked.suspended_on is not None:
            raise Conflict(
                _("The deadline is already suspended."), state=locked.status, version=locked.version
            )
        if on > locked.due_date:
            raise Invalid({"on": [_("A deadline cannot be suspended after it is due.")]})
        locked.suspended_on, locked.version = on, locked.version + 1
        locked.save(update_fields=["suspended_on", "version"])
        _record_change(
            locked,
            DeadlineEntry.Kind.SUSPENSION,
            "suspended",
            actor=actor,
            reason=reason,
            before=locked.due_date,
            after=None,
            suspended_on=on,
        )
    return locked


def deadline_resume(*, deadline: Deadline, on: datetime.date, reason: str, actor) -> Deadline:
    """Restart a suspended clock on ``on``: what was left of the period runs again."""
    with transaction.atomic():
        locked = _locked_open(deadline)
        if locked.suspended_on is None:
            raise Conflict(
                _("The deadline is not suspended."), state=locked.status, version=locked.version
            )
        if on < locked.suspended_on:
            raise Invalid({"on": [_("A clock resumes on or after the day it was suspended.")]})
        calendar = work_calendar_for(locked.jurisdiction, first_year=locked.suspended_on.year)
        unit = WORKING_DAYS if locked.unit == WORKING_DAYS else "calendar_days"
        # The day of suspension is not used up: it counts again after resuming.
        left = units_between(
            calendar=calendar, first=locked.suspended_on, last=locked.due_date, unit=unit
        )
        before = locked.due_date
        computed = period_compute(
            jurisdiction=locked.jurisdiction, start=on, length=max(left, 1), unit=unit
        )
        after = max(before, computed.due)  # resuming never shortens anyone's window
        locked.due_date, locked.suspended_on = after, None
        locked.provisional = locked.provisional or computed.provisional
        locked.version += 1
        locked.save(update_fields=["due_date", "suspended_on", "provisional", "version"])
        _record_change(
            locked,
            DeadlineEntry.Kind.RESUMPTION,
            "resumed",
            actor=actor,
            reason=reason,
            before=before,
            after=after,
            explained=computed,
            resumed_on=on,
            units_left=left,
        )
    return locked


def deadlines_recompute_provisional(*, actor=None, years: set[int] | None = None) -> list:
    """Recompute open provisional deadlines now that official calendar data exists.

    A date printed on a served document never changes; a party's window is never
    shortened. Returns the ledger entries of the deadlines whose due date moved.
    """
    changed = []
    pending = Deadline.objects.filter(status=Deadline.Status.OPEN, provisional=True)
    if years:
        pending = pending.filter(Q(start_date__year__in=years) | Q(due_date__year__in=years))
    for deadline_id in pending.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            locked = Deadline.objects.select_for_update().select_related("jurisdiction", "rule")
            locked = locked.filter(pk=deadline_id, status=Deadline.Status.OPEN).first()
            if locked is None or locked.suspended_on is not None or locked.due_fixed:
                continue
            computed = period_compute(
                jurisdiction=locked.jurisdiction,
                start=locked.start_date,
                length=locked.length,
                unit=locked.unit,
            )
            before, after = locked.due_date, computed.due
            if locked.printed_due_date is not None:
                after = before
            elif locked.party_facing:
                after = max(before, after)
            if locked.ledger.filter(kind=DeadlineEntry.Kind.EXTENSION).exists():
                after = max(before, after)  # an extension granted is never taken back
            locked.provisional = computed.provisional
            locked.explanation_zh, locked.explanation_en = (
                computed.explanation_zh,
                computed.explanation_en,
            )
            moved = after != before
            locked.due_date = after
            locked.version += 1
            locked.save(
                update_fields=[
                    "due_date",
                    "provisional",
                    "explanation_zh",
                    "explanation_en",
                    "version",
                ]
            )
            if moved:
                changed.append(
                    _entry(
                        locked,
                        DeadlineEntry.Kind.RECOMPUTATION,
                        actor=actor,
                        reason=_("Official calendar loaded."),
                        before=before,
                        after=after,
                        explained=computed,
                    )
                )
                _reminders_plan(locked, locked.rule.reminder_offsets)
            _audit_change(
                locked,
                "recomputed",
                actor=actor,
                before=before,
                after=after,
                reason="official calendar loaded",
                provisional=computed.provisional,
            )
    return changed


# -- official calendar data ----------------------------------------------------------


def calendar_load(
    *, rows: list[CalendarRow], jurisdiction=None, actor=None, sha256: str = ""
) -> CalendarLoaded:
    """Replace the calendar days of the years the rows cover, then recompute.

    Open provisional deadlines touching those years are recomputed afterwards;
    the result lists the ledger entries of those whose due date moved.
    """
    loaded = calendar_days_replace(rows=rows, jurisdiction=jurisdiction, actor=actor, sha256=sha256)
    loaded.changed = deadlines_recompute_provisional(actor=actor, years=set(loaded.years))
    return loaded


# -- the sweep ---------------------------------------------------------------------------


def max_attempts() -> int:
    """How often a failing deadline or reminder is tried before it is left to an administrator."""
    return settings.CASEWORK_SWEEP_MAX_ATTEMPTS


AT_RISK_WORKING_DAYS = 1  # a reminder this close to the due day puts a task before a supervisor


def _escalate(deadline: Deadline, level: str) -> None:
    """An agency clock at risk or missed: a task in the supervisor's inbox (once)."""
    from casework.flows import escalation_raise  # Viewflow loads after the models

    escalation_raise(deadline=deadline, level=level)


def _fire_one(deadline: Deadline, now: datetime.datetime) -> None:
    actor = deadline_actor(deadline)
    handler = _fire_handlers.get(deadline.kind)
    if handler is not None:
        handler(deadline, now)
    _escalate(deadline, ClockEscalation.Level.MISSED)
    deadline.status, deadline.fired_at, deadline.closed_at = Deadline.Status.MISSED, now, now
    deadline.version += 1
    deadline.save(update_fields=["status", "fired_at", "closed_at", "version"])
    # Its reminders' days came before its due day, so none is pending in the usual
    # case; one that is (a failing one) is cancelled by the reminder sweep.
    events.deadline_fired(deadline=deadline, actor=actor, now=now)


def _remind_one(reminder: DeadlineReminder, now: datetime.datetime) -> None:
    deadline = reminder.deadline
    if deadline.status != Deadline.Status.OPEN:
        # Closed or fired meanwhile: nothing to remind of; the index forgets the row.
        DeadlineReminder.objects.filter(pk=reminder.pk).update(cancelled=True)
        return
    handler = _reminder_handlers.get(deadline.kind)
    if handler is not None:
        handler(deadline, now)
    if reminder.offset <= AT_RISK_WORKING_DAYS:
        _escalate(deadline, ClockEscalation.Level.AT_RISK)
    DeadlineReminder.objects.filter(pk=reminder.pk).update(fired_at=now)
    events.reminder_fired(
        reminder=reminder, actor=deadline_actor(deadline), now=now, due_date=deadline.due_date
    )


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _deadline_failed(deadline: Deadline, exc: Exception, now: datetime.datetime) -> None:
    """Count the failed attempt; at the limit, mark the deadline failing (audited)."""
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().filter(
            pk=deadline.pk, status=Deadline.Status.OPEN
        )
        locked = locked.first()
        if locked is None:
            return  # another sweep fired it meanwhile
        locked.attempts += 1
        locked.last_error = _error(exc)
        fields = ["attempts", "last_error"]
        if locked.attempts >= max_attempts():
            locked.status, locked.version = Deadline.Status.FAILING, locked.version + 1
            fields += ["status", "version"]
        locked.save(update_fields=fields)
        if locked.status == Deadline.Status.FAILING:
            events.deadline_failing(
                deadline=locked,
                actor=deadline_actor(locked),
                attempts=locked.attempts,
                error=locked.last_error,
                now=now,
            )


def _reminder_failed(reminder: DeadlineReminder, exc: Exception, now: datetime.datetime) -> None:
    """Count the failed attempt; at the limit, mark the reminder failing (audited)."""
    with transaction.atomic():
        locked = DeadlineReminder.objects.select_for_update(of=("self",)).select_related("deadline")
        locked = locked.filter(pk=reminder.pk, fired_at__isnull=True, failing=False).first()
        if locked is None:
            return
        locked.attempts += 1
        locked.last_error = _error(exc)
        locked.failing = locked.attempts >= max_attempts()
        locked.save(update_fields=["attempts", "last_error", "failing"])
        if locked.failing:
            events.reminder_failing(
                reminder=locked,
                actor=deadline_actor(locked.deadline),
                attempts=locked.attempts,
                error=locked.last_error,
                now=now,
            )


@sweep_handler("deadlines")
def deadlines_fire_due(now: datetime.datetime) -> int:
    """Fire every open, running deadline whose due date is before today; return the count."""
    today = timezone.localdate(now)
    return due_rows_process(
        pending=lambda failed: (
            Deadline.objects.filter(
                status=Deadline.Status.OPEN, due_date__lt=today, suspended_on__isnull=True
            )
            .exclude(pk__in=failed)
            .order_by("due_date", "pk")
        ),
        act=_fire_one,
        on_failure=_deadline_failed,
        now=now,
    )


@sweep_handler("deadline_reminders")
def reminders_fire_due(now: datetime.datetime) -> int:
    """Fire every pending reminder whose day has come; each fires once."""
    today = timezone.localdate(now)
    return due_rows_process(
        pending=lambda failed: (
            DeadlineReminder.objects.filter(
                fired_at__isnull=True, cancelled=False, failing=False, remind_on__lte=today
            )
            .exclude(pk__in=failed)
            .order_by("remind_on", "pk")
        ),
        act=_remind_one,
        on_failure=_reminder_failed,
        now=now,
    )


def deadline_retry(*, deadline: Deadline, actor) -> Deadline:
    """Hand a failing deadline and its failing reminders back to the sweep (an admin's act)."""
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        reminders = locked.reminders.filter(failing=True)
        if locked.status != Deadline.Status.FAILING and not reminders.exists():
            raise Conflict(
                _("Nothing of this deadline is failing."),
                state=locked.status,
                version=locked.version,
            )
        source = locked.status
        if source == Deadline.Status.FAILING:
            locked.status, locked.attempts = Deadline.Status.OPEN, 0
            locked.version += 1
            locked.save(update_fields=["status", "attempts", "version"])
        reminders.update(failing=False, attempts=0)
        events.deadline_retried(deadline=locked, actor=actor, source=source)
    return locked
