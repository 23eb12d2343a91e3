"""Audit events of inspections: one typed function per event kind."""

import datetime

from django.utils.translation import gettext_lazy as _

from casework.audit import audit_record, event_kind
from casework.identifiers import mask_id_number
from casework.models import AuditEvent
from inspections.models import Evidence, Finding, Inspection, RectificationOrder, WorkerCheck
from registry.lookups import inspection_visibility_register

INSPECTION_CREATED = event_kind("inspection_created", _("Planned the inspection"))
WORKER_CHECKED = event_kind("worker_checked", _("Checked a worker"))
FINDING_CREATED = event_kind("finding_created", _("Recorded a finding"))
EVIDENCE_UPLOADED = event_kind("evidence_uploaded", _("Attached evidence"))
ORDER_ISSUED = event_kind("order_issued", _("Issued a rectification order"))
ORDER_FINDING_ADDED = event_kind("order_finding_added", _("Added a finding to the order"))
WORKER_CLEARED = event_kind("worker_cleared", _("Cleared a worker for duty"))


def _inspection_visible(user, pk: int) -> bool:
    return Inspection.objects.visible_to(user).filter(pk=pk).exists()


# A lookup of a person's records (registry.lookups) may name an inspection as its
# purpose. Registered here, in the module that ready() imports in every process.
inspection_visibility_register(_inspection_visible)


def inspection_created(*, inspection: Inspection, actor, officers: list) -> AuditEvent:
    return audit_record(
        action=INSPECTION_CREATED.action,
        actor=actor,
        obj=inspection,
        target_state=inspection.state,
        payload={
            "enterprise": inspection.enterprise.uscc,
            "planned_on": inspection.planned_on,
            "officers": [o.username for o in officers],
        },
    )


def worker_checked(
    *,
    check: WorkerCheck,
    actor,
    codes: list[str],
    finding: Finding | None,
    enterprise_finding: Finding | None,
    on: datetime.date,
) -> AuditEvent:
    """Written on the inspection, so that the check shows in its timeline."""
    return audit_record(
        action=WORKER_CHECKED.action,
        actor=actor,
        obj=check.inspection,
        payload={
            "worker_check": check.pk,
            "id_number": mask_id_number(check.id_number),
            "worker": check.worker_id,
            "job": check.job,
            "special_ops": check.special_ops,
            "is_team_leader": check.is_team_leader,
            "checked_on": on,
            "qualified": check.qualified,
            "codes": codes,
            "finding": finding.pk if finding else None,
            "enterprise_finding": enterprise_finding.pk if enterprise_finding else None,
        },
    )


def finding_created(*, finding: Finding, actor, **extra) -> AuditEvent:
    return audit_record(
        action=FINDING_CREATED.action,
        actor=actor,
        obj=finding,
        target_state=finding.state,
        payload={
            "inspection": finding.inspection_id,
            "level": finding.level,
            "id_number": mask_id_number(finding.id_number) if finding.id_number else "",
            "worker": finding.worker_id,
            "job": finding.job,
            "reason_codes": finding.reason_codes,
            "legal_basis": finding.legal_basis,
            **extra,
        },
    )


def evidence_uploaded(*, evidence: Evidence, actor) -> AuditEvent:
    """Written on the inspection, so that the file shows in its timeline."""
    return audit_record(
        action=EVIDENCE_UPLOADED.action,
        actor=actor,
        obj=evidence.inspection,
        payload={
            "evidence": evidence.pk,
            "finding": evidence.finding_id,
            "sha256": evidence.sha256,
            "size": evidence.size,
            "content_type": evidence.content_type,
            "original_name": evidence.original_name,
            "description": evidence.description,
        },
        file_hashes=[evidence.sha256],
    )


def _finding_summary(finding: Finding) -> dict:
    return {
        "finding": finding.pk,
        "level": finding.level,
        "id_number": mask_id_number(finding.id_number) if finding.id_number else "",
        "worker": finding.worker_id,
        "job": finding.job,
        "reason_codes": finding.reason_codes,
    }


def order_issued(*, order: RectificationOrder, actor, finding: Finding) -> AuditEvent:
    return audit_record(
        action=ORDER_ISSUED.action,
        actor=actor,
        obj=order,
        target_state=order.state,
        payload={
            "inspection": order.inspection_id,
            "enterprise": order.enterprise.uscc,
            "due_date": order.due_date,
            **_finding_summary(finding),
        },
    )


def order_finding_added(
    *, order: RectificationOrder, actor, finding: Finding, due_before: datetime.date
) -> AuditEvent:
    return audit_record(
        action=ORDER_FINDING_ADDED.action,
        actor=actor,
        obj=order,
        payload={"due_date": order.due_date, "due_before": due_before, **_finding_summary(finding)},
    )


def worker_cleared(
    *, order: RectificationOrder, actor, finding: Finding, on: datetime.date, departed: str
) -> AuditEvent:
    """A person the order barred may work again: qualified on re-inspection, or gone."""
    return audit_record(
        action=WORKER_CLEARED.action,
        actor=actor,
        obj=order,
        payload={"on": on, "departed": departed, **_finding_summary(finding)},
    )
