"""Findings: visible by jurisdiction, disposed of through the uniform transitions, then close."""

import datetime

import pytest

from casework import clock
from casework.audit import audit_verify
from casework.models import AuditEvent
from inspections.models import Finding, Inspection, RectificationOrder, _all_findings_disposed
from inspections.services import worker_check_record
from tests.factories import (
    client_for,
    make_enterprise,
    make_started_inspection,
    make_user,
    make_worker,
)
from tests.inspections.factories import JOB


def finding_url(finding, suffix="") -> str:
    return f"/api/v1/findings/{finding.pk}/{suffix}"


def dispose(user, finding, **body):
    return client_for(user).post(finding_url(finding, "transitions/dispose/"), body, format="json")


def inspection_transition(user, inspection, name, **body):
    return client_for(user).post(
        f"/api/v1/inspections/{inspection.pk}/transitions/{name}/", body, format="json"
    )


@pytest.fixture
def inspection(plant_inspection):
    return plant_inspection


@pytest.fixture
def finding(inspection, officers) -> Finding:
    """A worker-level finding: a registered worker who was never trained."""
    worker = make_worker(enterprise=inspection.enterprise, job=JOB)
    check = worker_check_record(
        inspection=inspection, actor=officers[0], id_number=worker.id_number, job=JOB
    )
    return check.finding


def tomorrow() -> datetime.date:
    return clock.today() + datetime.timedelta(days=1)


def snapshot(finding) -> tuple:
    finding.refresh_from_db()
    return finding.state, finding.version, finding.disposition, AuditEvent.objects.count()


# --- reading ----------------------------------------------------------------------------


