"""The enforcement documents of inspections and orders, through the spine's framework.

- 责令限期整改指令书 (``rectification_order``): issued with the order, rendered
  again while a later finding joins it, final once served;
- 文书送达回执 (``service_receipt``, declared by ``casework.service``): issued when
  the order is served, filled in with the service;
- 整改复查意见书 (``rectification_review``): issued with the re-inspection.

Each is issued in the transaction of the act that makes it, so a refused act
leaves no document and consumes no number.
"""

from django.utils.translation import gettext_lazy as _

from casework.documents import document_issue, document_kind, document_rerender, documents_for
from casework.identifiers import mask_id_number
from casework.service import SERVICE_RECEIPT, service_record
from inspections.models import Finding, Inspection, RectificationOrder

ORDER = document_kind(
    "rectification_order",
    title=_("Order to rectify within a time limit"),
    abbreviation="责改",
    template="documents/rectification_order.html",
)
RECORD = document_kind(
    "inspection_record",
    title=_("On-site inspection record"),
    abbreviation="检记",
    template="documents/inspection_record.html",
)
REVIEW = document_kind(
    "rectification_review",
    title=_("Opinion on the re-inspection of rectification"),
    abbreviation="复查",
    template="documents/rectification_review.html",
)


def _officers(users) -> list[dict]:
    return [
        {"name": u.get_full_name() or u.username, "credential_no": u.credential_no} for u in users
    ]


def _worker_rows(owner) -> list[dict]:
    """One row per finding of ``owner`` (an order or an inspection): who, which job, why."""
    rows = []
    for finding in owner.findings.select_related("worker").prefetch_related("checks"):
        name = finding.worker.name if finding.worker_id else ""
        if not name:
            name = next((c.name for c in finding.checks.all() if c.name), "")
        rows.append(
            {
                "finding": finding,
                "worker_name": name or "—",
                "masked_id": mask_id_number(finding.id_number) if finding.id_number else "—",
                "job": finding.job or "—",
                "reasons": finding.reason_labels,
                "level": finding.level,
            }
        )
    return rows


def _places(order: RectificationOrder) -> dict:
    district = order.enterprise.jurisdiction
    return {"review_body": f"{district.name}人民政府", "court": f"{district.name}人民法院"}


def _order_context(order: RectificationOrder) -> dict:
    findings = list(order.findings.all())
    inspection = order.inspection
    started = inspection.started_at or inspection.created_at
    return {
        "enterprise": order.enterprise,
        "inspected_on": started.date(),
        "findings": [r for r in _worker_rows(order) if r["level"] == Finding.Level.WORKER],
        "problems": [f.title() for f in findings if f.level != Finding.Level.WORKER],
        "legal_basis": "；".join(
            dict.fromkeys(f.legal_basis.replace("\n", "；") for f in findings)
        ),
        "due_date": order.due_date,
        "officers": _officers(inspection.officers.order_by("pk")),
        **_places(order),
    }


def order_document(order: RectificationOrder):
    """The order's own document (责令限期整改指令书), or None before it is issued."""
    return documents_for(subject=order).filter(kind=ORDER.code).order_by("-pk").first()


def order_document_write(order: RectificationOrder, *, actor):
    """Issue the order's document, or render it again with the findings it covers now."""
    document = order_document(order)
    if document is None:
        return document_issue(
            kind=ORDER.code,
            subject=order,
            jurisdiction=order.enterprise.jurisdiction,
            enterprise=order.enterprise,
            context=_order_context(order),
            actor=actor,
        )
    return document_rerender(document=document, context=_order_context(order), actor=actor)


def order_document_serve(order: RectificationOrder, *, actor, data: dict):
    """Serve the order's document (the service's rules apply) and issue its receipt.

    Returns the service record; its ``effective_on`` is the day the clocks run
    from (later than the day of service for a public notice).
    """
    document = order_document_write(order, actor=actor)
    record = service_record(
        document=document,
        method=data["method"],
        served_on=data["served_on"],
        actor=actor,
        recipient=data.get("recipient", ""),
        witness=data.get("witness", ""),
    )
    receipt = document_issue(
        kind=SERVICE_RECEIPT.code,
        subject=order,
        jurisdiction=order.enterprise.jurisdiction,
        enterprise=order.enterprise,
        context={
            "served_documents": [{"title": document.title, "number": document.number}],
            "enterprise": order.enterprise,
            "address": order.enterprise.address,
            "method": record.get_method_display(),
            "served_on": record.served_on,
            "recipient": record.recipient,
            "witness": record.witness,
            "officers": _officers(order.inspection.officers.order_by("pk")),
        },
        actor=actor,
    )
    return record, receipt


def review_document_issue(order: RectificationOrder, *, actor, cleared: list, departed: dict):
    """The re-inspection's opinion (整改复查意见书), with each barred person's outcome."""
    cleared_ids = {f.pk for f in cleared}
    results = []
    for row in _worker_rows(order):
        finding = row["finding"]
        if finding.level != Finding.Level.WORKER:
            continue
        if finding.id_number in departed:
            outcome = f"已离岗：{departed[finding.id_number]}"
        elif finding.pk in cleared_ids:
            outcome = "复查合格，准予上岗"
        else:
            outcome = "未整改，不得上岗"
        results.append({**row, "outcome": outcome})
    document = order_document(order)
    return document_issue(
        kind=REVIEW.code,
        subject=order,
        jurisdiction=order.enterprise.jurisdiction,
        enterprise=order.enterprise,
        context={
            "enterprise": order.enterprise,
            "order_number": document.number if document else "",
            "order_issued_on": order.issued_at.date(),
            "reviewed_on": order.reinspected_at.date(),
            "results": results,
            "conclusion": "已按要求整改完毕" if order.rectified else "未按要求整改",
            "rectified": bool(order.rectified),
            "officers": _officers(order.reinspection_officers.order_by("pk")),
        },
        actor=actor,
    )


def inspection_record_issue(inspection: Inspection, *, actor):
    """The on-site inspection record (现场检查记录), issued when the inspection is recorded."""
    checks = list(inspection.worker_checks.order_by("pk"))
    unqualified = sum(1 for c in checks if not c.qualified)
    observations = [
        f"核查从业人员{len(checks)}人次的岗位安全培训、特种作业操作证和班组长轮训情况，"
        f"其中{unqualified}人次不符合上岗要求。"
    ]
    observations += [
        f.title() for f in inspection.findings.order_by("pk") if f.level != Finding.Level.WORKER
    ]
    if inspection.signature_refused:
        observations.append(
            f"被检查单位现场负责人拒绝签名，理由：{inspection.refusal_reason}；"
            f"见证人：{inspection.refusal_witness}。"
        )
    return document_issue(
        kind=RECORD.code,
        subject=inspection,
        jurisdiction=inspection.enterprise.jurisdiction,
        enterprise=inspection.enterprise,
        context={
            "enterprise": inspection.enterprise,
            "started_at": inspection.started_at,
            "ended_at": inspection.recorded_at,
            "present": {"name": inspection.signed_by or "—", "job": ""},
            "officers": _officers(inspection.officers.order_by("pk")),
            "recorder": actor.get_full_name() or actor.username,
            "observations": observations,
            "findings": [r for r in _worker_rows(inspection) if r["level"] == Finding.Level.WORKER],
        },
        actor=actor,
    )
