"""Who acts: a person (a ``User``), or the system itself.

A transition that no person takes — a deadline passing, a rule applying — is
performed by a ``SystemActor`` through the same service as a person's, and its
audit event names the system (role ``system``) and the cause: the deadline or
the rule that made it act.
"""

from dataclasses import dataclass, field
from typing import Any

SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class SystemActor:
    """The system acting on its own; ``cause`` says why, ``rule_versions`` under which rule."""

    cause: dict[str, Any]
    rule_versions: dict[str, str] = field(default_factory=dict)

    # What the permission callables and the audit writer read from a user.
    pk = None
    username = ""
    role = SYSTEM_ROLE
    is_system = True
    is_active = False
    is_authenticated = False
    is_enterprise_user = False
    is_staff_role = False

    def has_role(self, *roles: str) -> bool:
        return False

    def __str__(self):
        return SYSTEM_ROLE


def is_system(actor) -> bool:
    return getattr(actor, "is_system", False) is True
