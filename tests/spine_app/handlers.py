"""The ticket's payloads and its deadline handler, registered from ``ready()``."""

from rest_framework import serializers

from casework.deadlines import deadline_actor, deadline_handler
from casework.transitions import Payload, register, transition_perform
from tests.spine_app.models import Ticket

TICKET_DUE = "test_ticket_due"


@register(Ticket, "escalate")
class EscalatePayload(Payload):
    pass


@register(Ticket, "close")
class ClosePayload(Payload):
    reason = serializers.CharField(max_length=200)


@deadline_handler(TICKET_DUE)
def ticket_due(deadline, now):
    """The ticket's deadline passed: the system escalates it, if still open."""
    ticket = Ticket.objects.filter(pk=deadline.subject_id, state=Ticket.State.OPEN).first()
    if ticket is None:
        return  # closed meanwhile: nothing to escalate
    transition_perform(
        queryset=Ticket.objects.all(),
        pk=ticket.pk,
        name="escalate",
        actor=deadline_actor(deadline),
        data={},
    )


TICKET_DUE_BROKEN = "test_ticket_due_broken"


@deadline_handler(TICKET_DUE_BROKEN)
def ticket_due_then_fail(deadline, now):
    """Escalate, then fail as a notice service that is down would: nothing may remain."""
    ticket_due(deadline, now)
    raise RuntimeError("the notice service is down")
