"""The register collections: visibility, masking, and writes with the import's rules."""

import json

import pytest

from casework.models import AuditEvent
from registry.models import Worker
from tests.factories import (
    client_for,
    make_certificate,
    make_enterprise,
    make_training,
    make_user,
    make_worker,
    valid_id_number,
    valid_uscc,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(company):
    return make_worker(enterprise=company, id_number="450103199001050018")


def test_an_officer_of_another_county_gets_404_for_registers_of_450103(company, worker):
    certificate = make_certificate(id_number=worker.id_number)
    training = make_training(enterprise=company, id_number=worker.id_number)
    stranger = client_for(make_user(role="officer", jurisdiction="450123"))

    for url in (
        f"/api/v1/workers/{worker.pk}/",
        f"/api/v1/certificates/{certificate.pk}/",
        f"/api/v1/trainings/{training.pk}/",
        f"/api/v1/enterprises/{company.pk}/",
    ):
        assert stranger.get(url).status_code == 404, url
    assert stranger.get("/api/v1/workers/").json()["count"] == 0


def test_a_user_of_another_enterprise_gets_404(company, worker):
    certificate = make_certificate(id_number=worker.id_number)
    other = make_enterprise(uscc=valid_uscc(2))
    outsider = client_for(make_user(role="enterprise", enterprise=other))

    assert outsider.get(f"/api/v1/workers/{worker.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/certificates/{certificate.pk}/").status_code == 404


def test_id_numbers_are_masked_in_lists_and_full_on_the_workers_own_page(company, worker):
    officer = client_for(make_user(role="officer"))
    make_certificate(id_number=worker.id_number)

    listed = officer.get("/api/v1/workers/").json()["results"]
    own = officer.get(f"/api/v1/workers/{worker.pk}/").json()
    certificates = officer.get("/api/v1/certificates/").json()["results"]

    assert [w["id_number"] for w in listed] == ["450103********0018"]
    assert own["id_number"] == "450103199001050018"
    assert [c["id_number"] for c in certificates] == ["450103********0018"]


def test_an_enterprise_user_sees_its_own_workers_masked_and_may_not_write(company, worker):
    own = client_for(make_user(role="enterprise", enterprise=company))

    detail = own.get(f"/api/v1/workers/{worker.pk}/")
    create = own.post(
        "/api/v1/workers/",
        {
            "enterprise_uscc": company.uscc,
            "id_number": valid_id_number(5),
            "name": "甲",
            "job": "x",
        },
        format="json",
    )

    assert detail.json()["id_number"] == "450103********0018"
    assert create.status_code == 403
    assert not Worker.objects.filter(id_number=valid_id_number(5)).exists()


def test_an_officer_registers_a_worker_and_one_audit_event_is_written(company):
    officer = make_user(role="officer")
    before = AuditEvent.objects.count()

    response = client_for(officer).post(
        "/api/v1/workers/",
        {
            "enterprise_uscc": company.uscc,
            "id_number": valid_id_number(7),
            "name": "张三",
            "job": "operator",
            "is_team_leader": True,
            "special_ops": ["electrical"],
            "hired_on": "2024-05-01",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["id_number"], body["special_ops"], body["is_team_leader"]) == (
        valid_id_number(7),
        ["electrical"],
        True,
    )
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.object_id) == ("register_row_created", str(body["id"]))
    assert event.payload["values"]["id_number"] == "450103********" + valid_id_number(7)[-4:]


def test_a_bad_write_is_answered_400_naming_the_field_and_the_rule(company):
    officer = client_for(make_user(role="officer"))

    response = officer.post(
        "/api/v1/workers/",
        {
            "enterprise_uscc": company.uscc,
            "id_number": "450103199001010017",
            "name": "张三",
            "job": "operator",
            "hired_on": "2026-02-30",
            "special_ops": "electrical;juggling",
        },
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["id_number"] == ["The check digit of this ID number is wrong."]
    assert body["hired_on"] == ["2026-02-30 is not a date that exists."]
    assert body["special_ops"][0].startswith("juggling is not a special-operations category")


def test_an_officer_may_not_write_for_an_enterprise_of_another_county(company):
    officer = client_for(make_user(role="officer", jurisdiction="450123"))

    body = {
        "enterprise_uscc": company.uscc,
        "id_number": valid_id_number(8),
        "name": "甲",
        "job": "x",
    }
    response = officer.post("/api/v1/workers/", body, format="json")

    assert response.status_code == 400
    unknown = dict(body, enterprise_uscc=valid_uscc(9999, division="450123"))
    # Registered elsewhere and not registered at all are one answer.
    assert response.json() == officer.post("/api/v1/workers/", unknown, format="json").json()
    assert response.json() == {
        "enterprise_uscc": [
            "No enterprise with this credit code is registered in your jurisdiction."
        ]
    }
    assert not Worker.objects.filter(id_number=body["id_number"]).exists()


def test_an_update_changes_only_what_is_given_and_is_audited(company, worker):
    officer = client_for(make_user(role="supervisor"))

    response = officer.patch(f"/api/v1/workers/{worker.pk}/", {"job": "welder"}, format="json")

    assert response.status_code == 200, response.content
    worker.refresh_from_db()
    assert (worker.job, worker.name) == ("welder", worker.name)
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.payload["changed"]) == ("register_row_updated", {"job": "welder"})


def test_a_job_safety_training_needs_a_job_and_a_worker_of_that_enterprise(company, worker):
    officer = client_for(make_user(role="officer"))
    training = {
        "enterprise_uscc": company.uscc,
        "id_number": worker.id_number,
        "kind": "job_safety",
        "job": "",
        "course": "基础",
        "hours": "8",
        "theory_passed": True,
        "practical_passed": "否",
        "assessed_on": "2025-01-02",
    }

    missing_job = officer.post("/api/v1/trainings/", training, format="json")
    stranger = officer.post(
        "/api/v1/trainings/",
        {**training, "job": "operator", "id_number": valid_id_number(9)},
        format="json",
    )
    good = officer.post("/api/v1/trainings/", {**training, "job": "operator"}, format="json")

    assert missing_job.json() == {"job": ["A job safety training names the job."]}
    assert stranger.json() == {
        "id_number": ["No worker with this ID number is registered at this enterprise."]
    }
    assert good.status_code == 201, good.content
    assert (good.json()["theory_passed"], good.json()["practical_passed"]) == (True, False)


def test_trainers_and_skill_certificates_are_collections(company, worker):
    officer = client_for(make_user(role="officer"))

    trainer = officer.post(
        "/api/v1/trainers/",
        {"enterprise_uscc": company.uscc, "id_number": worker.id_number, "job": "operator"},
        format="json",
    )
    skill = officer.post(
        "/api/v1/skill-certificates/",
        {
            "id_number": worker.id_number,
            "occupation": "化工总控工",
            "level": "四级",
            "number": "S0001",
            "issued_on": "2024-01-01",
        },
        format="json",
    )

    assert trainer.status_code == 201, trainer.content
    assert skill.status_code == 201, skill.content
    assert officer.get("/api/v1/trainers/").json()["results"][0]["id_number"] == (
        "450103********0018"
    )
    assert officer.get("/api/v1/skill-certificates/").json()["count"] == 1


@pytest.mark.parametrize("name", ["工\x00人", "工\ud800人"])
def test_a_text_that_cannot_be_stored_is_refused_naming_the_field(company, name):
    client = client_for(make_user(role="officer", jurisdiction="450103"))
    written = AuditEvent.objects.count()
    body = {
        "enterprise_uscc": company.uscc,
        "id_number": "450103199001050018",
        "name": name,
        "job": "operator",
    }

    # As a JSON client sends it: the surrogate as a \\ud800 escape.
    response = client.post(
        "/api/v1/workers/", json.dumps(body, ensure_ascii=True), content_type="application/json"
    )

    # The API's JSON parser refuses it for every endpoint (the import's rule
    # refuses the same text in a file).
    assert response.status_code == 400
    reason = "Text may not contain a NUL character or an unpaired surrogate."
    assert response.json() == {"name": [reason]}
    assert not Worker.objects.exists()
    assert AuditEvent.objects.count() == written
