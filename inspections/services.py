"""Inspection verbs other than transitions (those go through casework.transitions)."""

import datetime

from django.db import transaction

from casework import audit, clock
from casework.exceptions import Forbidden
from inspections.models import Inspection


def inspection_create(
    *, actor, enterprise, planned_on: datetime.date, officers: list
) -> Inspection:
    """Plan an inspection of ``enterprise`` by ``officers``."""
    if not actor.has_role("officer", "supervisor"):
        raise Forbidden()
    with transaction.atomic():
        inspection = Inspection.objects.create(
            enterprise=enterprise, planned_on=planned_on, created_by=actor, created_at=clock.now()
        )
        inspection.officers.set(officers)
        audit.audit_record(
            action="create",
            actor=actor,
            obj=inspection,
            target_state=inspection.state,
            payload={
                "enterprise": enterprise.uscc,
                "planned_on": planned_on,
                "officers": [o.username for o in officers],
            },
        )
    return inspection
