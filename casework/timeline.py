"""The timeline of a case object: its audit events in order, with what a person reads.

One selector for every interface: the API serialises ``timeline_events``, the
staff pages and the portal render ``timeline_for``.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from casework.actors import SYSTEM_ROLE
from casework.audit import event_kind_get, object_label
from casework.events import TRANSITION_PERFORMED
from casework.models import AuditEvent, User
from casework.transitions import state_label, transition_label


@dataclass(frozen=True)
class TimelineEntry:
    number: int  # within the case, from 1 (never the global audit sequence)
    event: AuditEvent
    label: str
    actor: str
    source: str
    target: str
    details: str


def timeline_events(*, obj: models.Model) -> QuerySet[AuditEvent]:
    """The audit events recorded on ``obj``, oldest first."""
    return AuditEvent.objects.filter(object_type=object_label(obj), object_id=str(obj.pk)).order_by(
        "seq"
    )


def event_label(model: type[models.Model], event: AuditEvent) -> str:
    """What happened, in words: the transition's label, or the event kind's."""
    if event.action == TRANSITION_PERFORMED.action:
        return transition_label(model, event.transition)
    kind = event_kind_get(event.action)
    return str(kind.label) if kind else event.action


def actor_name(event: AuditEvent) -> str:
    """Who acted, as a person reads it: a name, never a username."""
    if event.actor_role == SYSTEM_ROLE:
        return _("The system")
    actor = event.actor
    if actor is not None and actor.get_full_name():
        return actor.get_full_name()
    if event.actor_role in User.Role.values:
        return str(User.Role(event.actor_role).label)
    return "—"


def _details(payload: dict) -> str:
    def text(value):
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)

    return "; ".join(f"{key}: {text(value)}" for key, value in payload.items())


def timeline_for(*, obj: models.Model) -> list[TimelineEntry]:
    """The timeline of ``obj`` (the caller has checked that it may be seen)."""
    model = type(obj)
    return [
        TimelineEntry(
            number=number,
            event=event,
            label=event_label(model, event),
            actor=actor_name(event),
            source=state_label(model, event.source_state) if event.source_state else "",
            target=state_label(model, event.target_state) if event.target_state else "",
            details=_details(event.payload),
        )
        for number, event in enumerate(timeline_events(obj=obj).select_related("actor"), 1)
    ]
