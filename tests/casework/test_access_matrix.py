"""The bar of issue 8: a refusal tells an out-of-scope caller nothing of another jurisdiction.

The world has two jurisdictions side by side, 青秀区 (450103) and 隆安县 (450123), each
with an enterprise, workers, trainings, a trainer, certificates, two officers, a
supervisor, an enterprise user, a planned and a started inspection with worker
checks and findings, an evidence photo and a deadline, every name and number of
them distinctive (the *secrets* of that side).

Seven callers: the officer, the supervisor and the enterprise user of each side,
and an anonymous caller. A city-level supervisor (450100), who sees both sides,
is the control: it proves that every object and filter value named is real.

The matrix sends every request that names an object or a key of the other side
(details, sub-collections, transitions, register writes and updates, filters,
writes that refer to it, register imports, token requests), and each one a second
time naming an object or key that does not exist at all (the *ghost*; for a key
unique across the city, one taken on the caller's own side). For each:

- the status is the expected refusal, and no answer is a 5xx;
- the real and the ghost answers are the same status and body, once the one value
  that differs between the two requests is replaced where the body echoes it
  (except where the decisions record a difference by design: a credit code taken
  elsewhere, ADR 0020; a verdict read from every register, ADR 0019; those are
  sent once and scanned);
- no secret of the other side appears in the body or the headers, except a value
  the request itself sent (an echo tells the caller only what it already knew);
- nothing is written: no row, no state, no stored file, and no audit event but the
  records of the attempts the code audits by design (a refused import, a failed
  sign-in, a lookup of a person that was answered).

A second test reads what each caller may see (lists, its own case, the worker
checks its officer made of a person registered on the other side) and finds no
secret of the other side there either.
"""

import csv
import datetime
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from casework.deadlines import deadline_open
from casework.identifiers import mask_id_number
from casework.models import AuditEvent, Deadline, Enterprise, Jurisdiction, User
from inspections.models import Evidence, Finding, Inspection, WorkerCheck
from inspections.services import worker_check_record
from registry.models import Certificate, SkillCertificate, Trainer, Training, Worker
from registry.services import REGISTERS, record_create
from tests.factories import (
    client_for,
    make_certificate,
    make_enterprise,
    make_inspection,
    make_started_inspection,
    make_trainer,
    make_training,
    make_user,
    make_worker,
    valid_id_number,
    valid_uscc,
)

pytestmark = pytest.mark.django_db

JOB = "operator"
GHOST_PK = 987654321
CITY = "450100"


# --- the world ----------------------------------------------------------------------------


@dataclass
class Side:
    """One jurisdiction of the world: its callers, the values requests name, its secrets."""

    code: str
    officer: User
    supervisor: User
    enterprise_user: User
    refs: dict[str, Any]
    # Every distinctive text of the side -> what it is. A masked ID number maps to
    # the full number it masks (in ``masks``), so that an echo of one excuses both.
    secrets: dict[str, str] = field(default_factory=dict)
    masks: dict[str, str] = field(default_factory=dict)

    def secret(self, text: str, what: str) -> None:
        self.secrets[str(text)] = what

    def person(self, id_number: str, what: str) -> None:
        self.secret(id_number, what)
        self.secret(mask_id_number(id_number), f"{what} (masked)")
        self.masks[mask_id_number(id_number)] = id_number


# Distinctive texts per side: ``tag`` is QX (青秀区) or LA (隆安县).
NAMES = {
    "450103": {
        "tag": "QX",
        "enterprise": "青秀密档化工有限公司",
        "address": "青秀区密档路一号",
        "legal": "覃秘青",
        "phone": "0771-5550103",
        "workers": ("蒙青秀甲", "蒙青秀乙"),
        "course": "青秀密训课程",
        "officers": (("qx_officer_huang", "黄青秀官"), ("qx_officer_lan", "蓝青秀官")),
        "supervisor": ("qx_supervisor_wei", "韦青秀督"),
        "enterprise_user": ("qx_company_liang", "梁青秀企"),
        "unregistered": "覃未登青",
        "party": "青秀密档当事人",
        "photo": "qx-secret-photo",
        "camera": "QXSECRETCAM",
        "description": "青秀密证说明",
        "born": ("19850315", "19920611", "19780102"),
    },
    "450123": {
        "tag": "LA",
        "enterprise": "隆安密档烟花有限公司",
        "address": "隆安县密档街二号",
        "legal": "农秘隆",
        "phone": "0771-5550123",
        "workers": ("黎隆安甲", "黎隆安乙"),
        "course": "隆安密训课程",
        "officers": (("la_officer_lu", "陆隆安官"), ("la_officer_nong", "农隆安官")),
        "supervisor": ("la_supervisor_tan", "谭隆安督"),
        "enterprise_user": ("la_company_zhou", "周隆安企"),
        "unregistered": "覃未登隆",
        "party": "隆安密档当事人",
        "photo": "la-secret-photo",
        "camera": "LASECRETCAM",
        "description": "隆安密证说明",
        "born": ("19870420", "19950909", "19801224"),
    },
}


def photo(camera: str) -> bytes:
    """A real JPEG whose EXIF names the camera."""
    exif = Image.Exif()
    exif[0x010F] = camera  # Make
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, "JPEG", exif=exif)
    return out.getvalue()


