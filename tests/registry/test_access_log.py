"""Who looked at whom: every lookup of a person is in the audit trail; supervisors read it."""

import datetime
import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from casework import clock
from casework.audit import audit_verify
from casework.models import AuditEvent
from inspections.models import Finding
from inspections.services import worker_check_record
from registry.lookups import PERSON_OBJECT_TYPE, person_key
from tests.factories import (
    client_for,
    make_enterprise,
    make_started_inspection,
    make_user,
    make_worker,
    valid_id_number,
)

pytestmark = pytest.mark.django_db

CHECKS = "/api/v1/qualification-checks/"
LOG = "/api/v1/access-log/"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PERSON = valid_id_number(123)  # registered in 青秀区
MASKED = f"{PERSON[:6]}********{PERSON[-4:]}"


@pytest.fixture
def qingxiu():
    """青秀区 (450103): an enterprise employing the person, two officers, a supervisor."""
    enterprise = make_enterprise(jurisdiction="450103")
    worker = make_worker(enterprise=enterprise, id_number=PERSON, name="王明")
    officers = [
        make_user(role="officer", jurisdiction="450103", full_name="李伟") for _ in range(2)
    ]
    supervisor = make_user(role="supervisor", jurisdiction="450103")
    return {
        "enterprise": enterprise,
        "worker": worker,
        "officers": officers,
        "supervisor": supervisor,
    }


@pytest.fixture
def longan():
    """隆安县 (450123): an enterprise, an officer, a supervisor."""
    return {
        "enterprise": make_enterprise(jurisdiction="450123"),
        "officer": make_user(role="officer", jurisdiction="450123"),
        "supervisor": make_user(role="supervisor", jurisdiction="450123"),
    }


def lookups() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="person_looked_up").order_by("seq"))


def check(user, enterprise, id_number=PERSON, **extra):
    body = {"enterprise": enterprise.uscc, "id_number": id_number, "job": "operator", **extra}
    return client_for(user).post(CHECKS, body, format="json")


def access_log(user, id_number=PERSON, **params):
    return client_for(user).get(LOG, {"id_number": id_number, **params})


def stored(event: AuditEvent) -> str:
    """Everything an event keeps, as text."""
    fields = ("object_type", "object_id", "object_repr", "payload", "rule_versions")
    return json.dumps({f: getattr(event, f) for f in fields}, ensure_ascii=False)


def assert_no_full_number(*texts: str) -> None:
    for text in texts:
        assert PERSON not in text
        assert PERSON.lower() not in text


# --- each lookup writes one event -------------------------------------------------------


def test_a_qualification_check_writes_one_lookup_with_caller_time_person_and_purpose(qingxiu):
    officer = qingxiu["officers"][0]
    before = clock.now()

    response = check(officer, qingxiu["enterprise"], purpose="Complaint 2026-17 about night shifts")

    assert response.status_code == 200, response.content
    [event] = lookups()
    assert (event.actor_id, event.actor_username, event.actor_role) == (
        officer.pk,
        officer.username,
        "officer",
    )
    assert before <= event.occurred_at <= clock.now()
    assert (event.object_type, event.object_id) == (PERSON_OBJECT_TYPE, person_key(PERSON))
    assert event.payload == {
        "lookup": "qualification_check",
        "id_number": MASKED,
        "purpose": "Complaint 2026-17 about night shifts",
        "inspection": None,
        "enterprise": qingxiu["enterprise"].uscc,
        "jurisdiction": "450103",
        "made_in": "450103",
    }
    assert_no_full_number(stored(event), response.content.decode())
    assert audit_verify().ok


def test_a_check_for_an_inspection_records_it_and_one_without_a_purpose_says_so(qingxiu):
    officer = qingxiu["officers"][0]
    inspection = make_started_inspection(
        enterprise=qingxiu["enterprise"], officers=qingxiu["officers"]
    )

    assert check(officer, qingxiu["enterprise"], inspection=inspection.pk).status_code == 200
    assert check(officer, qingxiu["enterprise"]).status_code == 200

    for_inspection, without = lookups()
    assert (for_inspection.payload["inspection"], for_inspection.payload["purpose"]) == (
        inspection.pk,
        "",
    )
    assert (without.payload["inspection"], without.payload["purpose"]) == (None, "")
    entries = access_log(qingxiu["supervisor"]).json()["results"]
    assert [(e["inspection"], e["purpose"], e["purpose_given"]) for e in entries[:2]] == [
        (None, "", False),
        (inspection.pk, "", True),
    ]


