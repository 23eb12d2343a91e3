from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from casework.transitions import system_only


def _is_supervisor(instance, user) -> bool:
    return user.has_role("supervisor")


class Ticket(FSMModelMixin, models.Model):
    """A case with a deadline: escalated by the system when it passes, closed by a supervisor."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ESCALATED = "escalated", "Escalated"
        CLOSED = "closed", "Closed"

    state = FSMField(default=State.OPEN, choices=State.choices, protected=True)
    version = models.PositiveIntegerField(default=0)
    reason = models.TextField(blank=True)

    @transition(
        field=state,
        source=State.OPEN,
        target=State.ESCALATED,
        permission=system_only,
        custom={"label": "Escalate", "system": True},
    )
    def escalate(self):
        pass

    @transition(
        field=state,
        source=[State.OPEN, State.ESCALATED],
        target=State.CLOSED,
        permission=_is_supervisor,
        custom={"label": "Close"},
    )
    def close(self, *, reason):
        self.reason = reason