def build_side(code: str, n: int) -> Side:
    names = NAMES[code]
    tag = names["tag"]
    company = make_enterprise(
        jurisdiction=code,
        uscc=valid_uscc(n, division=code),
        name=names["enterprise"],
        address=names["address"],
        legal_representative=names["legal"],
        contact_phone=names["phone"],
    )
    ids = [valid_id_number(n + i, region=code, born=born) for i, born in enumerate(names["born"])]
    first = make_worker(enterprise=company, id_number=ids[0], name=names["workers"][0], job=JOB)
    second = make_worker(enterprise=company, id_number=ids[1], name=names["workers"][1], job=JOB)
    training = make_training(enterprise=company, id_number=first.id_number, course=names["course"])
    trainer = make_trainer(enterprise=company, id_number=second.id_number, job=JOB)
    certificate = make_certificate(id_number=first.id_number, number=f"{tag}-SECRET-CERT-0001")
    make_certificate(
        id_number=second.id_number, category="welding", number=f"{tag}-SECRET-CERT-0002"
    )
    skill = record_create(
        kind="skill_certificates",
        actor=None,
        data={
            "id_number": first.id_number,
            "occupation": "化工总控工",
            "level": "三级",
            "number": f"{tag}-SECRET-SKILL-0001",
            "issued_on": datetime.date(2023, 5, 1),
        },
    )
    record_create(
        kind="skill_certificates",
        actor=None,
        data={
            "id_number": second.id_number,
            "occupation": "化工总控工",
            "level": "四级",
            "number": f"{tag}-SECRET-SKILL-0002",
            "issued_on": datetime.date(2023, 6, 1),
        },
    )
    officers = [
        make_user(
            role="officer",
            jurisdiction=code,
            username=username,
            full_name=full_name,
            credential_no=f"{tag}-SECRET-CRED-{i}",
        )
        for i, (username, full_name) in enumerate(names["officers"], 1)
    ]
    supervisor = make_user(
        role="supervisor",
        jurisdiction=code,
        username=names["supervisor"][0],
        full_name=names["supervisor"][1],
    )
    enterprise_user = make_user(
        role="enterprise",
        enterprise=company,
        username=names["enterprise_user"][0],
        full_name=names["enterprise_user"][1],
    )
    planned = make_inspection(enterprise=company, officers=officers)
    started = make_started_inspection(enterprise=company, officers=officers)
    check = worker_check_record(
        inspection=started,
        actor=officers[0],
        id_number=ids[2],  # a person the enterprise has not registered
        job=JOB,
        name=names["unregistered"],
    )
    assert check.finding_id is not None
    jpeg = photo(names["camera"])
    uploaded = client_for(officers[0]).post(
        f"/api/v1/inspections/{started.pk}/evidence/",
        {
            "file": SimpleUploadedFile(f"{names['photo']}.jpg", jpeg, content_type="image/jpeg"),
            "finding": check.finding_id,
            "description": names["description"],
        },
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.content
    evidence = uploaded.json()
    assert evidence["metadata"].get("camera_make") == names["camera"]
    deadline = deadline_open(
        kind="payment",
        subject=started,
        jurisdiction=company.jurisdiction,
        enterprise=company,
        party=names["party"],
        start_event="served",
        started_at=timezone.make_aware(
            datetime.datetime.combine(datetime.date(2026, 3, 2), datetime.time(9))
        ),
    )

    side = Side(
        code=code,
        officer=officers[0],
        supervisor=supervisor,
        enterprise_user=enterprise_user,
        refs={
            "enterprise": company.pk,
            "worker": first.pk,
            "certificate": certificate.pk,
            "training": training.pk,
            "trainer": trainer.pk,
            "skill": skill.pk,
            "inspection": started.pk,
            "planned": planned.pk,
            "finding": check.finding_id,
            "evidence": evidence["id"],
            "deadline": deadline.pk,
            "uscc": company.uscc,
            "code": code,
            "person": first.id_number,
            "person2": second.id_number,
            "cert_number": certificate.number,
            "cert_number2": f"{tag}-SECRET-CERT-0002",
            "skill_number": skill.number,
            "skill_number2": f"{tag}-SECRET-SKILL-0002",
            "taken_cert": certificate.number,
            "taken_skill": skill.number,
            "officer": officers[0].username,
            "officer2": officers[1].username,
            "supervisor": supervisor.username,
            "company_user": enterprise_user.username,
            "sha256": evidence["sha256"],
        },
    )
    for text, what in [
        (company.name, "enterprise name"),
        (company.uscc, "enterprise USCC"),
        (names["address"], "enterprise address"),
        (names["legal"], "legal representative"),
        (names["phone"], "contact phone"),
        (names["workers"][0], "worker name"),
        (names["workers"][1], "worker name"),
        (names["course"], "training course"),
        (certificate.number, "certificate number"),
        (f"{tag}-SECRET-CERT-0002", "certificate number"),
        (skill.number, "skill certificate number"),
        (f"{tag}-SECRET-SKILL-0002", "skill certificate number"),
        (names["unregistered"], "name of a checked person"),
        (names["party"], "deadline party"),
        (names["photo"], "evidence file name"),
        (names["camera"], "evidence EXIF camera"),
        (names["description"], "evidence description"),
        (evidence["sha256"], "evidence SHA-256"),
    ]:
        side.secret(text, what)
    for user in [*officers, supervisor, enterprise_user]:
        side.secret(user.username, f"{user.role}'s username")
        side.secret(user.get_full_name(), f"{user.role}'s full name")
    for officer in officers:
        side.secret(officer.credential_no, "officer's credential number")
    for id_number, what in zip(
        ids, ("a worker", "a worker", "an unregistered person"), strict=True
    ):
        side.person(id_number, f"ID number of {what}")
    return side


@pytest.fixture
def world(settings, evidence_dir):
    """Both sides; then each side's officer checks, at its own inspection, a person of the
    other side (registered there with a training and a certificate)."""
    settings.CASEWORK_API_RATES = {"anon": None, "user": None, "sign_in": None}
    sides = {"450103": build_side("450103", 100), "450123": build_side("450123", 200)}
    for mine, theirs in (("450103", "450123"), ("450123", "450103")):
        check = worker_check_record(
            inspection=Inspection.objects.get(pk=sides[mine].refs["inspection"]),
            actor=sides[mine].officer,
            id_number=sides[theirs].refs["person"],
            job=JOB,
            special_ops=["electrical"],
        )
        assert not check.qualified
        sides[mine].refs["cross_finding"] = check.finding_id
    masked = [m for side in sides.values() for m in side.masks]
    assert len(set(masked)) == len(masked), "masked ID numbers must tell people apart"
    return sides


# --- the requests ---------------------------------------------------------------------------

# Expected status per caller: (officer, supervisor, enterprise user); anonymous: always 401.
OBJECT = (404, 404, 404)
FILTER = (400, 400, 400)
EMPTY = (200, 200, 200)
WRITE = (400, 400, 403)  # staff: 400 naming the field; an enterprise user may not write
# A lookup's optional purpose (``inspection``) is checked where the code knows it
# (registry.lookups: 400, as for no inspection at all) and ignored elsewhere (200).
PURPOSE = (frozenset({200, 400}),) * 3
# Who looked a person up: supervisors read it, others are refused; 404 where it is not routed.
ACCESS_LOG = (frozenset({403, 404}), frozenset({200, 404}), frozenset({403, 404}))


@dataclass(frozen=True)
class Probe:
    label: str
    method: str
    path: str
    body: Any = None
    form: str = "json"  # "json", "multipart" (an evidence upload), "csv" (a register import)
    expect: tuple[int | frozenset[int], ...] = OBJECT
    field: str | None = None  # what a staff 400 names (a key, or an import error's column)
    # False where the answer differs from a ghost's by design; it is still scanned.
    compare: bool = True
    control: bool = False  # the city supervisor's same request answers 200
    anonymous: int | frozenset[int] = 401


def get(path: str, expect=OBJECT, **extra) -> Probe:
    return Probe(f"GET {path}", "GET", path, expect=expect, control=True, **extra)


def send(method: str, path: str, body=None, expect=OBJECT, **extra) -> Probe:
    return Probe(f"{method} {path}", method, path, body, expect=expect, **extra)


def import_csv(kind: str, row: dict, column: str, **extra) -> Probe:
    named = ", ".join(sorted(set(re.findall(r"{(\w+)}", json.dumps(row)))))
    label = f"POST /api/v1/imports/ {kind} naming {named}"
    body = {"kind": kind, "row": row}
    return Probe(label, "POST", "/api/v1/imports/", body, "csv", WRITE, column, **extra)


A = "/api/v1"
FRESH_ID = valid_id_number(777, region="450102", born="19991231")  # registered nowhere
FRESH_CERT = "NEW-CERT-77777"
WORKER_BODY = {
    "enterprise_uscc": "{their_uscc}",
    "id_number": FRESH_ID,
    "name": "新工人",
    "job": JOB,
}
TRAINING = {
    "kind": "job_safety",
    "job": JOB,
    "course": "新课程",
    "hours": 8,
    "theory_passed": True,
    "practical_passed": True,
    "assessed_on": "2025-06-01",
}
CERT = {"category": "electrical", "issued_on": "2024-01-01", "valid_until": "2030-01-01"}
SKILL = {"occupation": "化工总控工", "level": "三级", "issued_on": "2024-01-01"}
ENTERPRISE = {"name": "新企业", "sector": "other"}

PROBES = [
    # Objects of the other side, by id.
    get(f"{A}/enterprises/{{their_enterprise}}/"),
    get(f"{A}/workers/{{their_worker}}/"),
    get(f"{A}/certificates/{{their_certificate}}/"),
    get(f"{A}/trainings/{{their_training}}/"),
    get(f"{A}/trainers/{{their_trainer}}/"),
    get(f"{A}/skill-certificates/{{their_skill}}/"),
    get(f"{A}/inspections/{{their_inspection}}/"),
    get(f"{A}/inspections/{{their_inspection}}/timeline/"),
    get(f"{A}/inspections/{{their_inspection}}/transitions/"),
    get(f"{A}/inspections/{{their_inspection}}/worker-checks/"),
    get(f"{A}/inspections/{{their_inspection}}/evidence/"),
    get(f"{A}/inspections/{{their_planned}}/"),
    get(f"{A}/inspections/{{their_planned}}/transitions/"),
    get(f"{A}/findings/{{their_finding}}/"),
    get(f"{A}/findings/{{their_finding}}/timeline/"),
    get(f"{A}/findings/{{their_finding}}/transitions/"),
    get(f"{A}/findings/{{their_cross_finding}}/"),
    get(f"{A}/evidence/{{their_evidence}}/"),
    get(f"{A}/evidence/{{their_evidence}}/file/"),
    get(f"{A}/deadlines/{{their_deadline}}/"),
    # Transitions and sub-collection writes on them.
    send(
        "POST",
        f"{A}/inspections/{{their_planned}}/transitions/start/",
        {"officers": ["{their_officer}", "{their_officer2}"], "version": 0},
    ),
    send("POST", f"{A}/inspections/{{their_planned}}/transitions/cancel/", {"reason": "x"}),
    send("POST", f"{A}/inspections/{{their_inspection}}/transitions/record/", {"signed_by": "x"}),
    send("POST", f"{A}/inspections/{{their_inspection}}/transitions/close/", {}),
    send(
        "POST",
        f"{A}/findings/{{their_finding}}/transitions/dispose/",
        {"disposition": "transfer", "transfer_to": "x"},
    ),
    send(
        "POST",
        f"{A}/inspections/{{their_inspection}}/worker-checks/",
        {"id_number": "{their_person}", "job": JOB},
    ),
    Probe(
        f"POST {A}/inspections/{{their_inspection}}/evidence/ (multipart)",
        "POST",
        f"{A}/inspections/{{their_inspection}}/evidence/",
        {"finding": "{their_finding}", "description": "x"},
        "multipart",
    ),
    # Updates of their register rows.
    send("PATCH", f"{A}/enterprises/{{their_enterprise}}/", {"name": "x"}),
    send("PATCH", f"{A}/workers/{{their_worker}}/", {"name": "x"}),
    send("PATCH", f"{A}/certificates/{{their_certificate}}/", {"valid_until": "2031-01-01"}),
    send("PATCH", f"{A}/trainings/{{their_training}}/", {"hours": 9}),
    send("PATCH", f"{A}/trainers/{{their_trainer}}/", {"job": "x"}),
    send("PATCH", f"{A}/skill-certificates/{{their_skill}}/", {"level": "x"}),
    send(
        "PUT",
        f"{A}/enterprises/{{their_enterprise}}/",
        {**ENTERPRISE, "uscc": "{their_uscc}", "jurisdiction": "{their_code}"},
    ),
    send(
        "PUT",
        f"{A}/workers/{{their_worker}}/",
        {**WORKER_BODY, "id_number": "{their_person}"},
    ),
    send(
        "PUT",
        f"{A}/certificates/{{their_certificate}}/",
        {**CERT, "id_number": "{their_person}", "number": "{their_cert_number}"},
    ),
    send(
        "PUT",
        f"{A}/trainings/{{their_training}}/",
        {**TRAINING, "enterprise_uscc": "{their_uscc}", "id_number": "{their_person}"},
    ),
    send(
        "PUT",
        f"{A}/trainers/{{their_trainer}}/",
        {"enterprise_uscc": "{their_uscc}", "id_number": "{their_person2}", "job": JOB},
    ),
    send(
        "PUT",
        f"{A}/skill-certificates/{{their_skill}}/",
        {**SKILL, "id_number": "{their_person}", "number": "{their_skill_number}"},
    ),
    # OPTIONS on a detail: the actions it offers must not depend on the object existing.
    send("OPTIONS", f"{A}/workers/{{their_worker}}/", expect=EMPTY),
    send("OPTIONS", f"{A}/enterprises/{{their_enterprise}}/", expect=EMPTY),
    send("OPTIONS", f"{A}/inspections/{{their_inspection}}/", expect=EMPTY),
    # Filters naming their objects (400, as one naming no object).
    get(f"{A}/findings/?inspection={{their_inspection}}", FILTER, field="inspection"),
    get(f"{A}/workers/?enterprise={{their_enterprise}}", FILTER, field="enterprise"),
    get(f"{A}/trainings/?enterprise={{their_enterprise}}", FILTER, field="enterprise"),
    get(f"{A}/trainers/?enterprise={{their_enterprise}}", FILTER, field="enterprise"),
    get(f"{A}/evidence/?inspection={{their_inspection}}", FILTER, field="inspection"),
    get(f"{A}/evidence/?finding={{their_finding}}", FILTER, field="finding"),
    get(f"{A}/enterprises/?jurisdiction={{their_code}}", FILTER, field="jurisdiction"),
    # Filters naming their keys by value (an empty page, as for a key held by nobody).
    get(f"{A}/enterprises/?uscc={{their_uscc}}", EMPTY),
    get(f"{A}/workers/?id_number={{their_person}}", EMPTY),
    get(f"{A}/certificates/?id_number={{their_person}}", EMPTY),
    get(f"{A}/certificates/?number={{their_cert_number}}", EMPTY),
    get(f"{A}/trainings/?id_number={{their_person}}", EMPTY),
    get(f"{A}/trainers/?id_number={{their_person2}}", EMPTY),
    get(f"{A}/skill-certificates/?id_number={{their_person}}", EMPTY),
    get(f"{A}/skill-certificates/?number={{their_skill_number}}", EMPTY),
    get(f"{A}/evidence/?sha256={{their_sha256}}", EMPTY),
    # Register writes that refer to them.
    send("POST", f"{A}/workers/", WORKER_BODY, WRITE, field="enterprise_uscc"),
    send(
        "POST",
        f"{A}/trainings/",
        {**TRAINING, "enterprise_uscc": "{their_uscc}", "id_number": "{their_person}"},
        WRITE,
        field="enterprise_uscc",
    ),
    send(
        "POST",
        f"{A}/trainers/",
        {"enterprise_uscc": "{their_uscc}", "id_number": "{their_person2}", "job": JOB},
        WRITE,
        field="enterprise_uscc",
    ),
    send(
        "POST",
        f"{A}/trainings/",
        {**TRAINING, "enterprise_uscc": "{my_uscc}", "id_number": "{their_person}"},
        WRITE,
        field="id_number",
    ),
    send(
        "POST",
        f"{A}/trainers/",
        {"enterprise_uscc": "{my_uscc}", "id_number": "{their_person2}", "job": JOB},
        WRITE,
        field="id_number",
    ),
    send(
        "POST",
        f"{A}/certificates/",
        {**CERT, "id_number": "{their_person}", "number": FRESH_CERT},
        WRITE,
        field="id_number",
    ),
    send(
        "POST",
        f"{A}/skill-certificates/",
        {**SKILL, "id_number": "{their_person}", "number": FRESH_CERT},
        WRITE,
        field="id_number",
    ),
    # A certificate number is unique across the city: theirs is refused as taken, exactly as
    # one taken by another person of the caller's own side (the ghost of ``taken_*``).
    send(
        "POST",
        f"{A}/certificates/",
        {**CERT, "id_number": "{my_person}", "number": "{their_taken_cert}"},
        WRITE,
        field="number",
    ),
    send(
        "POST",
        f"{A}/skill-certificates/",
        {**SKILL, "id_number": "{my_person}", "number": "{their_taken_skill}"},
        WRITE,
        field="number",
    ),
    send(
        "POST",
        f"{A}/enterprises/",
        {**ENTERPRISE, "uscc": "{fresh_uscc}", "jurisdiction": "{their_code}"},
        WRITE,
        field="jurisdiction",
    ),
    # A credit code is unique across the city: a taken one is refused as taken (ADR 0020,
    # "uscc_taken"), where a free one would be registered. Scanned, not compared.
    send(
        "POST",
        f"{A}/enterprises/",
        {**ENTERPRISE, "uscc": "{their_uscc}", "jurisdiction": "{my_code}"},
        WRITE,
        field="uscc",
        compare=False,
    ),
    # Updates of the caller's own rows that point at theirs.
    send(
        "PATCH",
        f"{A}/workers/{{my_worker}}/",
        {"enterprise_uscc": "{their_uscc}"},
        WRITE,
        field="enterprise_uscc",
    ),
    send(
        "PATCH",
        f"{A}/trainings/{{my_training}}/",
        {"enterprise_uscc": "{their_uscc}"},
        WRITE,
        field="enterprise_uscc",
    ),
    send(
        "PATCH",
        f"{A}/trainers/{{my_trainer}}/",
        {"id_number": "{their_person}"},
        WRITE,
        field="id_number",
    ),
    send(
        "PATCH",
        f"{A}/certificates/{{my_certificate}}/",
        {"id_number": "{their_person}"},
        WRITE,
        field="id_number",
    ),
    send(
        "PATCH",
        f"{A}/certificates/{{my_certificate}}/",
        {"number": "{their_taken_cert}"},
        WRITE,
        field="number",
    ),
    send(
        "PATCH",
        f"{A}/skill-certificates/{{my_skill}}/",
        {"id_number": "{their_person}"},
        WRITE,
        field="id_number",
    ),
    send(
        "PATCH",
        f"{A}/enterprises/{{my_enterprise}}/",
        {"jurisdiction": "{their_code}"},
        WRITE,
        field="jurisdiction",
    ),
    send(
        "PATCH",
        f"{A}/enterprises/{{my_enterprise}}/",
        {"uscc": "{their_uscc}"},
        WRITE,
        field="uscc",
        compare=False,  # "uscc_taken", as above
    ),
    # Inspections planned or started with their enterprise or their officers.
    send(
        "POST",
        f"{A}/inspections/",
        {"enterprise": "{their_uscc}", "planned_on": "2026-06-01", "officers": ["{my_officer}"]},
        WRITE,
        field="enterprise",
    ),
    send(
        "POST",
        f"{A}/inspections/",
        {
            "enterprise": "{my_uscc}",
            "planned_on": "2026-06-01",
            "officers": ["{my_officer}", "{their_officer}"],
        },
        WRITE,
        field="officers",
    ),
    send(
        "POST",
        f"{A}/inspections/",
        {
            "enterprise": "{my_uscc}",
            "planned_on": "2026-06-01",
            "officers": ["{their_officer}", "{their_officer2}"],
        },
        WRITE,
        field="officers",
    ),
    send(
        "POST",
        f"{A}/inspections/{{my_planned}}/transitions/start/",
        {"officers": ["{my_officer}", "{their_officer}"], "version": 0},
        (400, 403, 403),  # only an officer may start
        field="officers",
    ),
    Probe(
        f"POST {A}/inspections/{{my_inspection}}/evidence/ naming their finding (multipart)",
        "POST",
        f"{A}/inspections/{{my_inspection}}/evidence/",
        {"finding": "{their_finding}", "description": "x"},
        "multipart",
        FILTER,
        "finding",
    ),
    # The qualification check.
    send(
        "POST",
        f"{A}/qualification-checks/",
        {"enterprise": "{their_uscc}", "id_number": "{my_person}", "job": JOB},
        FILTER,
        field="enterprise",
    ),
    # Their person at the caller's enterprise: answered (the verdict reads every register),
    # with their rows withheld (ADR 0019); the verdict tells a record exists elsewhere by
    # design, so it is scanned, not compared.
    send(
        "POST",
        f"{A}/qualification-checks/",
        {
            "enterprise": "{my_uscc}",
            "id_number": "{their_person}",
            "job": JOB,
            "special_ops": ["electrical"],
        },
        EMPTY,
        compare=False,
    ),
    # The purpose of a lookup naming their inspection.
    get(f"{A}/workers/{{my_worker}}/?inspection={{their_inspection}}", PURPOSE),
    send(
        "POST",
        f"{A}/qualification-checks/",
        {
            "enterprise": "{my_uscc}",
            "id_number": "{my_person}",
            "job": JOB,
            "inspection": "{their_inspection}",
        },
        PURPOSE,
    ),
    # Who looked their person up: only lookups made on the caller's side may show (the
    # caller's officer checked that person on site), so it is scanned, not compared.
    send(
        "GET",
        f"{A}/access-log/?id_number={{their_person}}",
        expect=ACCESS_LOG,
        anonymous=frozenset({401, 404}),
        compare=False,
    ),
    # Register imports with rows naming them.
    import_csv("workers", WORKER_BODY, "enterprise_uscc"),
    import_csv(
        "trainings",
        {**TRAINING, "enterprise_uscc": "{their_uscc}", "id_number": "{their_person}"},
        "enterprise_uscc",
    ),
    import_csv(
        "trainings",
        {**TRAINING, "enterprise_uscc": "{my_uscc}", "id_number": "{their_person}"},
        "id_number",
    ),
    import_csv(
        "trainers",
        {"enterprise_uscc": "{their_uscc}", "id_number": "{their_person2}", "job": JOB},
        "enterprise_uscc",
    ),
    import_csv(
        "certificates", {**CERT, "id_number": "{their_person}", "number": FRESH_CERT}, "id_number"
    ),
    import_csv(
        "certificates",
        {**CERT, "id_number": "{my_person}", "number": "{their_taken_cert}"},
        "number",
    ),
    import_csv(
        "enterprises",
        {**ENTERPRISE, "uscc": "{fresh_uscc}", "jurisdiction": "{their_code}"},
        "jurisdiction",
    ),
    import_csv(
        "enterprises",
        {**ENTERPRISE, "uscc": "{their_uscc}", "jurisdiction": "{my_code}"},
        "uscc",
        compare=False,  # "uscc_taken", as above
    ),
]

# Sign-in attempts with their usernames (a wrong password): as with nobody's username.
TOKEN_PROBES = [
    Probe(
        f"POST {A}/auth/token as {{their_{name}}}",
        "POST",
        f"{A}/auth/token",
        {"username": f"{{their_{name}}}", "password": "not-the-password-2026"},
        expect=(401, 401, 401),
    )
    for name in ("officer", "officer2", "supervisor", "company_user")
]

GHOSTS = {
    "enterprise": GHOST_PK,
    "worker": GHOST_PK,
    "certificate": GHOST_PK,
    "training": GHOST_PK,
    "trainer": GHOST_PK,
    "skill": GHOST_PK,
    "inspection": GHOST_PK,
    "planned": GHOST_PK,
    "finding": GHOST_PK,
    "cross_finding": GHOST_PK,
    "evidence": GHOST_PK,
    "deadline": GHOST_PK,
    "code": "999999",
    "cert_number": "NO-SUCH-CERT-0009",
    "skill_number": "NO-SUCH-SKILL-0009",
    "officer": "ghost_officer_a",
    "officer2": "ghost_officer_b",
    "supervisor": "ghost_supervisor",
    "company_user": "ghost_company_user",
    "sha256": "0" * 64,
}


def ghost_refs(their: Side, mine: Side) -> dict[str, Any]:
    """Values that name nothing (or, for a city-unique key, a key taken on the caller's side)."""
    return {
        **GHOSTS,
        "uscc": valid_uscc(999, division=their.code),
        "person": valid_id_number(991, region=their.code, born="20000101"),
        "person2": valid_id_number(992, region=their.code, born="20000102"),
        "taken_cert": mine.refs["cert_number2"],
        "taken_skill": mine.refs["skill_number2"],
    }


# --- sending and reading ----------------------------------------------------------------------


def fill(template: Any, values: dict[str, Any]) -> Any:
    if isinstance(template, str):
        return re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), template)
    if isinstance(template, dict):
        return {key: fill(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, values) for value in template]
    return template


