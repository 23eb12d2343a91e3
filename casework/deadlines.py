"""Legal clocks as rows: open, extend, suspend, resume, close, recompute, and fire.

Every period comes from the rule table (``PeriodRule``), in the version in force
on the date of the procedural act, and is counted on the jurisdiction's calendar
(``casework.calendars``). The sweep fires a deadline once its due date has
passed (the whole due day belongs to whoever must act) by calling the handler
registered for its kind; it fires each reminder once.
"""

import datetime
import logging
from collections.abc import Callable

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import audit, clock, events
from casework.actors import SystemActor
from casework.calendars import work_calendar_for
from casework.exceptions import Conflict, Invalid
from casework.models import (
    Deadline,
    DeadlineEntry,
    DeadlineReminder,
    Jurisdiction,
    PeriodRule,
)
from casework.sweeps import sweep_handler
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


# -- rules and computation ---------------------------------------------------------


def rule_in_force(*, code: str, on: datetime.date, jurisdiction: Jurisdiction | None) -> PeriodRule:
    """The version of rule ``code`` in force on ``on`` for ``jurisdiction``."""
    codes = [c for c in (jurisdiction.path.strip("/").split("/") if jurisdiction else []) if c]
    candidates = list(
        PeriodRule.objects.filter(code=code, effective_from__lte=on).filter(
            Q(jurisdiction__isnull=True) | Q(jurisdiction__in=codes)
        )
    )
    if not candidates:
        raise Invalid(
            {
                "kind": [
                    _("No rule “%(code)s” is in force on %(day)s.")
                    % {"code": code, "day": on.isoformat()}
                ]
            }
        )
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
) -> Deadline:
    """Open the legal clock ``kind`` for ``subject``, running from ``start_event``."""
    start_date = timezone.localdate(started_at)
    rule = rule_in_force(code=kind, on=start_date, jurisdiction=jurisdiction)
    computed = period_compute(
        jurisdiction=jurisdiction, start=start_date, length=rule.length, unit=rule.unit
    )
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


def _locked_open(deadline: Deadline) -> Deadline:
    locked = Deadline.objects.select_for_update().select_related("jurisdiction").get(pk=deadline.pk)
    if locked.status != Deadline.Status.OPEN:
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
        locked = _locked_open(deadline)
        locked.status, locked.closed_at = status, clock.now()
        locked.version += 1
        locked.save(update_fields=["status", "closed_at", "version"])
        locked.reminders.filter(fired_at__isnull=True).update(cancelled=True)
        events.deadline_closed(
            deadline=locked, actor=actor, source=Deadline.Status.OPEN, reason=reason
        )
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
            if locked is None or locked.suspended_on is not None:
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


# -- the sweep ---------------------------------------------------------------------------


def _fire_one(deadline: Deadline, now: datetime.datetime) -> None:
    handler = _fire_handlers.get(deadline.kind)
    if handler is not None:
        handler(deadline, now)
    deadline.status, deadline.fired_at, deadline.closed_at = Deadline.Status.MISSED, now, now
    deadline.version += 1
    deadline.save(update_fields=["status", "fired_at", "closed_at", "version"])
    deadline.reminders.filter(fired_at__isnull=True).update(cancelled=True)
    events.deadline_fired(deadline=deadline, actor=deadline_actor(deadline), now=now)


def _remind_one(reminder: DeadlineReminder, now: datetime.datetime) -> None:
    handler = _reminder_handlers.get(reminder.deadline.kind)
    if handler is not None:
        handler(reminder.deadline, now)
    reminder.fired_at = now
    reminder.save(update_fields=["fired_at"])
    events.reminder_fired(
        reminder=reminder,
        actor=deadline_actor(reminder.deadline),
        now=now,
        due_date=reminder.deadline.due_date,
    )


def _sweep(
    *,
    pending: Callable[[set], models.QuerySet],
    act: Callable[[models.Model, datetime.datetime], None],
    on_failure: Callable[[models.Model, Exception], None],
    now: datetime.datetime,
) -> int:
    """Act on each pending row once, one short transaction per row.

    ``FOR UPDATE SKIP LOCKED`` lets concurrent sweeps share the work without
    waiting; one row per transaction keeps the audit head (the last lock every
    writer takes) from being held while another row lock is awaited, which is
    what makes concurrent sweeps and services deadlock-free.
    """
    done, failed = 0, set()
    while True:
        with transaction.atomic():
            row = pending(failed).select_for_update(skip_locked=True, of=("self",)).first()
            if row is None:
                return done
            try:
                with transaction.atomic():
                    act(row, now)
                done += 1
            except Exception as exc:  # recorded, retried on the next tick
                logger.exception("sweep: %s %s failed", type(row).__name__, row.pk)
                failed.add(row.pk)
                on_failure(row, exc)


def _record_failure(deadline: Deadline, exc: Exception) -> None:
    Deadline.objects.filter(pk=deadline.pk).update(
        attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"
    )


@sweep_handler("deadlines")
def deadlines_fire_due(now: datetime.datetime) -> int:
    """Fire every open, running deadline whose due date is before today; return the count."""
    today = timezone.localdate(now)
    return _sweep(
        pending=lambda failed: (
            Deadline.objects.filter(
                status=Deadline.Status.OPEN, due_date__lt=today, suspended_on__isnull=True
            )
            .exclude(pk__in=failed)
            .order_by("due_date", "pk")
        ),
        act=_fire_one,
        on_failure=_record_failure,
        now=now,
    )


@sweep_handler("deadline_reminders")
def reminders_fire_due(now: datetime.datetime) -> int:
    """Fire every pending reminder whose day has come; each fires once."""
    today = timezone.localdate(now)
    return _sweep(
        pending=lambda failed: (
            DeadlineReminder.objects.select_related("deadline")
            .filter(
                fired_at__isnull=True,
                cancelled=False,
                remind_on__lte=today,
                deadline__status=Deadline.Status.OPEN,
            )
            .exclude(pk__in=failed)
            .order_by("remind_on", "pk")
        ),
        act=_remind_one,
        on_failure=lambda reminder, exc: None,
        now=now,
    )
