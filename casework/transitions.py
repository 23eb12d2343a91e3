"""The uniform transition mechanism for every state machine.

Each model declares its transitions with django-fsm-2 (``@transition`` with a
``permission`` callable and ``custom={"label": ...}``); each app registers, per
transition, the serializer that validates its payload. ``transition_perform`` is
the one service every interface calls — API, pages, flows and the sweep, which
acts as the system (``casework.actors``) — : it locks the object, checks
permission, version and state, validates the payload, runs the transition, bumps
the version and writes exactly one audit event — or writes nothing at all.

A transition that only the system takes (a deadline passing) carries
``custom={"system": True}`` and ``permission=system_only``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMFieldMixin, Transition
from rest_framework import serializers

from casework import clock, events
from casework.actors import is_system
from casework.exceptions import Conflict, Forbidden, Invalid, NotVisible


class Payload(serializers.Serializer):
    """Base payload: ``self.context`` carries ``instance``, ``actor`` and ``now``.

    ``apply(instance)`` runs the FSM method; override it when a transition also
    writes related rows (it runs inside the same transaction, after validation).
    """

    transition_name: str = ""

    def apply(self, instance: models.Model) -> None:
        getattr(instance, self.transition_name)(**self.validated_data)

    def audit_payload(self) -> dict[str, Any]:
        return dict(self.data)


@dataclass(frozen=True)
class Registered:
    model: type[models.Model]
    name: str
    payload: type[Payload]


_registry: dict[type[models.Model], dict[str, Registered]] = {}


def register(model: type[models.Model], name: str) -> Callable[[type[Payload]], type[Payload]]:
    """Register ``name`` of ``model`` for the API, validated by the decorated payload class."""

    def decorate(payload: type[Payload]) -> type[Payload]:
        fsm_transitions(model, name)  # fail at import time on a typo
        payload.transition_name = name
        _registry.setdefault(model, {})[name] = Registered(model, name, payload)
        return payload

    return decorate


Observer = Callable[[models.Model, str, Any], None]
_observers: dict[type[models.Model], list[Observer]] = {}


def transition_observe(model: type[models.Model], observer: Observer) -> None:
    """Call ``observer(instance, name, actor)`` after every transition of ``model``.

    It runs inside the transition's transaction, after the audit event: what it
    writes (a flow's tasks kept in step with the state) is undone with the
    transition if anything fails. Apps register observers from ``ready()``.
    """
    _observers.setdefault(model, []).append(observer)


def observers_notify(instance: models.Model, name: str, actor) -> None:
    """Tell the observers of ``instance``'s model that ``name`` happened (or, "", it was made)."""
    for observer in _observers.get(type(instance), ()):
        observer(instance, name, actor)


def registered(model: type[models.Model]) -> dict[str, Registered]:
    return _registry.get(model, {})


def registered_all() -> dict[type[models.Model], dict[str, Registered]]:
    return {model: dict(entries) for model, entries in _registry.items()}


# -- reading the state machines (django-fsm-2's public API, in one place) ------------


def _state_fields(model: type[models.Model]) -> list[FSMFieldMixin]:
    return [f for f in model._meta.get_fields() if isinstance(f, FSMFieldMixin)]


def fsm_transitions(model: type[models.Model], name: str) -> tuple[FSMFieldMixin, list[Transition]]:
    """The state field that transition ``name`` moves, and its declarations (one per source)."""
    for state_field in _state_fields(model):
        found = [t for t in state_field.get_all_transitions(model) if t.name == name]
        if found:
            return state_field, found
    raise LookupError(f"{model.__name__}.{name} is not an FSM transition")


def _is_system_only(transitions: list[Transition]) -> bool:
    return any(t.custom.get("system") for t in transitions)


def _from_state(transitions: list[Transition], state: str) -> Transition | None:
    for t in transitions:
        if t.source == state or t.source == "*" or (t.source == "+" and t.target != state):
            return t
    return None


def transition_label(model: type[models.Model], name: str) -> str:
    """The label a person reads for transition ``name`` (its ``custom["label"]``)."""
    try:
        _field, transitions = fsm_transitions(model, name)
    except LookupError:
        return name
    return str(transitions[0].custom.get("label", name))


def transition_custom(model: type[models.Model], name: str) -> dict:
    """The ``custom`` of transition ``name``: its label, and what a page must ask first.

    ``confirm``: the question a page asks before an irreversible transition;
    ``danger``: the transition ends the case (shown apart from the others).
    """
    try:
        _field, transitions = fsm_transitions(model, name)
    except LookupError:
        return {}
    return dict(transitions[0].custom)


def state_label(model: type[models.Model], value: str) -> str:
    """The label of state ``value`` of ``model``'s state field."""
    for state_field in _state_fields(model):
        label = dict(state_field.flatchoices).get(value)
        if label is not None:
            return str(label)
    return value


def system_only(instance: models.Model, actor) -> bool:
    """Permission of a transition that only the system takes (``custom={"system": True}``)."""
    return is_system(actor)


def _unmet_condition(instance: models.Model, transition: Transition) -> str | None:
    for condition in transition.conditions:
        if not condition(instance):
            return str(getattr(condition, "message", "") or _("A condition is not met."))
    return None


def field_descriptions(payload: type[Payload]) -> list[dict[str, Any]]:
    """Describe a payload's fields for clients: name, type, required, label, choices, max_length."""
    described = []
    for name, field in payload().fields.items():
        if field.read_only:
            continue
        entry = {
            "name": name,
            "type": type(field).__name__.removesuffix("Field").lower() or "field",
            "required": field.required,
            "label": str(field.label or name),
            "help_text": str(field.help_text or ""),
        }
        if getattr(field, "max_length", None):
            entry["max_length"] = field.max_length
        if isinstance(field, serializers.ListField | serializers.ManyRelatedField):
            entry["type"] = "list"
        choices = getattr(field, "choices", None)
        if choices and isinstance(field, serializers.ChoiceField):
            entry["choices"] = [{"value": k, "label": str(v)} for k, v in choices.items()]
        described.append(entry)
    return described


def transitions_available(*, instance: models.Model, user) -> list[dict[str, Any]]:
    """List the registered transitions ``user`` may take on ``instance`` now."""
    available = []
    for name, entry in registered(type(instance)).items():
        state_field, transitions = fsm_transitions(type(instance), name)
        if _is_system_only(transitions) != is_system(user):
            continue
        transition = _from_state(transitions, getattr(instance, state_field.name))
        if transition is None or not transition.has_perm(instance, user):
            continue
        if _unmet_condition(instance, transition) is not None:
            continue
        available.append(
            {
                "name": name,
                "label": str(transition.custom.get("label", name)),
                # A target chosen by the payload (RETURN_VALUE) is named by none.
                "target": transition.target if isinstance(transition.target, str) else None,
                "fields": field_descriptions(entry.payload),
            }
        )
    return available


def transition_perform(
    *,
    queryset: models.QuerySet,
    pk: Any,
    name: str,
    actor,
    data: dict[str, Any],
    version: int | None = None,
) -> models.Model:
    """Perform transition ``name`` on the object ``pk`` of ``queryset`` as ``actor``.

    ``queryset`` must already be limited to what the actor may see. ``actor`` is a
    user, or a ``SystemActor`` for a transition marked ``custom={"system": True}``:
    a person may not take a system-only transition, nor the system a person's.
    ``data`` is plain data (a dict), whichever interface calls. Raises NotVisible,
    Forbidden, Conflict or Invalid; on any of them nothing is written.
    """
    entry = registered(queryset.model).get(name)
    if entry is None:
        raise NotVisible(_("No such transition."))
    state_field, transitions = fsm_transitions(queryset.model, name)
    with transaction.atomic():
        # Lock only this row, not the rows joined by the visibility filter.
        instance = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
        if instance is None:
            raise NotVisible()
        source = getattr(instance, state_field.name)
        if _is_system_only(transitions) != is_system(actor):
            raise Forbidden()
        if not any(t.has_perm(instance, actor) for t in transitions):
            raise Forbidden()
        if version is not None and version != instance.version:
            raise Conflict(
                _("The object has changed since you read it (version %(yours)s, now %(now)s).")
                % {"yours": version, "now": instance.version},
                state=source,
                version=instance.version,
            )
        transition = _from_state(transitions, source)
        if transition is None:
            raise Conflict(
                _("“%(name)s” is not possible from state “%(state)s”.")
                % {
                    "name": transition_label(type(instance), name),
                    "state": state_label(type(instance), source),
                },
                state=source,
                version=instance.version,
            )
        unmet = _unmet_condition(instance, transition)
        if unmet is not None:
            raise Conflict(unmet, state=source, version=instance.version)
        payload = entry.payload(
            data=data, context={"instance": instance, "actor": actor, "now": clock.now()}
        )
        if not payload.is_valid():
            raise Invalid(payload.errors)
        payload.apply(instance)
        instance.version += 1
        instance.save()
        events.transition_performed(
            instance=instance,
            actor=actor,
            transition=name,
            source=source,
            target=getattr(instance, state_field.name),
            payload=payload.audit_payload(),
        )
        observers_notify(instance, name, actor)
    return instance
