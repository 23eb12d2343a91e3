"""Inspection verbs other than transitions (those go through casework.transitions).

Each service takes an inspection the caller may see (the interfaces load it
through ``Inspection.objects.visible_to``), locks it, checks who may act and
in which state, and writes its rows and audit events in one transaction: a
refused call writes nothing.

Decisions taken here:
- A person checked on site who is not in the enterprise's worker register gets
  a finding with no worker, and no Worker row is created: the register is the
  enterprise's own declaration (imported from its files), and a row invented on
  site would change the next qualification check of the same person (who would
  no longer count as unregistered). The open finding and the check, which keeps
  the ID number, are the record of the bar for such a person.
- The bar of a registered worker is recorded in the audit event of the finding
  that caused it (``worker_barred``); a worker already barred keeps the day the
  bar began, and the reason is replaced by the latest codes.
- An enterprise-level gap (``NO_INTERNAL_TRAINER``) is one finding per
  inspection and job, however many workers of that job are checked; the lock
  on the inspection row makes the "already found?" test safe under concurrency.
- Audit events of checks and evidence are written on the inspection (they show
  in its timeline); a finding's creation is written on the finding.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from casework import clock
from casework.exceptions import Conflict, Forbidden, Invalid
from casework.identifiers import normalise_id_number, validate_id_number
from inspections import events
from inspections import evidence as evidence_files
from inspections.models import Evidence, Finding, Inspection, WorkerCheck
from registry.disclosure import disclose_reasons
from registry.models import SpecialOpsCategory, Worker
from registry.qualification import ENTERPRISE_LEVEL, WORKER_LEVEL, Reason, qualification_check

EVIDENCE_STATES = (Inspection.State.IN_PROGRESS, Inspection.State.RECORDED)
MAX_DESCRIPTION = 300  # Evidence.description


def inspection_may_plan(actor) -> None:
    """Raise unless ``actor`` may plan inspections (before reading what they asked for)."""
    if not actor.has_role("officer", "supervisor"):
        raise Forbidden()


def inspection_create(
    *, actor, enterprise, planned_on: datetime.date, officers: list
) -> Inspection:
    """Plan an inspection of ``enterprise`` by ``officers``."""
    inspection_may_plan(actor)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            enterprise=enterprise, planned_on=planned_on, created_by=actor, created_at=clock.now()
        )
        inspection.officers.set(officers)
        events.inspection_created(inspection=inspection, actor=actor, officers=officers)
    return inspection


def _is_inspecting_officer(inspection: Inspection, actor) -> bool:
    return actor.has_role("officer") and inspection.officers.filter(pk=actor.pk).exists()


def _lock(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=inspection.pk)
    )


def _refuse_state(inspection: Inspection, allowed: tuple[str, ...], message) -> None:
    if inspection.state not in allowed:
        raise Conflict(message, state=inspection.state, version=inspection.version)


def _worker_check_input(
    *, id_number: str, job: str, special_ops: list[str] | None
) -> tuple[str, str, list[str]]:
    errors = {}
    id_number = normalise_id_number(id_number)
    try:
        validate_id_number(id_number)
    except ValidationError as exc:
        errors["id_number"] = [str(m) for m in exc.messages]
    job = (job or "").strip()
    if not job:
        errors["job"] = [str(_("Name the job the worker is doing."))]
    categories = list(dict.fromkeys(special_ops or ()))
    unknown = [c for c in categories if c not in SpecialOpsCategory.values]
    if unknown:
        errors["special_ops"] = [
            str(
                _("Unknown special-operations category: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        ]
    if errors:
        raise Invalid(errors)
    return id_number, job, categories


def _basis(reasons: list[Reason]) -> str:
    return "\n".join(dict.fromkeys(reason.legal_basis for reason in reasons))


def _description(reasons: list[Reason]) -> str:
    return "\n".join(
        f"{r.label}：{r.message}" + (f"（{r.detail}）" if r.detail else "") for r in reasons
    )


def _worker_bar(worker: Worker, *, codes: list[str], on: datetime.date) -> None:
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    if not worker.barred_from_duty:
        worker.barred_from_duty = True
        worker.barred_since = on
    worker.barred_reason = ", ".join(codes)
    worker.save(update_fields=["barred_from_duty", "barred_since", "barred_reason"])


def worker_check_record(
    *,
    inspection: Inspection,
    actor,
    id_number: str,
    job: str,
    special_ops: list[str] | None = None,
    is_team_leader: bool | None = None,
    name: str = "",
) -> WorkerCheck:
    """Check a worker on site, record the verdict and the findings it makes.

    Only an inspecting officer, only while the inspection is in progress. An
    unqualified worker gets a worker-level finding and, when registered, is
    barred from duty; a job without an internal trainer gets one
    enterprise-level finding per inspection.
    """
    with transaction.atomic():
        inspection = _lock(inspection)
        if not _is_inspecting_officer(inspection, actor):
            raise Forbidden(_("Only the inspecting officers may check workers."))
        _refuse_state(
            inspection,
            (Inspection.State.IN_PROGRESS,),
            _("Workers are checked only while the inspection is in progress."),
        )
        id_number, job, categories = _worker_check_input(
            id_number=id_number, job=job, special_ops=special_ops
        )
        now = clock.now()
        today = clock.today()
        # The record is made in the official language, whatever the caller's.
        with translation.override(settings.LANGUAGE_CODE):
            result = qualification_check(
                enterprise=inspection.enterprise,
                id_number=id_number,
                job=job,
                on=today,
                special_ops=categories,
                is_team_leader=is_team_leader,
            )
        check = WorkerCheck.objects.create(
            inspection=inspection,
            worker=result.worker,
            id_number=id_number,
            name=result.worker.name if result.worker else (name or "").strip()[:100],
            job=job,
            special_ops=list(result.special_ops),
            is_team_leader=result.is_team_leader,
            checked_on=today,
            qualified=result.qualified,
            # Decided from every register; recorded with only the rows the
            # officer may read (each later reader sees fewer, never more).
            reasons=disclose_reasons(
                actor, [reason.as_dict() for reason in result.reasons], places=result.places
            ),
            checked_by=actor,
            checked_at=now,
        )

        worker_finding, new_finding = None, False
        worker_reasons = [r for r in result.reasons if r.level == WORKER_LEVEL]
        if worker_reasons:
            codes = [r.code for r in worker_reasons]
            # A second check of the same person for the same job (a retry from
            # the phone, say) joins the open finding instead of making another.
            worker_finding = Finding.objects.filter(
                inspection=inspection,
                level=Finding.Level.WORKER,
                id_number=id_number,
                job=job,
                state=Finding.State.OPEN,
            ).first()
            if worker_finding is None:
                new_finding = True
                worker_finding = Finding.objects.create(
                    inspection=inspection,
                    level=Finding.Level.WORKER,
                    id_number=id_number,
                    worker=result.worker,
                    job=job,
                    reason_codes=codes,
                    legal_basis=_basis(worker_reasons),
                    description=_description(worker_reasons),
                    created_at=now,
                )
            check.finding = worker_finding
            check.save(update_fields=["finding"])
            if result.worker is not None:
                _worker_bar(result.worker, codes=codes, on=today)

        enterprise_finding = None
        enterprise_reasons = [r for r in result.reasons if r.level == ENTERPRISE_LEVEL]
        already_found = Finding.objects.filter(
            inspection=inspection, level=Finding.Level.ENTERPRISE, job=job
        ).exists()
        if enterprise_reasons and not already_found:
            enterprise_finding = Finding.objects.create(
                inspection=inspection,
                level=Finding.Level.ENTERPRISE,
                job=job,
                reason_codes=[r.code for r in enterprise_reasons],
                legal_basis=_basis(enterprise_reasons),
                description=_description(enterprise_reasons),
                created_at=now,
            )

        events.worker_checked(
            check=check,
            actor=actor,
            codes=result.codes,
            finding=worker_finding,
            enterprise_finding=enterprise_finding,
            on=today,
        )
        if new_finding:
            events.finding_created(
                finding=worker_finding, actor=actor, worker_barred=result.worker is not None
            )
        if enterprise_finding is not None:
            events.finding_created(finding=enterprise_finding, actor=actor)
    return check


def _may_add_evidence(inspection: Inspection, actor) -> bool:
    if _is_inspecting_officer(inspection, actor):
        return True
    return (
        actor.has_role("supervisor")
        and Inspection.objects.visible_to(actor).filter(pk=inspection.pk).exists()
    )


def _evidence_refusal(inspection: Inspection, actor, finding: Finding | None) -> None:
    if not _may_add_evidence(inspection, actor):
        raise Forbidden(_("Only the inspecting officers or a supervisor may add evidence."))
    _refuse_state(
        inspection,
        EVIDENCE_STATES,
        _("Evidence is added only while the inspection is in progress or recorded."),
    )
    if finding is not None and finding.inspection_id != inspection.pk:
        raise Invalid({"finding": [str(_("This finding belongs to another inspection."))]})


def evidence_store(
    *,
    inspection: Inspection,
    actor,
    uploaded_file: UploadedFile,
    finding: Finding | None = None,
    description: str = "",
) -> Evidence:
    """Store an evidence file by its SHA-256 and attach it to the inspection or a finding.

    Only an inspecting officer or a supervisor over the inspection, while it is
    in progress or recorded. The bytes are written before the transaction, so
    that a large file does not hold the inspection's lock (or SQLite's write
    lock) while it is copied; the rules are checked again under the lock. A file
    left without a row by a refusal in between is harmless: it is addressed by
    its content and the same upload later finds it in place.
    """
    _evidence_refusal(inspection, actor, finding)
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Invalid(
            {"description": [str(_("At most %(n)d characters.") % {"n": MAX_DESCRIPTION})]}
        )
    stored = evidence_files.evidence_file_store(uploaded_file)
    with transaction.atomic():
        inspection = _lock(inspection)
        _evidence_refusal(inspection, actor, finding)
        evidence = Evidence.objects.create(
            inspection=inspection,
            finding=finding,
            sha256=stored.sha256,
            size=stored.size,
            content_type=stored.content_type,
            original_name=evidence_files.original_name(uploaded_file),
            metadata=stored.metadata,
            description=description,
            uploaded_by=actor,
            uploaded_at=clock.now(),
        )
        events.evidence_uploaded(evidence=evidence, actor=actor)
    return evidence
