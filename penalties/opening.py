"""Penalty cases opened by what happens to a finding or an order, in the same transaction.

- ``art97_stage1``: a finding disposed of as "order and penalty" opens the case
  against its enterprise, with the order; a later finding of the same inspection
  joins the case while it is only proposed (not yet filed).
- ``art97_stage2``: a re-inspection that finds the order not rectified opens the
  second-stage case, with the order to suspend production.

Both run as observers of the transitions (``transition_observe``), inside the
transition's transaction: a refused disposition or re-inspection opens nothing.
"""

from casework import clock
from casework.transitions import observers_notify
from inspections.flows import stage_two_filed
from inspections.models import Finding, RectificationOrder
from penalties import events
from penalties.models import PenaltyCase, PenaltyParty

Basis = PenaltyCase.Basis


def open_case(
    *, basis: str, enterprise, inspection, order, actor, cause: str, finding=None, **extra
):
    case = PenaltyCase.objects.create(
        basis=basis,
        enterprise=enterprise,
        inspection=inspection,
        rectification_order=order,
        proposed_at=clock.now(),
        **extra,
    )
    PenaltyParty.objects.create(case=case, kind=PenaltyParty.Kind.UNIT, name=enterprise.name)
    if finding is not None:
        case.findings.add(finding)
    events.case_opened(case=case, actor=actor, cause=cause, finding=finding, order=order)
    observers_notify(case, "", actor)  # its flow starts with it
    return case


def finding_disposed(finding: Finding, name: str, actor) -> None:
    if name != "dispose" or finding.disposition != Finding.Disposition.ORDER_AND_PENALTY:
        return
    inspection = finding.inspection  # its row is locked by the disposition (order_for_finding)
    case = (
        PenaltyCase.objects.select_for_update(of=("self",))
        .filter(
            inspection=inspection,
            enterprise_id=inspection.enterprise_id,
            basis=Basis.ART97_STAGE1,
            state=PenaltyCase.State.PROPOSED,
        )
        .first()
    )
    if case is None:
        open_case(
            basis=Basis.ART97_STAGE1,
            enterprise=inspection.enterprise,
            inspection=inspection,
            order=finding.rectification_order,
            actor=actor,
            cause="finding_disposed",
            finding=finding,
        )
        return
    case.findings.add(finding)
    events.case_finding_added(case=case, actor=actor, finding=finding)


def order_reinspected(order: RectificationOrder, name: str, actor) -> None:
    if name != "record_reinspection" or order.state != RectificationOrder.State.NOT_RECTIFIED:
        return
    case = open_case(
        basis=Basis.ART97_STAGE2,
        enterprise=order.enterprise,
        inspection=order.inspection,
        order=order,
        actor=actor,
        cause="not_rectified",
        suspension_ordered=True,
    )
    case.findings.add(*order.findings.all())


def penalty_case_of(finding: Finding) -> int | None:
    """The penalty case a finding belongs to (the latest), for the finding's API."""
    return finding.penalty_cases.order_by("-pk").values_list("pk", flat=True).first()


def case_filed(case: PenaltyCase, name: str, actor) -> None:
    """Filing the second-stage case completes the order's task to do so (its flow)."""
    if name == "file" and case.basis == Basis.ART97_STAGE2 and case.rectification_order_id:
        stage_two_filed(case.rectification_order, actor)
