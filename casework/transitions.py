"""The uniform transition mechanism for every state machine.

Each model declares its transitions with django-fsm-2 (``@transition`` with a
``permission`` callable and ``custom={"label": ...}``); each app registers, per
transition, the serializer that validates its payload. ``transition_perform`` is
the one service every interface calls: it locks the object, checks permission,
version and state, validates the payload, runs the transition, bumps the version
and writes exactly one audit event — or writes nothing at all.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import Transition
from rest_framework import serializers

from casework import audit, clock
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
        _fsm_transitions(model, name)  # fail at import time on a typo
        payload.transition_name = name
        _registry.setdefault(model, {})[name] = Registered(model, name, payload)
        return payload

    return decorate


def registered(model: type[models.Model]) -> dict[str, Registered]:
    return _registry.get(model, {})


def _fsm_transitions(model: type[models.Model], name: str) -> list[Transition]:
    method = getattr(model, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise LookupError(f"{model.__name__}.{name} is not an FSM transition")
    return list(meta.transitions.values())


def _state_field(model: type[models.Model], name: str) -> str:
    return getattr(model, name)._django_fsm.field.name


def _is_permitted(instance: models.Model, name: str, user) -> bool:
    return any(t.has_perm(instance, user) for t in _fsm_transitions(type(instance), name))


def _from_current_state(instance: models.Model, name: str) -> Transition | None:
    meta = getattr(type(instance), name)._django_fsm
    return meta.get_transition(getattr(instance, meta.field.name))


def _unmet_condition(instance: models.Model, transition: Transition) -> str | None:
    for condition in transition.conditions:
        if not condition(instance):
            return str(getattr(condition, "message", "") or _("A condition is not met."))
    return None


def field_descriptions(payload: type[Payload]) -> list[dict[str, Any]]:
    """Describe a payload's fields for clients: name, type, required, label, choices."""
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
        transition = _from_current_state(instance, name)
        if transition is None or not transition.has_perm(instance, user):
            continue
        if _unmet_condition(instance, transition) is not None:
            continue
        available.append(
            {
                "name": name,
                "label": str(transition.custom.get("label", name)),
                "target": transition.target,
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

    ``queryset`` must already be limited to what the actor may see. Raises
    NotVisible, Forbidden, Conflict or Invalid; on any of them nothing is written.
    """
    entry = registered(queryset.model).get(name)
    if entry is None:
        raise NotVisible(_("No such transition."))
    with transaction.atomic():
        # Lock only this row, not the rows joined by the visibility filter.
        instance = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
        if instance is None:
            raise NotVisible()
        state_field = _state_field(queryset.model, name)
        source = getattr(instance, state_field)
        if not _is_permitted(instance, name, actor):
            raise Forbidden()
        if version is not None and version != instance.version:
            raise Conflict(
                _("The object has changed since you read it (version %(yours)s, now %(now)s).")
                % {"yours": version, "now": instance.version},
                state=source,
                version=instance.version,
            )
        transition = _from_current_state(instance, name)
        if transition is None:
            raise Conflict(
                _("“%(name)s” is not possible from state “%(state)s”.")
                % {"name": name, "state": source},
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
        audit.audit_record(
            action="transition",
            actor=actor,
            obj=instance,
            transition=name,
            source_state=source,
            target_state=getattr(instance, state_field),
            payload=payload.audit_payload(),
        )
    return instance
