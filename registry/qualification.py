"""Is the worker in front of the officer qualified for this job, on this day?

A pure read over the registers as of a date (DESIGN §3, §7.2). Every applicable
reason is reported with its legal basis and the register rows it was decided
from. One SQL statement (``REGISTERS_SQL``) per check, whatever the input and the
size of the registers; the decision is made in Python on the rows it returns.

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
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router
from django.utils.translation import gettext_lazy as _

from casework.models import Enterprise
from registry.models import SpecialOpsCategory, Training, Worker

WORKER_LEVEL = "worker"
ENTERPRISE_LEVEL = "enterprise"

BASIS_ART28_97_3 = _("Work Safety Law (2021) art. 28; art. 97 item (3)")
BASIS_ART30_97_7 = _("Work Safety Law (2021) art. 30; art. 97 item (7)")

# code: (level, short label a person reads, message, legal basis)
REASONS: dict[str, tuple[str, Any, Any, Any]] = {
    "UNTRAINED": (
        WORKER_LEVEL,
        _("Not trained for this job"),
        _("No passed safety training and assessment for this job (theory and practice)."),
        BASIS_ART28_97_3,
    ),
    "RETRAINING": (
        WORKER_LEVEL,
        _("Failed the assessment: retraining"),
        _("The latest assessment for this job was failed: retraining, not allowed on duty."),
        _("Work Safety Law (2021) art. 28; art. 97 item (3); city plan"),
    ),
    "SPECIAL_OPS_UNCERTIFIED": (
        WORKER_LEVEL,
        _("Special operations without a certificate"),
        _("Special operations without a certificate of this category."),
        BASIS_ART30_97_7,
    ),
    "SPECIAL_OPS_CERT_EXPIRED": (
        WORKER_LEVEL,
        _("Special-operations certificate expired or not reviewed"),
        _("The special-operations certificate has expired or its periodic review is overdue."),
        BASIS_ART30_97_7,
    ),
    "TEAM_LEADER_NOT_ROTATED": (
        WORKER_LEVEL,
        _("Team leader without rotation training"),
        _("A team leader without the required rotation training."),
        _("Work Safety Law (2021) art. 28; art. 97 item (3); city plan (for legal review)"),
    ),
    "TRAINING_RECORD_MISSING": (
        WORKER_LEVEL,
        _("No training record at this enterprise"),
        _("The enterprise cannot show the training record of this worker."),
        _("Work Safety Law (2021) art. 97 item (4)"),
    ),
    "NO_INTERNAL_TRAINER": (
        ENTERPRISE_LEVEL,
        _("No internal trainer for this job"),
        _("The enterprise has no designated internal trainer for this job."),
        _("City plan (not a ground under art. 97 by itself)"),
    ),
}


def reason_label(code: str) -> str:
    """What a person reads for a reason code, in the active language (the code if unknown)."""
    known = REASONS.get(code)
    return str(known[1]) if known else code


@dataclass(frozen=True)
class Reason:
    code: str
    level: str
    label: str
    message: str
    legal_basis: str
    detail: str = ""
    rows: tuple[dict, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "level": self.level,
            "label": self.label,
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
    # Where each row lives: (register, id) -> its (jurisdiction path, enterprise)
    # places; a caller who may see one of them may read the row.
    places: dict[tuple[str, int], tuple[tuple[str, int], ...]] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]


def _reason(code: str, *, rows=(), detail: str = "") -> Reason:
    level, label, message, basis = REASONS[code]
    return Reason(code, level, str(label), str(message), str(basis), detail, tuple(rows))


# The registers the check reads, in ONE constant statement for every input (no
# ORM compilation per call; the same on SQLite and PostgreSQL): the worker, every
# training of the person on or before the date with its enterprise's
# jurisdiction path, every certificate of the person issued on or before the
# date, the lowest internal trainer id for the job (NULL when there is none),
# and every enterprise that employs the person with its jurisdiction path. The
# paths decide which rows a caller may be shown (``registry.disclosure``)
# without another statement. Each branch is an index scan (bench/qualification.py
# prints the plan at a city's size). Typed NULLs keep PostgreSQL's pairwise UNION
# type resolution happy; the decision is made in Python.
#
# Columns: register, id, enterprise, text1..text4, flag1, flag2, date1..date3.
REGISTERS_SQL = """
SELECT 'worker', id, enterprise_id, job, name, CAST(special_ops AS TEXT), barred_reason,
       is_team_leader, barred_from_duty, hired_on, barred_since, CAST(NULL AS DATE)
