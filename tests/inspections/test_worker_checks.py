"""Worker checks on site: every verdict recorded, findings made, workers barred, IDs masked."""

import io
import json

import pytest
from django.core.management import call_command

from casework import clock
from casework.audit import audit_verify
from casework.exceptions import Conflict, Forbidden
from casework.identifiers import mask_id_number
from casework.models import AuditEvent
from inspections.models import Finding, WorkerCheck
from inspections.services import worker_check_record
from registry.models import Worker
from tests.factories import (
    client_for,
    make_enterprise,
    make_inspection,
    make_started_inspection,
    make_training,
    make_user,
    make_worker,
    valid_id_number,
)
from tests.inspections.factories import JOB


def checks_url(inspection) -> str:
    return f"/api/v1/inspections/{inspection.pk}/worker-checks/"


@pytest.fixture
def inspection(plant_inspection):
    return plant_inspection


def trained_worker(enterprise, **extra) -> Worker:
    worker = make_worker(enterprise=enterprise, job=JOB, **extra)
    make_training(enterprise=enterprise, id_number=worker.id_number, job=JOB)
    return worker


def written() -> tuple[int, int, int]:
    """Checks, findings and audit events: what a refused check must leave alone."""
    return WorkerCheck.objects.count(), Finding.objects.count(), AuditEvent.objects.count()


def post_check(user, inspection, **body):
    return client_for(user).post(checks_url(inspection), body, format="json")


# --- verdicts ---------------------------------------------------------------------------


def test_a_qualified_worker_is_recorded_without_a_finding(inspection, officers):
    # given
    worker = trained_worker(inspection.enterprise)
    before = AuditEvent.objects.count()

    # when
    response = post_check(officers[0], inspection, id_number=worker.id_number, job=JOB)

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["qualified"] is True
    assert body["reasons"] == []
    assert body["finding"] is None
    assert body["id_number"] == mask_id_number(worker.id_number)
    check = WorkerCheck.objects.get(pk=body["id"])
    assert (check.qualified, check.worker, check.checked_on) == (True, worker, clock.today())
    assert not Finding.objects.exists()
    worker.refresh_from_db()
    assert worker.barred_from_duty is False
    event = AuditEvent.objects.get(seq=before + 1)
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.object_type, event.object_id) == (
        "worker_checked",
        "inspections.inspection",
        str(inspection.pk),
    )
    assert event.payload["qualified"] is True
    assert event.payload["codes"] == []
    assert event.payload["id_number"] == mask_id_number(worker.id_number)