def test_a_finding_shows_its_basis_and_null_order_and_case(finding, officers):
    response = client_for(officers[1]).get(finding_url(finding))

    assert response.status_code == 200
    body = response.json()
    assert body["reason_codes"] == ["UNTRAINED"]
    # The code for programs, the label for people, in the caller's language.
    assert body["reason_labels"] == ["未经岗位安全培训"]
    assert (body["state_label"], body["level_label"], body["disposition_label"]) == (
        "未办结",
        "从业人员",
        "",
    )
    english = client_for(officers[1]).get(finding_url(finding), HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["reason_labels"] == ["Not trained for this job"]
    assert body["legal_basis"] == finding.checks.get().reasons[0]["legal_basis"]
    assert body["state"] == "open"
    assert body["version"] == 0
    assert body["rectification_order"] is None
    assert body["penalty_case"] is None
    assert body["id_number"].count("*") == 8


def test_findings_are_filtered_by_inspection_and_state(finding, officers, enterprise):
    other = make_started_inspection(enterprise=enterprise, officers=officers)
    worker = make_worker(enterprise=enterprise, job=JOB)
    worker_check_record(inspection=other, actor=officers[0], id_number=worker.id_number, job=JOB)
    client = client_for(officers[0])

    by_inspection = client.get("/api/v1/findings/", {"inspection": finding.inspection_id})
    open_ones = client.get("/api/v1/findings/", {"state": "open"})
    disposed = client.get("/api/v1/findings/", {"state": "disposed"})

    assert [f["id"] for f in by_inspection.json()["results"]] == [finding.pk]
    assert open_ones.json()["count"] == 2
    assert disposed.json()["count"] == 0


def test_findings_are_invisible_to_another_county_and_another_enterprise(finding):
    other_county = make_user(role="officer", jurisdiction="450123")
    stranger = make_user(role="enterprise", enterprise=make_enterprise())
    own = make_user(role="enterprise", enterprise=finding.inspection.enterprise)

    for user in (other_county, stranger):
        client = client_for(user)
        assert client.get(finding_url(finding)).status_code == 404
        assert client.get("/api/v1/findings/").json()["count"] == 0
        assert dispose(user, finding, disposition="corrected_on_site").status_code == 404
    assert client_for(own).get(finding_url(finding)).status_code == 200


# --- dispose ----------------------------------------------------------------------------


def test_dispose_is_offered_with_its_fields(finding, officers):
    response = client_for(officers[0]).get(finding_url(finding, "transitions/"))

    assert response.status_code == 200
    (offered,) = response.json()
    assert offered["name"] == "dispose"
    fields = {f["name"]: f for f in offered["fields"]}
    assert set(fields) == {"disposition", "due_date", "transfer_to", "note"}
    assert {c["value"] for c in fields["disposition"]["choices"]} == {
        "corrected_on_site",
        "order_and_penalty",
        "transfer",
    }


def test_an_order_and_penalty_needs_a_due_date_after_today(finding, officers):
    before = snapshot(finding)

    missing = dispose(officers[0], finding, disposition="order_and_penalty")
    today = dispose(
        officers[0], finding, disposition="order_and_penalty", due_date=clock.today().isoformat()
    )

    assert missing.status_code == 400
    assert "due_date" in missing.json()
    assert today.status_code == 400
    assert "due_date" in today.json()
    assert snapshot(finding) == before


def test_an_order_and_penalty_with_a_due_date_disposes_the_finding(finding, officers):
    before = AuditEvent.objects.count()

    response = dispose(
        officers[0],
        finding,
        disposition="order_and_penalty",
        due_date=tomorrow().isoformat(),
        note="Train and assess within the period.",
        version=0,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "disposed"
    assert body["version"] == 1
    assert body["disposition"] == "order_and_penalty"
    assert body["due_date"] == tomorrow().isoformat()
    # The order is issued in the same transaction (its own event comes first).
    order = RectificationOrder.objects.get()
    assert body["rectification_order"] == order.pk
    assert list(order.findings.all()) == [finding]
    # The stage-one penalty case too, opened after the disposition's own event.
    case = finding.penalty_cases.get()
    assert body["penalty_case"] == case.pk and case.basis == "art97_stage1"
    written = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.action for e in written] == [
        "order_issued",
        "document_issued",  # 责令限期整改指令书
        "transition_performed",
        "penalty_case_opened",
    ]
    event = written[-2]
    assert (event.object_type, event.transition, event.source_state, event.target_state) == (
        "inspections.finding",
        "dispose",
        "open",
        "disposed",
    )
    assert event.payload["due_date"] == tomorrow().isoformat()
    timeline = client_for(officers[1]).get(finding_url(finding, "timeline/")).json()
    assert [e["action"] for e in timeline] == ["finding_created", "transition_performed"]


def test_a_transfer_needs_the_authority(finding, officers):
    before = snapshot(finding)

    missing = dispose(officers[0], finding, disposition="transfer")

    assert missing.status_code == 400
    assert "transfer_to" in missing.json()
    assert snapshot(finding) == before
    done = dispose(officers[0], finding, disposition="transfer", transfer_to="Market regulator")
    assert done.status_code == 200, done.content
    assert done.json()["transfer_to"] == "Market regulator"


def test_a_due_date_is_refused_with_another_disposition(finding, officers):
    response = dispose(
        officers[0], finding, disposition="corrected_on_site", due_date=tomorrow().isoformat()
    )

    assert response.status_code == 400
    assert "due_date" in response.json()


def test_corrected_on_site_needs_nothing_more(finding, officers):
    response = dispose(officers[1], finding, disposition="corrected_on_site")

    assert response.status_code == 200, response.content
    finding.refresh_from_db()
    assert (finding.state, finding.disposition) == ("disposed", "corrected_on_site")
    assert finding.disposed_at is not None


def test_an_enterprise_user_may_not_dispose(finding):
    own = make_user(role="enterprise", enterprise=finding.inspection.enterprise)
    before = snapshot(finding)

    response = dispose(own, finding, disposition="corrected_on_site")

    assert response.status_code == 403
    assert snapshot(finding) == before


def test_a_disposed_finding_cannot_be_disposed_again(finding, officers):
    assert dispose(officers[0], finding, disposition="corrected_on_site").status_code == 200

    again = dispose(officers[0], finding, disposition="transfer", transfer_to="X")

    assert again.status_code == 409
    assert again.json()["state"] == "disposed"


def test_dispose_is_refused_once_the_inspection_is_no_longer_open(finding, officers):
    # Not reachable through the API (an inspection closes only when every finding
    # is disposed); forced here to prove the condition.
    Inspection.objects.filter(pk=finding.inspection_id).update(state="closed")
    before = snapshot(finding)

    response = dispose(officers[0], finding, disposition="corrected_on_site")

    assert response.status_code == 409
    assert response.json()["detail"]
    assert response.json()["state"] == "open"
    assert snapshot(finding) == before


# --- close ------------------------------------------------------------------------------


def test_close_is_refused_while_a_finding_is_open_and_allowed_after(finding, officers):
    # given: a recorded inspection with one open finding
    inspection = finding.inspection
    recorded = inspection_transition(officers[0], inspection, "record", signed_by="Wang Wei")
    assert recorded.status_code == 200, recorded.content
    offered = client_for(officers[0]).get(f"/api/v1/inspections/{inspection.pk}/transitions/")
    assert "close" not in [t["name"] for t in offered.json()]
    events = AuditEvent.objects.count()

    # when
    refused = inspection_transition(officers[0], inspection, "close")

    # then
    assert refused.status_code == 409
    assert refused.json()["detail"] == str(_all_findings_disposed.message)
    assert refused.json()["state"] == "recorded"
    assert AuditEvent.objects.count() == events

    # when the finding is disposed (still allowed while recorded)
    assert dispose(officers[0], finding, disposition="corrected_on_site").status_code == 200
    closed = inspection_transition(officers[1], inspection, "close")

    # then
    assert closed.status_code == 200, closed.content
    assert closed.json()["state"] == "closed"
    assert audit_verify().ok