FROM registry_worker WHERE enterprise_id = %s AND id_number = %s
UNION ALL
SELECT 'training', t.id, t.enterprise_id, t.kind, t.job, t.course, j.path,
       t.theory_passed, t.practical_passed, t.assessed_on, CAST(NULL AS DATE),
       CAST(NULL AS DATE)
FROM registry_training AS t
JOIN casework_enterprise AS e ON e.id = t.enterprise_id
JOIN casework_jurisdiction AS j ON j.code = e.jurisdiction_id
WHERE t.id_number = %s AND t.assessed_on <= %s
UNION ALL
SELECT 'certificate', id, CAST(NULL AS INTEGER), category, number, CAST(NULL AS TEXT),
       CAST(NULL AS TEXT), CAST(NULL AS BOOLEAN), CAST(NULL AS BOOLEAN),
       issued_on, valid_until, review_due_on
FROM registry_certificate WHERE id_number = %s AND issued_on <= %s
UNION ALL
SELECT 'trainer', MIN(id), CAST(NULL AS INTEGER), CAST(NULL AS TEXT), CAST(NULL AS TEXT),
       CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS BOOLEAN), CAST(NULL AS BOOLEAN),
       CAST(NULL AS DATE), CAST(NULL AS DATE), CAST(NULL AS DATE)
FROM registry_trainer WHERE enterprise_id = %s AND job = %s
UNION ALL
SELECT 'employer', w.enterprise_id, w.enterprise_id, j.path, CAST(NULL AS TEXT),
       CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS BOOLEAN), CAST(NULL AS BOOLEAN),
       CAST(NULL AS DATE), CAST(NULL AS DATE), CAST(NULL AS DATE)