def test_an_unqualified_worker_gets_a_finding_with_codes_and_basis_and_is_barred(
    inspection, officers
):
    # given: registered, never trained, doing special operations without a certificate
    worker = make_worker(enterprise=inspection.enterprise, job=JOB)
    before = AuditEvent.objects.count()

    # when
    response = post_check(
        officers[1], inspection, id_number=worker.id_number, job=JOB, special_ops=["electrical"]
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["qualified"] is False
    assert [r["code"] for r in body["reasons"]] == ["UNTRAINED", "SPECIAL_OPS_UNCERTIFIED"]
    assert all(r["legal_basis"] and r["message"] for r in body["reasons"])
    finding = Finding.objects.get(pk=body["finding"])
    assert finding.level == Finding.Level.WORKER
    assert finding.reason_codes == ["UNTRAINED", "SPECIAL_OPS_UNCERTIFIED"]
    assert finding.legal_basis == "\n".join(r["legal_basis"] for r in body["reasons"])
    assert (finding.worker, finding.id_number, finding.job) == (worker, worker.id_number, JOB)
    assert list(finding.checks.values_list("pk", flat=True)) == [body["id"]]
    assert finding.state == Finding.State.OPEN
    worker.refresh_from_db()
    assert worker.barred_from_duty is True
    assert worker.barred_reason == "UNTRAINED, SPECIAL_OPS_UNCERTIFIED"
    assert worker.barred_since == clock.today()
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [(e.action, e.object_type) for e in events] == [
        ("worker_checked", "inspections.inspection"),
        ("finding_created", "inspections.finding"),
    ]
    assert events[0].payload["finding"] == finding.pk
    assert events[1].payload["reason_codes"] == finding.reason_codes
    assert events[1].payload["worker_barred"] is True
    assert events[1].target_state == "open"


def test_a_failed_assessment_is_retraining_and_bars_the_worker(inspection, officers):
    worker = make_worker(enterprise=inspection.enterprise, job=JOB)
    make_training(
        enterprise=inspection.enterprise, id_number=worker.id_number, practical_passed=False
    )

    body = post_check(officers[0], inspection, id_number=worker.id_number, job=JOB).json()

    assert body["qualified"] is False
    assert Finding.objects.get(pk=body["finding"]).reason_codes == ["RETRAINING"]
    worker.refresh_from_db()
    assert (worker.barred_from_duty, worker.barred_reason) == (True, "RETRAINING")


def test_checking_the_same_person_again_joins_the_open_finding(inspection, officers):
    worker = make_worker(enterprise=inspection.enterprise, job=JOB)

    first = post_check(officers[0], inspection, id_number=worker.id_number, job=JOB).json()
    again = post_check(officers[1], inspection, id_number=worker.id_number, job=JOB).json()

    assert first["finding"] == again["finding"] is not None
    assert first["id"] != again["id"]
    finding = Finding.objects.get(pk=first["finding"])
    assert sorted(finding.checks.values_list("pk", flat=True)) == [first["id"], again["id"]]
    assert AuditEvent.objects.filter(object_type="inspections.finding").count() == 1


def test_the_finding_is_recorded_in_chinese_whatever_the_callers_language(inspection, officers):
    worker = make_worker(enterprise=inspection.enterprise, job=JOB)

    response = client_for(officers[0]).post(
        checks_url(inspection),
        {"id_number": worker.id_number, "job": JOB},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    finding = Finding.objects.get(pk=response.json()["finding"])
    assert "安全生产法" in finding.legal_basis


def test_a_person_not_in_the_register_gets_a_finding_without_creating_a_worker(
    inspection, officers
):
    # given
    person = valid_id_number(777)
    workers_before = Worker.objects.count()

    # when
    response = post_check(officers[0], inspection, id_number=person, job=JOB, name="李四")

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["qualified"] is False
    assert body["worker"] is None
    assert body["name"] == "李四"
    finding = Finding.objects.get(pk=body["finding"])
    assert finding.worker is None
    assert finding.reason_codes == ["UNTRAINED", "TRAINING_RECORD_MISSING"]
    assert Worker.objects.count() == workers_before
    assert WorkerCheck.objects.get(pk=body["id"]).id_number == person
    event = AuditEvent.objects.filter(object_type="inspections.finding").latest("seq")
    assert event.payload["worker_barred"] is False


def test_a_job_without_an_internal_trainer_makes_one_enterprise_finding_per_job(officers):
    # given: no trainer at all at this enterprise
    enterprise = make_enterprise()
    inspection = make_started_inspection(enterprise=enterprise, officers=officers)
    first, second = trained_worker(enterprise), trained_worker(enterprise)
    welder = make_worker(enterprise=enterprise, job="welder")
    make_training(enterprise=enterprise, id_number=welder.id_number, job="welder")

    # when
    bodies = [
        post_check(officers[0], inspection, id_number=w.id_number, job=w.job).json()
        for w in (first, second, welder)
    ]

    # then: qualified workers, the gap reported on each, one finding per job
    assert [b["qualified"] for b in bodies] == [True, True, True]
    assert all([r["code"] for r in b["reasons"]] == ["NO_INTERNAL_TRAINER"] for b in bodies)
    assert all(b["finding"] is None for b in bodies)
    findings = Finding.objects.filter(inspection=inspection, level=Finding.Level.ENTERPRISE)
    assert sorted(findings.values_list("job", flat=True)) == [JOB, "welder"]
    assert all(f.reason_codes == ["NO_INTERNAL_TRAINER"] for f in findings)
    assert all(f.worker is None and not f.checks.exists() for f in findings)
    assert all(f.legal_basis == bodies[0]["reasons"][0]["legal_basis"] for f in findings)
    assert AuditEvent.objects.filter(object_type="inspections.finding").count() == 2


def test_an_unqualified_worker_without_trainer_makes_two_findings(officers):
    enterprise = make_enterprise()
    inspection = make_started_inspection(enterprise=enterprise, officers=officers)
    worker = make_worker(enterprise=enterprise, job=JOB)

    body = post_check(officers[0], inspection, id_number=worker.id_number, job=JOB).json()

    assert Finding.objects.get(pk=body["finding"]).reason_codes == ["UNTRAINED"]
    enterprise_level = Finding.objects.get(level=Finding.Level.ENTERPRISE)
    assert enterprise_level.reason_codes == ["NO_INTERNAL_TRAINER"]


# --- refusals ---------------------------------------------------------------------------


def test_a_check_is_refused_before_the_inspection_starts_and_writes_nothing(plant, officers):
    # given
    inspection = make_inspection(enterprise=plant, officers=officers)
    worker = make_worker(enterprise=plant, job=JOB)
    before = written()

    # when
    response = post_check(officers[0], inspection, id_number=worker.id_number, job=JOB)

    # then
    assert response.status_code == 409
    assert response.json()["state"] == "planned"
    assert written() == before
    worker.refresh_from_db()
    assert worker.barred_from_duty is False


def test_a_check_is_refused_after_the_inspection_is_recorded(inspection, officers):
    from casework.transitions import transition_perform
    from inspections.models import Inspection

    transition_perform(
        queryset=Inspection.objects.all(),
        pk=inspection.pk,
        name="record",
        actor=officers[0],
        data={"signed_by": "Wang Wei"},
    )
    before = written()

    response = post_check(officers[0], inspection, id_number=valid_id_number(5), job=JOB)

    assert response.status_code == 409
    assert response.json()["state"] == "recorded"
    assert written() == before


def test_a_check_by_someone_not_inspecting_is_forbidden_and_writes_nothing(inspection, supervisor):
    colleague = make_user(role="officer", jurisdiction="450103")
    portal_user = make_user(role="enterprise", enterprise=inspection.enterprise)
    worker = make_worker(enterprise=inspection.enterprise, job=JOB)
    before = written()

    for user in (colleague, supervisor, portal_user):
        response = post_check(user, inspection, id_number=worker.id_number, job=JOB)
        assert response.status_code == 403, user.role

    assert written() == before
    worker.refresh_from_db()
    assert worker.barred_from_duty is False


def test_an_inspection_others_may_not_see_answers_404(inspection):
    other_county = make_user(role="officer", jurisdiction="450123")
    stranger = make_user(role="enterprise", enterprise=make_enterprise())
    before = written()

    for user in (other_county, stranger):
        assert client_for(user).get(checks_url(inspection)).status_code == 404
        response = post_check(user, inspection, id_number=valid_id_number(6), job=JOB)
        assert response.status_code == 404

    assert written() == before


def test_a_wrong_check_digit_is_400_naming_the_id_number(inspection, officers):
    good = valid_id_number(7)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    before = written()

    response = post_check(officers[0], inspection, id_number=bad, job=JOB)

    assert response.status_code == 400
    assert "id_number" in response.json()
    assert written() == before


def test_an_unknown_category_is_400_naming_special_ops(inspection, officers):
    before = written()

    response = post_check(
        officers[0], inspection, id_number=valid_id_number(8), job=JOB, special_ops=["juggling"]
    )

    assert response.status_code == 400
    assert "juggling" in response.json()["special_ops"][0]
    assert written() == before


def test_the_service_refuses_the_same_way(inspection, officers, plant):
    planned = make_inspection(enterprise=plant, officers=officers)
    colleague = make_user(role="officer", jurisdiction="450103")

    with pytest.raises(Conflict):
        worker_check_record(
            inspection=planned, actor=officers[0], id_number=valid_id_number(9), job=JOB
        )
    with pytest.raises(Forbidden):
        worker_check_record(
            inspection=inspection, actor=colleague, id_number=valid_id_number(9), job=JOB
        )


# --- masking and the list ---------------------------------------------------------------


def test_id_numbers_are_masked_in_responses_lists_and_the_audit_trail(inspection, officers):
    # given: a qualified worker, an unqualified one and an unregistered person
    numbers = [
        trained_worker(inspection.enterprise).id_number,
        make_worker(enterprise=inspection.enterprise, job=JOB).id_number,
        valid_id_number(321),
    ]

    # when
    posted = [post_check(officers[0], inspection, id_number=n, job=JOB) for n in numbers]
    listed = client_for(officers[1]).get(checks_url(inspection))
    findings = client_for(officers[1]).get("/api/v1/findings/", {"inspection": inspection.pk})

    # then
    assert [r.status_code for r in posted] == [201, 201, 201]
    assert listed.status_code == 200
    assert [c["id_number"] for c in listed.json()] == [mask_id_number(n) for n in numbers]
    everything = b"".join(r.content for r in [*posted, listed, findings])
    events = AuditEvent.objects.all()
    trail = "".join(json.dumps(e.payload, ensure_ascii=False) + e.object_repr for e in events)
    for number in numbers:
        assert number.encode() not in everything
        assert number not in trail
    assert audit_verify().ok
    call_command("verify_audit", stdout=io.StringIO())