def csv_file(kind: str, row: dict) -> bytes:
    columns = REGISTERS[kind].column_names
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue().encode()


@dataclass
class Answer:
    status: int
    text: str  # the body, and every header as "name: value"
    body: Any  # the decoded JSON body, or None
    sent: str  # everything the request carried: path, body, file


def request(client: APIClient, probe: Probe, values: dict[str, Any]) -> Answer:
    path = fill(probe.path, values)
    body = fill(probe.body, values)
    sent = path + json.dumps(body, ensure_ascii=False)
    method = getattr(client, probe.method.lower())
    if probe.form == "multipart":
        jpeg = photo("MATRIXCAM")
        body = {**body, "file": SimpleUploadedFile("matrix.jpg", jpeg, content_type="image/jpeg")}
        response = method(path, body, format="multipart")
    elif probe.form == "csv":
        content = csv_file(body["kind"], body["row"])
        sent += content.decode()
        upload = SimpleUploadedFile("rows.csv", content, content_type="text/csv")
        response = method(path, {"kind": body["kind"], "file": upload}, format="multipart")
    elif probe.method in ("GET", "OPTIONS"):
        response = method(path)
    else:
        response = method(path, body, format="json")
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    text = raw.decode("utf-8", errors="replace")
    decoded = None
    if response.get("Content-Type", "").startswith("application/json"):
        decoded = json.loads(text) if text else None
        # Escaped characters in JSON (\\u9752...) are read back as the characters.
        text += "\n" + json.dumps(decoded, ensure_ascii=False)
    text += "\n" + "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    return Answer(response.status_code, text, decoded, sent)