def test_a_workers_page_is_a_lookup_and_the_list_is_not(qingxiu):
    officer, worker = qingxiu["officers"][0], qingxiu["worker"]
    client = client_for(officer)

    assert client.get("/api/v1/workers/").status_code == 200
    assert client.get("/api/v1/workers/", {"id_number": PERSON}).status_code == 200
    assert lookups() == []

    page = client.get(f"/api/v1/workers/{worker.pk}/", {"purpose": "Checking a complaint"})

    assert page.status_code == 200
    assert page.json()["id_number"] == PERSON  # staff read the full number there, as before
    [event] = lookups()
    assert event.actor_id == officer.pk
    assert event.object_id == person_key(PERSON)
    assert event.payload["lookup"] == "worker_detail"
    assert event.payload["worker"] == worker.pk
    assert event.payload["purpose"] == "Checking a complaint"
    assert event.payload["id_number"] == MASKED
    assert_no_full_number(stored(event))


def test_an_evidence_download_is_a_lookup_of_the_finding_s_worker_or_of_no_one(qingxiu):
    officers, enterprise = qingxiu["officers"], qingxiu["enterprise"]
    inspection = make_started_inspection(enterprise=enterprise, officers=officers)
    # The person is registered but untrained: a worker-level finding.
    finding = worker_check_record(
        inspection=inspection, actor=officers[0], id_number=PERSON, job="operator"
    ).finding
    assert finding.level == Finding.Level.WORKER
    client = client_for(officers[0])

    def upload(**extra) -> int:
        body = {"file": SimpleUploadedFile("scan.pdf", PDF, "application/pdf"), **extra}
        response = client.post(
            f"/api/v1/inspections/{inspection.pk}/evidence/", body, format="multipart"
        )
        assert response.status_code == 201, response.content
        return response.json()["id"]

    of_worker, of_site = upload(finding=finding.pk), upload()
    assert client.get("/api/v1/evidence/").status_code == 200
    assert client.get(f"/api/v1/inspections/{inspection.pk}/evidence/").status_code == 200
    assert lookups() == []

    for evidence in (of_worker, of_site):
        response = client.get(f"/api/v1/evidence/{evidence}/file/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF

    worker_download, site_download = lookups()
    assert worker_download.object_id == person_key(PERSON)
    assert worker_download.payload["lookup"] == "evidence_download"
    assert worker_download.payload["id_number"] == MASKED
    assert (worker_download.payload["evidence"], worker_download.payload["inspection"]) == (
        of_worker,
        inspection.pk,
    )
    # No person: still written, with no one named.
    assert (site_download.object_id, site_download.payload["id_number"]) == ("", "")
    assert (site_download.payload["evidence"], site_download.payload["inspection"]) == (
        of_site,
        inspection.pk,
    )
    assert audit_verify().ok


# --- refused lookups write nothing ------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"inspection": 999_999}, "inspection"),
        ({"inspection": 2**70}, "inspection"),
        ({"inspection": -1}, "inspection"),
        ({"inspection": "one"}, "inspection"),
        ({"purpose": "x" * 201}, "purpose"),
        ({"purpose": ["a list"]}, "purpose"),
        ({"id_number": "450103199001011230"}, "id_number"),
    ],
)
def test_a_refused_check_writes_nothing_and_names_the_field(qingxiu, extra, field):
    written = AuditEvent.objects.count()

    response = check(qingxiu["officers"][0], qingxiu["enterprise"], **extra)

    assert response.status_code == 400
    assert field in response.json()
    assert AuditEvent.objects.count() == written


