"""Register rows reach a caller only when the caller could read them (issue: rows leaking).

The verdict is decided from every register; the rows returned with it, recorded
on a worker check and read back from it are only those the caller's own
``GET /certificates/<id>/`` or ``GET /trainings/<id>/`` would answer.
"""

import datetime
import json

import pytest

from casework.models import Enterprise
from registry.disclosure import disclose
from registry.models import Certificate, Training, Worker
from registry.qualification import qualification_check
from tests.factories import (
    client_for,
    make_certificate,
    make_enterprise,
    make_started_inspection,
    make_trainer,
    make_training,
    make_user,
    make_worker,
    valid_id_number,
)

JOB = "operator"
CHECK_DAY = "2026-06-15"
MODELS = {"training": Training, "certificate": Certificate, "worker": Worker}
URLS = {"training": "/api/v1/trainings/{}/", "certificate": "/api/v1/certificates/{}/"}


@pytest.fixture
def person(db):
    """A welder registered, trained and certified in 青秀区 (450103), team leader there."""
    qingxiu = make_enterprise(jurisdiction="450103")
    id_number = valid_id_number(731)
    make_worker(enterprise=qingxiu, id_number=id_number, job=JOB, special_ops=["welding"])
    make_training(
        enterprise=qingxiu,
        id_number=id_number,
        course="青秀 course",
        assessed_on=datetime.date(2025, 3, 1),
    )
    make_training(
        enterprise=qingxiu,
        id_number=id_number,
        kind="team_leader_rotation",
        job="",
        course="青秀 rotation",
        assessed_on=datetime.date(2025, 4, 1),
    )
    welding = make_certificate(
        id_number=id_number,
        category="welding",
        number="T450103WELD7310",
        valid_until=datetime.date(2031, 7, 1),
    )
    expired = make_certificate(
        id_number=id_number,
        category="electrical",
        number="T450103ELEC7310",
        valid_until=datetime.date(2026, 1, 31),
    )
    return {"id_number": id_number, "here": qingxiu, "certificates": [welding, expired]}


@pytest.fixture
def longan(db):
    """An enterprise in 隆安县 (450123) with a trainer for the job."""
    enterprise = make_enterprise(jurisdiction="450123")
    trainer = make_worker(enterprise=enterprise, id_number=valid_id_number(732), job=JOB)
    make_trainer(enterprise=enterprise, id_number=trainer.id_number, job=JOB)
    return enterprise


