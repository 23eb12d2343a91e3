"""Labels a person reads for codes that have no choices of their own.

Deadline kinds are the rule codes of ``calendar_data/period-rules.csv``; audit
actions are the registered event kinds (``casework.audit.event_kind``); roles
are ``User.Role`` (and the system's). Each function answers in the active
language, and an unknown code falls back to a readable form, never the code.
"""

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import transitions
from casework.actors import SYSTEM_ROLE
from casework.audit import event_kind_get
from casework.deadline_kinds import DEADLINE_KINDS as DEADLINE_KINDS  # re-exported
from casework.deadline_kinds import deadline_kind_label as deadline_kind_label
from casework.deadline_kinds import readable
from casework.models import User

# What starts a legal clock (``Deadline.start_event``).
START_EVENTS = {
    "served": gettext_lazy("Document served"),
    "extension_requested": gettext_lazy("Extension requested"),
    "completion_reported": gettext_lazy("Completion reported"),
    "due_date_passed": gettext_lazy("Due date passed"),
}


def start_event_label(event: str) -> str:
    """What started a legal clock, in words."""
    label = START_EVENTS.get(event)
    if label is not None:
        return str(label)
    return action_label(event) if event_kind_get(event) else readable(event)


def action_label(action: str) -> str:
    """The label of an audit action, as its event kind declares it."""
    kind = event_kind_get(action)
    return str(kind.label) if kind is not None else readable(action)


def role_label(role: str) -> str:
    """The name of a user's role; the system's acts are the system's."""
    if not role:
        return ""
    if role == SYSTEM_ROLE:
        return _("The system")
    if role in User.Role.values:
        return str(User.Role(role).label)
    return readable(role)


def model_label(label_lower: str) -> str:
    """The name of a model recorded as ``app_label.model_name`` (an audit event's object type)."""
    if not label_lower:
        return ""
    try:
        model = apps.get_model(label_lower)
    except (LookupError, ValueError):
        return readable(label_lower)
    return str(model._meta.verbose_name)


def model_of(label_lower: str):
    """The model recorded as ``app_label.model_name``, or None."""
    try:
        return apps.get_model(label_lower) if label_lower else None
    except (LookupError, ValueError):
        return None


def transition_label(object_type: str, name: str) -> str:
    """The label of transition ``name`` of the model recorded as ``object_type``."""
    if not name:
        return ""
    model = model_of(object_type)
    label = transitions.transition_label(model, name) if model is not None else name
    return readable(name) if label == name else label


def state_label(object_type: str, value: str) -> str:
    """The label of state ``value`` of the model recorded as ``object_type``."""
    if not value:
        return ""
    model = model_of(object_type)
    label = transitions.state_label(model, value) if model is not None else value
    return readable(value) if label == value else label
