"""Audit events of penalty cases: one typed function per event kind."""

from django.utils.translation import gettext_lazy as _

from casework.audit import audit_record, event_kind
from casework.models import AuditEvent
from penalties.models import PenaltyCase

CASE_OPENED = event_kind("penalty_case_opened", _("Opened a penalty case"))
CASE_FINDING_ADDED = event_kind("penalty_case_finding_added", _("Added a finding to the case"))


def case_opened(*, case: PenaltyCase, actor, cause: str, finding=None, order=None) -> AuditEvent:
    return audit_record(
        action=CASE_OPENED.action,
        actor=actor,
        obj=case,
        target_state=case.state,
        payload={
            "basis": case.basis,
            "enterprise": case.enterprise.uscc,
            "cause": cause,
            "finding": finding.pk if finding is not None else None,
            "rectification_order": order.pk if order is not None else None,
            "suspension_ordered": case.suspension_ordered,
        },
    )


def case_finding_added(*, case: PenaltyCase, actor, finding) -> AuditEvent:
    return audit_record(
        action=CASE_FINDING_ADDED.action,
        actor=actor,
        obj=case,
        target_state=case.state,
        payload={"finding": finding.pk},
    )