def leaks(answer: Answer, side: Side, known: frozenset[str] = frozenset()) -> list[str]:
    """The secrets of ``side`` in ``answer``, but those the request sent or the caller knows."""
    found = []
    for secret, what in side.secrets.items():
        echoed = side.masks.get(secret, secret)
        if echoed in answer.sent or secret in answer.sent or echoed in known:
            continue
        if secret.casefold() in answer.text.casefold():
            found.append(f"{what} {secret!r}")
    return found


def body_text(answer: Answer) -> str:
    if answer.body is None:
        return answer.text.split("\n", 1)[0]
    # An import's report carries the file's SHA-256, which differs with its content.
    text = json.dumps(answer.body, ensure_ascii=False)
    return re.sub(r'"sha256": "[0-9a-f]{64}"', '"sha256": "<file>"', text)


def _occurs(value: str, text: str) -> bool:
    return re.search(_pattern(value), text) is not None


def _pattern(value: str) -> str:
    # An id is a whole number: never a part of another number.
    return rf"(?<![0-9]){re.escape(value)}(?![0-9])" if value.isdigit() else re.escape(value)


def normalised(answers: list[Answer], values: list[dict], names: set[str]) -> list[str]:
    """The two bodies, with each value the probe substituted for ``names`` replaced by its
    name where the answers echo it: where the ghost's body carries the ghost's value (an
    id or a key that names nothing can appear there only as an echo of the request)."""
    texts = [body_text(answer) for answer in answers]
    pairs = []
    for name in names:
        real, ghost = (str(v[f"their_{name}"]) for v in values)
        pairs.append((real, ghost, f"<{name}>"))
        if len(real) == 18 and real[:6].isdigit():
            pairs.append((mask_id_number(real), mask_id_number(ghost), f"<{name}:masked>"))
    for real, ghost, name in sorted(pairs, key=lambda p: -len(p[0])):
        if _occurs(ghost, texts[1]):
            texts = [
                re.sub(_pattern(v), name, t) for v, t in zip((real, ghost), texts, strict=True)
            ]
    return texts


