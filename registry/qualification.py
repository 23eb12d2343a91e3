"""Is the worker in front of the officer qualified for this job, on this day?

A pure read over the registers as of a date (DESIGN §3, §7.2). Every applicable
reason is reported with its legal basis and the register rows it was decided
from. Four queries, whatever the size of the registers.

Decisions that the design leaves open, taken here (see docs/decisions):
- the latest ``job_safety`` assessment of the person for the job *at this
  enterprise*, on or before the date, decides: none is ``UNTRAINED``, a failed
  one ``RETRAINING``; when this enterprise has none but another enterprise
  holds a passed one for the job, the person was trained but this enterprise
  cannot show the record: ``TRAINING_RECORD_MISSING`` instead of ``UNTRAINED``;
- a person the enterprise has not registered as a worker is also
  ``TRAINING_RECORD_MISSING``: the enterprise cannot show any record;
- special-operations categories are those declared on site plus those in the
  worker register; each needs a certificate of that category issued on or
  before the date, valid on the date and not overdue for review;
- a team leader (declared on site or in the register) needs a passed rotation
  training on or before the date, at any enterprise;
- ``NO_INTERNAL_TRAINER`` is enterprise-level: reported, but it does not make
  the worker unqualified.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from registry.models import Certificate, Enterprise, Trainer, Training, Worker

WORKER_LEVEL = "worker"
ENTERPRISE_LEVEL = "enterprise"

BASIS_ART28_97_3 = _("Work Safety Law (2021) art. 28; art. 97 item (3)")
BASIS_ART30_97_7 = _("Work Safety Law (2021) art. 30; art. 97 item (7)")

REASONS: dict[str, tuple[str, Any, Any]] = {
    "UNTRAINED": (
        WORKER_LEVEL,
        _("No passed safety training and assessment for this job (theory and practice)."),
        BASIS_ART28_97_3,
    ),
    "RETRAINING": (
        WORKER_LEVEL,
        _("The latest assessment for this job was failed: retraining, not allowed on duty."),
        _("Work Safety Law (2021) art. 28; art. 97 item (3); city plan"),
    ),
    "SPECIAL_OPS_UNCERTIFIED": (
        WORKER_LEVEL,
        _("Special operations without a certificate of this category."),
        BASIS_ART30_97_7,
    ),
    "SPECIAL_OPS_CERT_EXPIRED": (
        WORKER_LEVEL,
        _("The special-operations certificate has expired or its periodic review is overdue."),
        BASIS_ART30_97_7,
    ),
    "TEAM_LEADER_NOT_ROTATED": (
        WORKER_LEVEL,
        _("A team leader without the required rotation training."),
        _("Work Safety Law (2021) art. 28; art. 97 item (3); city plan (for legal review)"),
    ),
    "TRAINING_RECORD_MISSING": (
        WORKER_LEVEL,
        _("The enterprise cannot show the training record of this worker."),
        _("Work Safety Law (2021) art. 97 item (4)"),
    ),
    "NO_INTERNAL_TRAINER": (
        ENTERPRISE_LEVEL,
        _("The enterprise has no designated internal trainer for this job."),
        _("City plan (not a ground under art. 97 by itself)"),
    ),
}


@dataclass(frozen=True)
class Reason:
    code: str
    level: str
    message: str
    legal_basis: str
    detail: str = ""
    rows: tuple[dict, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "level": self.level,
            "message": self.message,
            "legal_basis": self.legal_basis,
            "detail": self.detail,
            "rows": list(self.rows),
        }


@dataclass(frozen=True)
class Qualification:
    qualified: bool
    reasons: tuple[Reason, ...]
    worker: Worker | None
    special_ops: tuple[str, ...]
    is_team_leader: bool
    rows: tuple[dict, ...] = field(default=())  # every register row the decision read

    @property
    def codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]


def _reason(code: str, *, rows=(), detail: str = "") -> Reason:
    level, message, basis = REASONS[code]
    return Reason(code, level, str(message), str(basis), detail, tuple(rows))


def _training_row(training: Training) -> dict:
    return {
        "register": "training",
        "id": training.pk,
        "enterprise": training.enterprise_id,
        "kind": training.kind,
        "job": training.job,
        "course": training.course,
        "assessed_on": training.assessed_on.isoformat(),
        "theory_passed": training.theory_passed,
        "practical_passed": training.practical_passed,
    }


def _certificate_row(certificate: Certificate) -> dict:
    return {
        "register": "certificate",
        "id": certificate.pk,
        "number": certificate.number,
        "category": certificate.category,
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "review_due_on": certificate.review_due_on.isoformat()
        if certificate.review_due_on
        else None,
    }


def _certificate_valid_on(certificate: Certificate, on: datetime.date) -> bool:
    return certificate.valid_until >= on and (
        certificate.review_due_on is None or certificate.review_due_on >= on
    )


def qualification_check(
    *,
    enterprise: Enterprise,
    id_number: str,
    job: str,
    on: datetime.date,
    special_ops: list[str] | None = None,
    is_team_leader: bool | None = None,
) -> Qualification:
    """Decide whether ``id_number`` may work as ``job`` at ``enterprise`` on ``on``."""
    id_number = id_number.strip().upper()
    job = job.strip()
    reasons: list[Reason] = []
    rows: list[dict] = []

    worker = Worker.objects.filter(enterprise=enterprise, id_number=id_number).first()
    if worker is not None:
        rows.append({"register": "worker", "id": worker.pk, "job": worker.job})
    categories = sorted(set(special_ops or ()) | set(worker.special_ops if worker else ()))
    team_leader = bool(is_team_leader) or bool(worker and worker.is_team_leader)

    trainings = list(
        Training.objects.filter(id_number=id_number, assessed_on__lte=on).order_by(
            "-assessed_on", "-pk"
        )
    )
    here = [
        t
        for t in trainings
        if t.kind == Training.Kind.JOB_SAFETY and t.job == job and t.enterprise_id == enterprise.pk
    ]
    elsewhere = [
        t
        for t in trainings
        if t.kind == Training.Kind.JOB_SAFETY
        and t.job == job
        and t.enterprise_id != enterprise.pk
        and t.passed
    ]
    if here:
        latest = here[0]
        rows.append(_training_row(latest))
        if not latest.passed:
            reasons.append(_reason("RETRAINING", rows=[_training_row(latest)]))
    elif elsewhere:
        reasons.append(
            _reason(
                "TRAINING_RECORD_MISSING",
                rows=[_training_row(elsewhere[0])],
                detail=str(_("Trained at another enterprise; this enterprise has no record.")),
            )
        )
    else:
        reasons.append(_reason("UNTRAINED"))
    if worker is None and not any(r.code == "TRAINING_RECORD_MISSING" for r in reasons):
        reasons.append(
            _reason(
                "TRAINING_RECORD_MISSING",
                detail=str(_("The person is not in the enterprise's worker register.")),
            )
        )

    if categories:
        certificates = list(
            Certificate.objects.filter(
                id_number=id_number, category__in=categories, issued_on__lte=on
            ).order_by("-valid_until")
        )
        for category in categories:
            held = [c for c in certificates if c.category == category]
            rows.extend(_certificate_row(c) for c in held)
            if any(_certificate_valid_on(c, on) for c in held):
                continue
            if held:
                reasons.append(
                    _reason(
                        "SPECIAL_OPS_CERT_EXPIRED",
                        rows=[_certificate_row(c) for c in held],
                        detail=category,
                    )
                )
            else:
                reasons.append(_reason("SPECIAL_OPS_UNCERTIFIED", detail=category))

    if team_leader:
        rotations = [
            t for t in trainings if t.kind == Training.Kind.TEAM_LEADER_ROTATION and t.passed
        ]
        if rotations:
            rows.append(_training_row(rotations[0]))
        else:
            reasons.append(_reason("TEAM_LEADER_NOT_ROTATED"))

    if not Trainer.objects.filter(enterprise=enterprise, job=job).exists():
        reasons.append(_reason("NO_INTERNAL_TRAINER", detail=job))

    return Qualification(
        qualified=not any(r.level == WORKER_LEVEL for r in reasons),
        reasons=tuple(reasons),
        worker=worker,
        special_ops=tuple(categories),
        is_team_leader=team_leader,
        rows=tuple(rows),
    )