def test_an_inspection_the_caller_may_not_see_is_no_inspection(qingxiu, longan):
    theirs = make_started_inspection(
        enterprise=longan["enterprise"],
        officers=[longan["officer"], make_user(role="officer", jurisdiction="450123")],
    )
    written = AuditEvent.objects.count()

    invisible = check(qingxiu["officers"][0], qingxiu["enterprise"], inspection=theirs.pk)
    missing = check(qingxiu["officers"][0], qingxiu["enterprise"], inspection=theirs.pk + 1000)

    assert invisible.status_code == missing.status_code == 400
    assert invisible.json() == missing.json() == {"inspection": ["No such inspection."]}
    assert AuditEvent.objects.count() == written


def test_a_missing_worker_evidence_or_a_bad_purpose_writes_nothing(qingxiu, longan):
    inspection = make_started_inspection(
        enterprise=qingxiu["enterprise"], officers=qingxiu["officers"]
    )
    upload = client_for(qingxiu["officers"][0]).post(
        f"/api/v1/inspections/{inspection.pk}/evidence/",
        {"file": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")},
        format="multipart",
    )
    evidence, worker = upload.json()["id"], qingxiu["worker"]
    stranger = client_for(longan["officer"])
    officer = client_for(qingxiu["officers"][0])
    written = AuditEvent.objects.count()

    assert stranger.get(f"/api/v1/workers/{worker.pk}/").status_code == 404
    assert stranger.get(f"/api/v1/evidence/{evidence}/file/").status_code == 404
    assert officer.get(f"/api/v1/workers/{worker.pk + 1000}/").status_code == 404
    assert officer.get(f"/api/v1/evidence/{evidence + 1000}/file/").status_code == 404
    bad = officer.get(f"/api/v1/workers/{worker.pk}/", {"inspection": "999999"})
    long = officer.get(f"/api/v1/workers/{worker.pk}/", {"purpose": "x" * 201})
    nul = officer.get(f"/api/v1/workers/{worker.pk}/", {"purpose": "a\x00b"})

    assert (bad.status_code, bad.json()) == (400, {"inspection": ["No such inspection."]})
    assert long.status_code == nul.status_code == 400
    assert "purpose" in long.json() and "purpose" in nul.json()
    assert AuditEvent.objects.count() == written


# --- the access log ---------------------------------------------------------------------


def test_a_supervisor_sees_who_looked_the_person_up_when_and_why(qingxiu):
    first, second = qingxiu["officers"]
    enterprise, worker = qingxiu["enterprise"], qingxiu["worker"]
    inspection = make_started_inspection(enterprise=enterprise, officers=qingxiu["officers"])
    check(first, enterprise, purpose="Hiring check")
    client_for(second).get(f"/api/v1/workers/{worker.pk}/", {"inspection": inspection.pk})
    worker_check_record(inspection=inspection, actor=second, id_number=PERSON, job="operator")
    check(first, enterprise, id_number=valid_id_number(456))  # someone else

    response = access_log(qingxiu["supervisor"])

    assert response.status_code == 200, response.content
    page = response.json()
    assert page["count"] == 3
    assert [
        (e["username"], e["role"], e["lookup"], e["purpose"], e["inspection"], e["enterprise"])
        for e in page["results"]
    ] == [
        (second.username, "officer", "worker_check", "", inspection.pk, enterprise.uscc),
        (second.username, "officer", "worker_detail", "", inspection.pk, enterprise.uscc),
        (first.username, "officer", "qualification_check", "Hiring check", None, enterprise.uscc),
    ]
    for entry in page["results"]:
        assert entry["who"] == "李伟"
        assert entry["id_number"] == MASKED
        assert entry["purpose_given"] is True
        assert datetime.datetime.fromisoformat(entry["at"]) <= clock.now()
    assert page["results"][0]["lookup_label"] == "Worker check on site"
    assert_no_full_number(response.content.decode())


def test_only_supervisors_and_administrators_read_it(qingxiu):
    check(qingxiu["officers"][0], qingxiu["enterprise"])
    refused = [
        qingxiu["officers"][0],
        make_user(role="legal_reviewer", jurisdiction="450103"),
        make_user(role="enterprise", enterprise=qingxiu["enterprise"]),
    ]
    written = AuditEvent.objects.count()

    for user in refused:
        assert access_log(user).status_code == 403, user.role
    from rest_framework.test import APIClient

    assert APIClient().get(LOG, {"id_number": PERSON}).status_code == 401
    assert AuditEvent.objects.count() == written
    admin = make_user(role="admin", jurisdiction=None)
    assert access_log(admin).json()["count"] == 1


def test_a_bad_or_missing_id_number_is_a_400_naming_it(qingxiu):
    supervisor = client_for(qingxiu["supervisor"])
    written = AuditEvent.objects.count()

    for params in ({}, {"id_number": ""}, {"id_number": "450103199001011230"}, {"id_number": "x"}):
        response = supervisor.get(LOG, params)
        assert response.status_code == 400, params
        assert "id_number" in response.json()
    assert AuditEvent.objects.count() == written


def test_a_county_supervisor_sees_only_lookups_made_in_the_county(qingxiu, longan):
    """Made by callers of the county (or below) at enterprises of the county."""
    city_officer = make_user(role="officer", jurisdiction="450100")
    city_supervisor = make_user(role="supervisor", jurisdiction="450100")
    check(qingxiu["officers"][0], qingxiu["enterprise"], purpose="in 青秀区")
    check(longan["officer"], longan["enterprise"], purpose="in 隆安县")
    check(city_officer, longan["enterprise"], purpose="by the city in 隆安县")
    inspection = make_started_inspection(
        enterprise=qingxiu["enterprise"], officers=qingxiu["officers"]
    )
    worker_check_record(
        inspection=inspection, actor=qingxiu["officers"][0], id_number=PERSON, job="operator"
    )

    def purposes(user) -> list[str]:
        entries = access_log(user).json()["results"]
        return sorted(e["purpose"] or e["lookup"] for e in entries if e["lookup"] != "access_log")

    assert purposes(longan["supervisor"]) == ["in 隆安县"]
    assert purposes(qingxiu["supervisor"]) == sorted(["in 青秀区", "worker_check"])
    assert purposes(city_supervisor) == sorted(
        ["by the city in 隆安县", "in 青秀区", "in 隆安县", "worker_check"]
    )


def test_reading_the_log_is_itself_a_lookup_and_pages_are_the_projects(qingxiu):
    for n in range(3):
        check(qingxiu["officers"][0], qingxiu["enterprise"], purpose=f"check {n}")
    supervisor = qingxiu["supervisor"]

    first = access_log(supervisor, limit=2, purpose="Yearly review")

    assert first.status_code == 200
    assert first.json()["count"] == 3  # the read is written after its page was read
    assert [e["purpose"] for e in first.json()["results"]] == ["check 2", "check 1"]
    assert first.json()["next"]
    read = lookups()[-1]
    assert (read.actor_id, read.payload["lookup"], read.payload["purpose"]) == (
        supervisor.pk,
        "access_log",
        "Yearly review",
    )
    assert read.object_id == person_key(PERSON)
    assert (read.payload["enterprise"], read.payload["jurisdiction"]) == ("", "450103")
    again = access_log(supervisor).json()
    assert again["count"] == 4
    assert again["results"][0]["lookup"] == "access_log"
    bad = access_log(supervisor, offset="x")
    assert (bad.status_code, "offset" in bad.json()) == (400, True)
    assert audit_verify().ok


def test_the_person_key_is_keyed_and_the_same_for_one_person():
    key = person_key(PERSON)
    assert key == person_key(f" {PERSON.lower()} ")
    assert person_key(PERSON) != person_key(valid_id_number(124))
    assert person_key(PERSON) != hashlib.sha256(PERSON.encode()).hexdigest()
    assert len(person_key(PERSON)) == 64
    with override_settings(SECRET_KEY="another secret, as long as a real one must be: 0123456789"):
        assert person_key(PERSON) != key


def test_the_schema_documents_the_log_with_a_required_id_number(qingxiu):
    from rest_framework.test import APIClient

    document = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    operation = document["paths"]["/api/v1/access-log/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["id_number"]["required"] is True
    assert not parameters["purpose"].get("required") and not parameters["inspection"].get(
        "required"
    )
    assert {"limit", "offset"} <= set(parameters)
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/PaginatedAccessLogEntryList"}
    check_body = document["components"]["schemas"]["QualificationQueryRequest"]
    assert set(check_body["required"]) == {"enterprise", "id_number", "job"}
    assert {"inspection", "purpose"} <= set(check_body["properties"])