def their_probe_names(probe: Probe) -> set[str]:
    used = re.findall(r"{their_(\w+)}", probe.path + json.dumps(probe.body, ensure_ascii=False))
    return set(used)


def values_for(caller: User | None, mine: Side, their: Side, refs: dict[str, Any]) -> dict:
    officer = caller if caller is not None and caller.role == "officer" else mine.officer
    return {
        **{f"my_{key}": value for key, value in mine.refs.items()},
        **{f"their_{key}": value for key, value in refs.items()},
        "my_officer": officer.username,
        "fresh_uscc": valid_uscc(888, division=mine.code),
    }


# --- what must not change -----------------------------------------------------------------------

MODELS = [
    Enterprise,
    User,
    Worker,
    Certificate,
    Training,
    Trainer,
    SkillCertificate,
    Inspection,
    WorkerCheck,
    Finding,
    Evidence,
    Deadline,
]


def snapshot(evidence_dir) -> dict:
    files = sorted(str(p) for p in evidence_dir.rglob("*") if p.is_file())
    return {
        "rows": {model.__name__: model.objects.count() for model in MODELS},
        "inspections": list(
            Inspection.objects.order_by("pk").values_list("pk", "state", "version")
        ),
        "findings": list(Finding.objects.order_by("pk").values_list("pk", "state", "version")),
        "workers": list(Worker.objects.order_by("pk").values_list("pk", "enterprise_id", "name")),
        "files": files,
    }