def ask(user, enterprise, person):
    response = client_for(user).post(
        "/api/v1/qualification-checks/",
        {
            "enterprise": enterprise.uscc,
            "id_number": person["id_number"],
            "job": JOB,
            "on": CHECK_DAY,
            "special_ops": ["welding", "electrical"],
            "is_team_leader": True,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    return response


def all_rows(body) -> list[dict]:
    return body.get("rows", []) + [row for reason in body["reasons"] for row in reason["rows"]]


def assert_rows_match_what_the_caller_may_read(user, rows):
    """Every row shown is one ``visible_to`` gives and its own URL answers; no other is."""
    client = client_for(user)
    for row in rows:
        model = MODELS[row["register"]]
        if row["visible"]:
            assert model.objects.visible_to(user).filter(pk=row["id"]).exists(), row
            if row["register"] in URLS:
                assert client.get(URLS[row["register"]].format(row["id"])).status_code == 200
        else:
            assert set(row) <= {"register", "visible", "kind", "category", "number"}, row


def test_a_caller_in_another_county_learns_the_verdict_but_not_the_rows(person, longan):
    for user in (
        make_user(role="enterprise", enterprise=longan),
        make_user(role="officer", jurisdiction="450123"),
    ):
        response = ask(user, longan, person)
        body = response.json()
        text = response.content.decode()

        # The verdict still reads every register: trained elsewhere, the expired
        # certificate found, the valid one and the rotation accepted.
        assert body["qualified"] is False
        codes = [reason["code"] for reason in body["reasons"]]
        assert codes == ["TRAINING_RECORD_MISSING", "SPECIAL_OPS_CERT_EXPIRED"]
        # Nothing of the rows that the caller's own GET answers with 404.
        for certificate in person["certificates"]:
            assert certificate.number not in text
            assert (
                client_for(user).get(f"/api/v1/certificates/{certificate.pk}/").status_code == 404
            )
        for secret in ("2031-07-01", "2026-01-31", "青秀 course", "青秀 rotation", "2025-03-01"):
            assert secret not in text, secret
        rows = all_rows(body)
        assert_rows_match_what_the_caller_may_read(user, rows)
        hidden = [row for row in rows if not row["visible"]]
        assert {(row["register"], row.get("kind") or row.get("category")) for row in hidden} == {
            ("training", "job_safety"),
            ("training", "team_leader_rotation"),
            ("certificate", "welding"),
            ("certificate", "electrical"),
        }
        assert {row["number"] for row in hidden if "number" in row} == {"***********7310"}


def test_a_caller_who_may_read_the_registers_sees_every_row(person, longan):
    supervisor = make_user(role="supervisor", jurisdiction="450100")
    rows = all_rows(ask(supervisor, longan, person).json())

    assert rows and all(row["visible"] for row in rows)
    assert_rows_match_what_the_caller_may_read(supervisor, rows)
    shown = {(row["register"], row["id"]) for row in rows}
    assert {("certificate", c.pk) for c in person["certificates"]} <= shown


def test_at_the_persons_own_enterprise_its_user_reads_its_rows(person):
    user = make_user(role="enterprise", enterprise=person["here"])
    rows = all_rows(ask(user, person["here"], person).json())

    assert rows and all(row["visible"] for row in rows)
    assert_rows_match_what_the_caller_may_read(user, rows)


def test_disclose_agrees_with_visible_to_for_every_caller_and_row(person, longan):
    """The one rule in either form: each row is readable iff ``visible_to`` says so."""
    users = [
        make_user(role="officer", jurisdiction="450103"),
        make_user(role="officer", jurisdiction="450123"),
        make_user(role="supervisor", jurisdiction="450100"),
        make_user(role="admin", jurisdiction=None),
        make_user(role="enterprise", enterprise=person["here"]),
        make_user(role="enterprise", enterprise=longan),
    ]
    for at in (person["here"], longan):
        result = qualification_check(
            enterprise=at,
            id_number=person["id_number"],
            job=JOB,
            on=datetime.date(2026, 6, 15),
            special_ops=["welding", "electrical"],
            is_team_leader=True,
        )
        rows = [
            {"register": "training", "id": t.pk, "enterprise": t.enterprise_id, "kind": t.kind}
            for t in Training.objects.filter(id_number=person["id_number"])
        ] + [
            {"register": "certificate", "id": c.pk, "category": c.category, "number": c.number}
            for c in person["certificates"]
        ]
        rows += [dict(row) for row in result.rows if row["register"] == "worker"]
        for user in users:
            forms = {"places": {"places": result.places}, "queries": {}}
            if Enterprise.objects.visible_to(user).filter(pk=at.pk).exists():
                forms["known enterprise"] = {"known_enterprise": at.pk}
            for form, known in forms.items():
                (shown,) = disclose(user, [rows], **known)
                for row, seen in zip(rows, shown, strict=True):
                    model = MODELS[row["register"]]
                    expected = model.objects.visible_to(user).filter(pk=row["id"]).exists()
                    assert seen["visible"] is expected, (form, user, at, row)
                    assert expected or "id" not in seen, seen


def test_the_worker_check_records_and_shows_only_rows_its_reader_may_read(person, longan):
    # A city officer inspects the 隆安县 enterprise: the record keeps the rows the
    # officer may read; the inspected enterprise reads the same check without them.
    city_officer = make_user(role="officer", jurisdiction="450100")
    city_team = [city_officer, make_user(role="officer", jurisdiction="450100")]
    inspection = make_started_inspection(enterprise=longan, officers=city_team)
    url = f"/api/v1/inspections/{inspection.pk}/worker-checks/"
    body = {
        "id_number": person["id_number"],
        "job": JOB,
        "special_ops": ["welding", "electrical"],
        "is_team_leader": True,
    }
    made = client_for(city_officer).post(url, body, format="json")
    assert made.status_code == 201, made.content
    stored = inspection.worker_checks.get().reasons
    assert [reason["code"] for reason in stored][:2] == [
        "TRAINING_RECORD_MISSING",
        "SPECIAL_OPS_CERT_EXPIRED",
    ]
    stored_rows = [row for reason in stored for row in reason["rows"]]
    assert stored_rows and all(row["visible"] for row in stored_rows)

    county_officer = make_user(role="officer", jurisdiction="450123")
    for reader in (make_user(role="enterprise", enterprise=longan), county_officer):
        response = client_for(reader).get(url)
        assert response.status_code == 200
        text = response.content.decode()
        for certificate in person["certificates"]:
            assert certificate.number not in text
        rows = [row for check in response.json() for r in check["reasons"] for row in r["rows"]]
        assert rows and not any(row["visible"] for row in rows)
        assert_rows_match_what_the_caller_may_read(reader, rows)

    # A county officer checking the same person records the rows already withheld.
    county_team = [county_officer, make_user(role="officer", jurisdiction="450123")]
    inspection = make_started_inspection(enterprise=longan, officers=county_team)
    url = f"/api/v1/inspections/{inspection.pk}/worker-checks/"
    made = client_for(county_officer).post(url, body, format="json")
    assert made.status_code == 201, made.content
    recorded = json.dumps(inspection.worker_checks.get().reasons, ensure_ascii=False)
    for certificate in person["certificates"]:
        assert certificate.number not in recorded
    assert "青秀 course" not in recorded and "2031-07-01" not in recorded
