"""Builders of inspections, through the inspection services and the transition service."""

from casework import clock
from casework.transitions import transition_perform
from inspections.models import Inspection
from inspections.services import inspection_create

# The job of the workers the inspection tests check (a designated trainer teaches it).
JOB = "operator"


def make_inspection(*, enterprise, officers, actor=None, planned_on=None):
    return inspection_create(
        actor=actor or officers[0],
        enterprise=enterprise,
        planned_on=planned_on or clock.today(),
        officers=officers,
    )


def make_started_inspection(*, enterprise, officers):
    """An inspection in progress, started through the uniform transition service."""
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    return transition_perform(
        queryset=Inspection.objects.all(),
        pk=inspection.pk,
        name="start",
        actor=officers[0],
        data={"officers": [o.username for o in officers]},
    )