def ghosts_name_nothing(world) -> None:
    """Every ghost value, and every fresh value the writes carry, names nothing yet."""
    for mine, their in ((world["450103"], world["450123"]), (world["450123"], world["450103"])):
        ghost = ghost_refs(their, mine)
        fresh = values_for(None, mine, their, ghost)["fresh_uscc"]
        assert not Enterprise.objects.filter(uscc__in=[ghost["uscc"], fresh]).exists()
        people = [ghost["person"], ghost["person2"], FRESH_ID]
        assert not Worker.objects.filter(id_number__in=people).exists()
        assert not Certificate.objects.filter(id_number__in=people).exists()
        numbers = [ghost["cert_number"], ghost["skill_number"], FRESH_CERT]
        assert not Certificate.objects.filter(number__in=numbers).exists()
        assert not SkillCertificate.objects.filter(number__in=numbers).exists()
        names = [ghost[key] for key in ("officer", "officer2", "supervisor", "company_user")]
        assert not User.objects.filter(username__in=names).exists()
        assert not Jurisdiction.objects.filter(code=ghost["code"]).exists()
        assert not Evidence.objects.filter(sha256=ghost["sha256"]).exists()
    for model in MODELS:
        assert not model.objects.filter(pk=GHOST_PK).exists()


# --- the tests ----------------------------------------------------------------------------------