FROM registry_worker AS w
JOIN casework_enterprise AS e ON e.id = w.enterprise_id
JOIN casework_jurisdiction AS j ON j.code = e.jurisdiction_id
WHERE w.id_number = %s
"""
_WORKER_FIELDS = [
    "id",
    "enterprise_id",
    "id_number",
    "name",
    "job",
    "is_team_leader",
    "special_ops",
    "hired_on",
    "barred_from_duty",
    "barred_reason",
    "barred_since",
]


def registers_params(
    connection, *, enterprise_id: int, id_number: str, job: str, on: datetime.date
) -> list:
    """The parameters of ``REGISTERS_SQL``, the date adapted for the database."""
    day = connection.ops.adapt_datefield_value(on)
    return [enterprise_id, id_number, id_number, day, id_number, day, enterprise_id, job, id_number]


def _date(value) -> datetime.date | None:
    # PostgreSQL's driver gives dates; SQLite's gives the ISO text it stores.
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def _json(value) -> list:
    return json.loads(value) if isinstance(value, str) else list(value or ())


@dataclass(frozen=True, slots=True)
class _Training:
    pk: int
    enterprise_id: int
    kind: str
    job: str
    course: str
    theory_passed: bool
    practical_passed: bool
    assessed_on: datetime.date
    path: str  # the jurisdiction of the training's enterprise

    @property
    def passed(self) -> bool:
        return self.theory_passed and self.practical_passed


@dataclass(frozen=True, slots=True)
class _Certificate:
    pk: int
    category: str
    number: str
    issued_on: datetime.date
    valid_until: datetime.date
    review_due_on: datetime.date | None


def _training_row(training: _Training) -> dict:
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


def _certificate_row(certificate: _Certificate) -> dict:
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


def _certificate_valid_on(certificate: _Certificate, on: datetime.date) -> bool:
    return certificate.valid_until >= on and (
        certificate.review_due_on is None or certificate.review_due_on >= on
    )


def _read_registers(enterprise: Enterprise, id_number: str, job: str, on: datetime.date):
    """One statement: the worker (or None), trainings newest first, certificates, a
    trainer, and the places (jurisdiction path, enterprise) that employ the person."""
    connection = connections[router.db_for_read(Worker)]
    with connection.cursor() as cursor:
        cursor.execute(
            REGISTERS_SQL,
            registers_params(
                connection, enterprise_id=enterprise.pk, id_number=id_number, job=job, on=on
            ),
        )
        found = cursor.fetchall()
    worker, trainings, certificates, has_trainer, employers = None, [], [], False, []
    for register, pk, enterprise_id, t1, t2, t3, t4, f1, f2, d1, d2, d3 in found:
        if register == "training":
            trainings.append(
                _Training(pk, enterprise_id, t1, t2, t3, bool(f1), bool(f2), _date(d1), t4)
            )
        elif register == "employer":
            employers.append((t1, enterprise_id))
        elif register == "certificate":
            certificates.append(_Certificate(pk, t1, t2, _date(d1), _date(d2), _date(d3)))
        elif register == "worker":
            worker = Worker.from_db(
                connection.alias,
                _WORKER_FIELDS,
                [pk, enterprise_id, id_number, t2, t1, bool(f1), _json(t3)]
                + [_date(d1), bool(f2), t4, _date(d2)],
            )
        else:  # trainer
            has_trainer = pk is not None
    trainings.sort(key=lambda t: (t.assessed_on, t.pk), reverse=True)
    certificates.sort(key=lambda c: (c.valid_until, c.pk), reverse=True)
    return worker, trainings, certificates, has_trainer, tuple(employers)


def _category_label(category: str) -> str:
    try:
        return str(SpecialOpsCategory(category).label)
    except ValueError:
        return category


def _places(enterprise, worker, trainings, certificates, employers) -> dict:
    """(register, id) -> the places of the row: a training's enterprise; for a
    certificate, every enterprise that employs the person; the worker's own."""
    places = {("training", t.pk): ((t.path, t.enterprise_id),) for t in trainings}
    places.update({("certificate", c.pk): employers for c in certificates})
    if worker is not None:
        places["worker", worker.pk] = tuple(p for p in employers if p[1] == enterprise.pk)
    return places


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

    worker, trainings, certificates, has_trainer, employers = _read_registers(
        enterprise, id_number, job, on
    )
    if worker is not None:
        rows.append({"register": "worker", "id": worker.pk, "job": worker.job})
    categories = sorted(set(special_ops or ()) | set(worker.special_ops if worker else ()))
    team_leader = bool(is_team_leader) or bool(worker and worker.is_team_leader)

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
                    detail=_category_label(category),
                )
            )
        else:
            reasons.append(_reason("SPECIAL_OPS_UNCERTIFIED", detail=_category_label(category)))

    if team_leader:
        rotations = [
            t for t in trainings if t.kind == Training.Kind.TEAM_LEADER_ROTATION and t.passed
        ]
        if rotations:
            rows.append(_training_row(rotations[0]))
        else:
            reasons.append(_reason("TEAM_LEADER_NOT_ROTATED"))

    if not has_trainer:
        reasons.append(_reason("NO_INTERNAL_TRAINER", detail=job))

    return Qualification(
        qualified=not any(r.level == WORKER_LEVEL for r in reasons),
        reasons=tuple(reasons),
        worker=worker,
        special_ops=tuple(categories),
        is_team_leader=team_leader,
        rows=tuple(rows),
        places=_places(enterprise, worker, trainings, certificates, employers),
    )
