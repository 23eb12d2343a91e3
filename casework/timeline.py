"""The timeline of a case object: its audit events in order, with what a person reads.

One selector for every interface: the API serialises ``timeline_events``, the
staff pages and the portal render ``timeline_for``: one sentence per event in
the reader's language, said by the renderer its app registered
(``sentence_register``) or, failing one, from the event's label and states.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from casework.actors import SYSTEM_ROLE
from casework.audit import event_kind_get, object_label
from casework.events import TRANSITION_PERFORMED
from casework.models import AuditEvent, User
from casework.transitions import state_label, transition_label


@dataclass(frozen=True)
class Sentence:
    """What a timeline says of one event, and where its file or document is."""

    text: str
    link: str = ""


# action, or "action:transition", -> how to say it (None: say it the default way).
Renderer = Callable[[AuditEvent, str, dict], Sentence | None]
_renderers: dict[str, Renderer] = {}


def sentence_register(
    action: str, render: Renderer, *, transition: str = "", model: type[models.Model] | None = None
) -> None:
    """Say events of ``action`` (of ``transition``, for transitions) with ``render``.

    ``render(event, actor_name, cache)`` returns the sentence in the active
    language; ``cache`` lives for one timeline, for what several events share.
    With ``model``, only events of that model's objects (two lifecycles may
    both have a ``withdraw``). Apps register their events' sentences from
    ``AppConfig.ready()``.
    """
    key = f"{action}:{transition}" if transition else action
    _renderers[f"{key}@{model._meta.label_lower}" if model is not None else key] = render


@dataclass(frozen=True)
class TimelineEntry:
    number: int  # within the case, from 1 (never the global audit sequence)
    event: AuditEvent
    label: str
    actor: str
    role: str
    sentence: str
    link: str
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


def role_label(event: AuditEvent) -> str:
    if event.actor_role == SYSTEM_ROLE:
        return ""
    if event.actor_role in User.Role.values:
        return str(User.Role(event.actor_role).label)
    return ""


def _default_sentence(model, event: AuditEvent, actor: str) -> Sentence:
    label = event_label(model, event)
    if event.action == TRANSITION_PERFORMED.action and event.target_state:
        return Sentence(
            _("%(actor)s: %(label)s (%(source)s → %(target)s)")
            % {
                "actor": actor,
                "label": label,
                "source": state_label(model, event.source_state) if event.source_state else "—",
                "target": state_label(model, event.target_state),
            }
        )
    return Sentence(_("%(actor)s: %(label)s") % {"actor": actor, "label": label})


def _sentence(model, event: AuditEvent, actor: str, cache: dict) -> Sentence:
    key = f"{event.action}:{event.transition}"
    render = (
        _renderers.get(f"{key}@{event.object_type}")
        or _renderers.get(key)
        or _renderers.get(event.action)
    )
    said = render(event, actor, cache) if render else None
    return said or _default_sentence(model, event, actor)


def timeline_for(*, obj: models.Model, related: Iterable[models.Model] = ()) -> list[TimelineEntry]:
    """The timeline of a case: the events of ``obj`` and of ``related`` objects, in one list.

    The caller has checked that they may be seen. Numbered within the case.
    """
    members = [obj, *related]
    models_by_label = {object_label(member): type(member) for member in members}
    where = Q(pk__in=[])
    for member in members:
        where |= Q(object_type=object_label(member), object_id=str(member.pk))
    events = AuditEvent.objects.filter(where).select_related("actor").order_by("seq")
    cache: dict = {}
    entries = []
    for number, event in enumerate(events, 1):
        model = models_by_label.get(event.object_type, type(obj))
        actor = actor_name(event)
        said = _sentence(model, event, actor, cache)
        entries.append(
            TimelineEntry(
                number=number,
                event=event,
                label=event_label(model, event),
                actor=actor,
                role=role_label(event),
                sentence=said.text,
                link=said.link,
                source=state_label(model, event.source_state) if event.source_state else "",
                target=state_label(model, event.target_state) if event.target_state else "",
                details=_details(event.payload),
            )
        )
    return entries