def callers(world) -> list[tuple[str, User | None, Side, Side]]:
    """(label, caller, the caller's side, the side it may not see): the seven callers."""
    qx, la = world["450103"], world["450123"]
    rows = []
    for mine, theirs in ((qx, la), (la, qx)):
        for user in (mine.officer, mine.supervisor, mine.enterprise_user):
            rows.append((f"{user.role} of {mine.code}", user, mine, theirs))
    # The anonymous caller may see neither side: the other side is each in turn.
    rows += [("anonymous", None, la, qx), ("anonymous", None, qx, la)]
    return rows


# Where an answered request is a lookup of a person, written to the audit trail.
LOOKUP_PATHS = ("/qualification-checks/", "/workers/{", "/file/", "/access-log/")

ROLE_COLUMN = {"officer": 0, "supervisor": 1, "enterprise": 2}


# What the control's answers must carry (staff read usernames, not full names).
CONTROL_SEES = {
    "enterprise name",
    "enterprise USCC",
    "enterprise address",
    "legal representative",
    "contact phone",
    "worker name",
    "training course",
    "certificate number",
    "skill certificate number",
    "name of a checked person",
    "deadline party",
    "evidence file name",
    "evidence EXIF camera",
    "evidence description",
    "evidence SHA-256",
    "officer's username",
    "ID number of a worker",
    "ID number of a worker (masked)",
    "ID number of an unregistered person (masked)",
}


def test_no_refusal_tells_an_out_of_scope_caller_anything_of_another_jurisdiction(
    world, evidence_dir
):
    city = make_user(role="supervisor", jurisdiction=CITY, username="city_control")
    city_client = client_for(city)
    for side in world.values():
        values = values_for(city, side, side, side.refs)
        seen = set()
        for probe in PROBES:
            if probe.control:
                answer = request(city_client, probe, values)
                assert answer.status == 200, (probe.label, answer.text)
                if isinstance(answer.body, dict) and "count" in answer.body:
                    assert answer.body["count"] >= 1, (probe.label, answer.text)
                seen |= {what for text, what in side.secrets.items() if text in answer.text}
        # The scan is sharp: the same requests, from a caller who may see, carry the secrets.
        assert CONTROL_SEES <= seen, CONTROL_SEES - seen

    ghosts_name_nothing(world)
    before = snapshot(evidence_dir)
    last_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    problems: list[str] = []
    statuses: Counter = Counter()
    sent = ghosts = imports = sign_ins = lookups = 0
    for label, caller, mine, their in callers(world):
        client = APIClient() if caller is None else client_for(caller)
        client.raise_request_exception = False
        probes = PROBES + (TOKEN_PROBES if caller is None else [])
        real = values_for(caller, mine, their, their.refs)
        ghost = values_for(caller, mine, their, ghost_refs(their, mine))
        for probe in probes:
            if caller is None:
                expected = probe.anonymous
            else:
                expected = probe.expect[ROLE_COLUMN[caller.role]]
            if probe in TOKEN_PROBES:
                sign_ins += 2
            answers = [request(client, probe, real)]
            if probe.compare:  # (a ghost of a by-design difference could be written)
                answers.append(request(client, probe, ghost))
                ghosts += 1
            sent += 1
            statuses[answers[0].status] += 1
            if probe.method in ("GET", "POST") and any(p in probe.path for p in LOOKUP_PATHS):
                lookups += sum(200 <= answer.status < 300 for answer in answers)
            where = f"[{label} → {their.code}] {fill(probe.label, real)}"
            for answer in answers:
                if answer.status >= 500:
                    problems.append(f"{where}: {answer.status} {answer.text[:300]}")
            answer = answers[0]
            if answer.status not in (expected if isinstance(expected, frozenset) else {expected}):
                problems.append(f"{where}: status {answer.status}, expected {expected}")
            if expected == 400 and probe.field is not None and caller is not None:
                named = answer.body or {}
                if probe.form == "csv":
                    named = {error["column"] for error in named.get("errors", [])}
                if probe.field not in named:
                    problems.append(f"{where}: the 400 does not name {probe.field}: {answer.text}")
            if probe.form == "csv" and caller is not None and caller.role != "enterprise":
                imports += len(answers)
            found = leaks(answer, their)
            if found:
                problems.append(f"{where}: LEAK {found} in {answer.text[:500]}")
            if probe.compare:
                one, other = normalised(answers, [real, ghost], their_probe_names(probe))
                if (answers[0].status, one) != (answers[1].status, other):
                    problems.append(
                        f"{where}: DIFFERS from nothing: {answers[0].status} {one[:400]} "
                        f"≠ {answers[1].status} {other[:400]}"
                    )

    print(
        f"\naccess matrix: {sent} requests naming the other side, {ghosts} more naming nothing "
        f"({sent + ghosts} in all); statuses of the first: {dict(sorted(statuses.items()))}"
    )
    assert sent > 150
    assert not problems, "\n".join(problems)

    # Nothing written: no row, state or file. The only audit events are the records of
    # attempts that the code audits by design: each refused import, each failed sign-in,
    # and a lookup of a person (registry.lookups) for an answered lookup only.
    assert snapshot(evidence_dir) == before
    events = AuditEvent.objects.filter(seq__gt=last_seq)
    written = Counter(events.values_list("action", flat=True))
    assert written.pop("person_looked_up", 0) <= lookups
    assert written == Counter({"register_imported": imports, "login_failed": sign_ins})
    for event in events.filter(action="register_imported"):
        report = event.payload
        assert (report["imported"], report["created"], report["updated"]) == (False, 0, 0)


# What each caller may read: its side's lists and case, with the worker checks its
# officer made of a person of the other side. That person's ID number, typed by the
# officer, is the one value of the other side it may show (masked).
READS = [
    f"{A}/enterprises/",
    f"{A}/workers/",
    f"{A}/certificates/",
    f"{A}/trainings/",
    f"{A}/trainers/",
    f"{A}/skill-certificates/",
    f"{A}/inspections/",
    f"{A}/findings/",
    f"{A}/evidence/",
    f"{A}/deadlines/",
    f"{A}/deadlines/changes/",
    f"{A}/enterprises/{{my_enterprise}}/",
    f"{A}/workers/{{my_worker}}/",
    f"{A}/certificates/{{my_certificate}}/",
    f"{A}/inspections/{{my_inspection}}/",
    f"{A}/inspections/{{my_inspection}}/timeline/",
    f"{A}/inspections/{{my_inspection}}/transitions/",
    f"{A}/inspections/{{my_inspection}}/worker-checks/",
    f"{A}/inspections/{{my_inspection}}/evidence/",
    f"{A}/findings/?inspection={{my_inspection}}",
    f"{A}/findings/{{my_cross_finding}}/",
    f"{A}/findings/{{my_cross_finding}}/timeline/",
    f"{A}/evidence/{{my_evidence}}/",
    f"{A}/evidence/{{my_evidence}}/file/",
    f"{A}/deadlines/{{my_deadline}}/",
]


def test_what_a_caller_may_read_carries_nothing_of_another_jurisdiction(world):
    problems, sent = [], 0
    for label, caller, mine, their in callers(world):
        if caller is None:
            continue
        client = client_for(caller)
        values = values_for(caller, mine, their, their.refs)
        known = frozenset({their.refs["person"]})  # checked on site by the caller's officer
        for path in READS:
            answer = request(client, get(path, EMPTY), values)
            sent += 1
            where = f"[{label}] GET {fill(path, values)}"
            if answer.status != 200:
                problems.append(f"{where}: status {answer.status}")
            found = leaks(answer, their, known)
            if found:
                problems.append(f"{where}: LEAK {found} in {answer.text[:500]}")
    print(f"\nin-scope reads scanned: {sent}")
    assert not problems, "\n".join(problems)
