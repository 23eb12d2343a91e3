"""Every reason code of DESIGN §3, decided from the registers as of a date."""

import datetime
import itertools

import pytest
from stdnum.cn import ric

from registry.models import Certificate, Trainer, Training, Worker
from registry.qualification import qualification_check
from tests.factories import client_for, make_enterprise, make_user

D = datetime.date
CHECK_DAY = D(2026, 6, 15)
JOB = "operator"
_persons = itertools.count(100)


def new_id_number() -> str:
    body = f"45010319900101{next(_persons):03d}"
    return body + ric.calc_check_digit(body + "0")  # it reads the first 17 characters


@pytest.fixture
def plant(db):
    """An enterprise with an internal trainer for the job."""
    enterprise = make_enterprise()
    Trainer.objects.create(enterprise=enterprise, id_number=new_id_number(), job=JOB)
    return enterprise


def hire(enterprise, *, special_ops=(), team_leader=False) -> str:
    id_number = new_id_number()
    Worker.objects.create(
        enterprise=enterprise,
        id_number=id_number,
        name="张三",
        job=JOB,
        special_ops=list(special_ops),
        is_team_leader=team_leader,
    )
    return id_number


def train(enterprise, id_number, *, on, theory=True, practical=True, kind="job_safety", job=JOB):
    return Training.objects.create(
        enterprise=enterprise,
        id_number=id_number,
        kind=kind,
        job=job if kind == "job_safety" else "",
        course=f"course {on}",
        hours=72,
        theory_passed=theory,
        practical_passed=practical,
        assessed_on=on,
    )


def certify(id_number, category, *, issued=None, until=None, review=None):
    issued, until = issued or D(2024, 1, 1), until or D(2030, 1, 1)
    return Certificate.objects.create(
        id_number=id_number,
        category=category,
        number=f"T{id_number}{category}{issued}",
        issued_on=issued,
        valid_until=until,
        review_due_on=review,
    )


def check(enterprise, id_number, **extra):
    return qualification_check(
        enterprise=enterprise, id_number=id_number, job=JOB, on=CHECK_DAY, **extra
    )


def test_a_trained_registered_worker_is_qualified_and_the_rows_are_named(plant):
    person = hire(plant)
    training = train(plant, person, on=D(2026, 1, 10))

    result = check(plant, person)

    assert result.qualified
    assert result.codes == []
    assert {"register": "training", "id": training.pk}.items() <= result.rows[1].items()


def test_no_training_at_all_is_untrained(plant):
    result = check(plant, hire(plant))

    assert not result.qualified
    assert result.codes == ["UNTRAINED"]
    assert "art. 97 item (3)" in result.reasons[0].legal_basis


@pytest.mark.parametrize(("theory", "practical"), [(True, False), (False, True), (False, False)])
def test_an_assessment_counts_only_when_theory_and_practice_both_passed(plant, theory, practical):
    person = hire(plant)
    train(plant, person, on=D(2026, 1, 10), theory=theory, practical=practical)

    assert check(plant, person).codes == ["RETRAINING"]


def test_the_latest_assessment_decides_a_later_failure_after_a_pass(plant):
    person = hire(plant)
    train(plant, person, on=D(2025, 3, 1))
    failed = train(plant, person, on=D(2026, 3, 1), practical=False)

    result = check(plant, person)

    assert result.codes == ["RETRAINING"]
    assert result.reasons[0].rows[0]["id"] == failed.pk


def test_the_latest_assessment_decides_a_pass_after_a_failure(plant):
    person = hire(plant)
    train(plant, person, on=D(2025, 3, 1), theory=False)
    train(plant, person, on=D(2026, 3, 1))

    assert check(plant, person).qualified


def test_a_pass_dated_after_the_check_date_does_not_count(plant):
    person = hire(plant)
    train(plant, person, on=D(2026, 1, 5), practical=False)
    train(plant, person, on=D(2026, 7, 1))  # after 15 June

    assert check(plant, person).codes == ["RETRAINING"]
    assert qualification_check(
        enterprise=plant, id_number=person, job=JOB, on=D(2026, 7, 1)
    ).qualified


def test_a_pass_for_another_job_does_not_count(plant):
    person = hire(plant)
    train(plant, person, on=D(2026, 1, 5), job="welder")

    assert check(plant, person).codes == ["UNTRAINED"]


def test_trained_elsewhere_but_no_record_here_is_a_missing_training_record(plant):
    person = hire(plant)
    train(make_enterprise(), person, on=D(2025, 5, 5))

    result = check(plant, person)

    assert result.codes == ["TRAINING_RECORD_MISSING"]
    assert "art. 97 item (4)" in result.reasons[0].legal_basis


def test_a_person_not_in_the_worker_register_is_a_missing_training_record(plant):
    stranger = new_id_number()
    train(plant, stranger, on=D(2026, 1, 5))

    assert check(plant, stranger).codes == ["TRAINING_RECORD_MISSING"]


def test_special_operations_without_a_certificate(plant):
    person = hire(plant, special_ops=["welding"])
    train(plant, person, on=D(2026, 1, 5))

    result = check(plant, person)

    assert result.codes == ["SPECIAL_OPS_UNCERTIFIED"]
    # The category as a person reads it, not its code.
    assert result.reasons[0].detail == "Welding and thermal cutting"
    assert result.reasons[0].label == "Special operations without a certificate"
    assert "art. 97 item (7)" in result.reasons[0].legal_basis


def test_a_certificate_of_the_wrong_category_does_not_count(plant):
    person = hire(plant)
    train(plant, person, on=D(2026, 1, 5))
    certify(person, "welding")

    assert check(plant, person, special_ops=["electrical"]).codes == ["SPECIAL_OPS_UNCERTIFIED"]
    assert check(plant, person, special_ops=["welding"]).qualified


def test_an_expired_certificate(plant):
    person = hire(plant, special_ops=["electrical"])
    train(plant, person, on=D(2026, 1, 5))
    expired = certify(person, "electrical", until=D(2026, 6, 14))

    result = check(plant, person)

    assert result.codes == ["SPECIAL_OPS_CERT_EXPIRED"]
    assert result.reasons[0].rows[0]["id"] == expired.pk


def test_a_certificate_valid_until_the_check_day_itself_counts(plant):
    person = hire(plant, special_ops=["electrical"])
    train(plant, person, on=D(2026, 1, 5))
    certify(person, "electrical", until=CHECK_DAY, review=CHECK_DAY)

    assert check(plant, person).qualified


def test_an_overdue_periodic_review(plant):
    person = hire(plant, special_ops=["work_at_height"])
    train(plant, person, on=D(2026, 1, 5))
    certify(person, "work_at_height", review=D(2026, 5, 31))

    assert check(plant, person).codes == ["SPECIAL_OPS_CERT_EXPIRED"]


def test_a_certificate_issued_after_the_check_date_does_not_count(plant):
    person = hire(plant, special_ops=["welding"])
    train(plant, person, on=D(2026, 1, 5))
    certify(person, "welding", issued=D(2026, 7, 1))

    assert check(plant, person).codes == ["SPECIAL_OPS_UNCERTIFIED"]


def test_a_team_leader_without_rotation_training(plant):
    person = hire(plant, team_leader=True)
    train(plant, person, on=D(2026, 1, 5))

    assert check(plant, person).codes == ["TEAM_LEADER_NOT_ROTATED"]
    train(plant, person, on=D(2026, 2, 5), kind="team_leader_rotation")
    assert check(plant, person).qualified


def test_a_failed_rotation_training_does_not_count(plant):
    person = hire(plant)
    train(plant, person, on=D(2026, 1, 5))
    train(plant, person, on=D(2026, 2, 5), kind="team_leader_rotation", theory=False)

    assert check(plant, person, is_team_leader=True).codes == ["TEAM_LEADER_NOT_ROTATED"]


def test_a_job_without_an_internal_trainer_is_reported_but_does_not_disqualify(db):
    enterprise = make_enterprise()
    person = hire(enterprise)
    train(enterprise, person, on=D(2026, 1, 5))

    result = check(enterprise, person)

    assert result.qualified
    assert result.codes == ["NO_INTERNAL_TRAINER"]
    assert result.reasons[0].level == "enterprise"


def test_several_reasons_at_once_are_all_reported(db):
    enterprise = make_enterprise()
    person = hire(enterprise, special_ops=["welding", "electrical"], team_leader=True)
    train(enterprise, person, on=D(2026, 1, 5), practical=False)
    certify(person, "electrical", until=D(2025, 12, 31))

    result = check(enterprise, person)

    assert not result.qualified
    assert sorted(result.codes) == sorted(
        [
            "RETRAINING",
            "SPECIAL_OPS_CERT_EXPIRED",
            "SPECIAL_OPS_UNCERTIFIED",
            "TEAM_LEADER_NOT_ROTATED",
            "NO_INTERNAL_TRAINER",
        ]
    )


@pytest.mark.parametrize(
    "shape", ["plain", "special_ops_and_team_leader", "declared_on_site", "not_registered"]
)
def test_the_check_reads_the_registers_in_a_constant_number_of_queries(
    plant, django_assert_num_queries, shape
):
    if shape == "not_registered":
        person = new_id_number()
    else:
        busy = shape == "special_ops_and_team_leader"
        person = hire(
            plant, special_ops=["welding", "electrical"] if busy else (), team_leader=busy
        )
    for year in range(2015, 2026):
        train(plant, person, on=D(year, 1, 5))
    certify(person, "welding")
    extra = (
        {"special_ops": ["electrical"], "is_team_leader": True}
        if shape == "declared_on_site"
        else {}
    )

    with django_assert_num_queries(1):  # one statement, whatever the input
        check(plant, person, **extra)


def test_the_worker_of_the_answer_is_the_registered_worker_with_every_field(plant):
    person = hire(plant, special_ops=["welding", "electrical"], team_leader=True)
    Worker.objects.filter(id_number=person).update(
        hired_on=D(2020, 3, 4),
        barred_from_duty=True,
        barred_reason="RETRAINING",
        barred_since=D(2026, 1, 2),
    )
    registered = Worker.objects.get(id_number=person)

    worker = check(plant, person).worker

    assert worker is not None and not worker._state.adding
    for field in Worker._meta.concrete_fields:
        assert getattr(worker, field.attname) == getattr(registered, field.attname), field.name


def test_the_rows_are_newest_first_and_certificates_only_of_the_categories_checked(plant):
    person = hire(plant, special_ops=["welding"])
    older = train(plant, person, on=D(2025, 1, 5))
    newer = train(plant, person, on=D(2026, 1, 5))
    welding = certify(person, "welding")
    certify(person, "electrical")

    result = check(plant, person)

    assert result.qualified
    assert [(row["register"], row["id"]) for row in result.rows] == [
        ("worker", Worker.objects.get(id_number=person).pk),
        ("training", newer.pk),
        ("certificate", welding.pk),
    ]
    assert older.pk != newer.pk


def test_the_api_answers_with_reasons_and_a_masked_id_number(plant):
    person = hire(plant, special_ops=["welding"])
    officer = make_user(role="officer", jurisdiction="450103")

    response = client_for(officer).post(
        "/api/v1/qualification-checks/",
        {"enterprise": plant.uscc, "id_number": person, "job": JOB, "on": "2026-06-15"},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["qualified"] is False
    assert [r["code"] for r in body["reasons"]] == ["UNTRAINED", "SPECIAL_OPS_UNCERTIFIED"]
    assert body["id_number"] == person[:6] + "********" + person[-4:]
    assert person not in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id_number", "450103199001011234"),  # wrong check digit
        ("enterprise", "91450103MA5KA00105"),  # not in the caller's jurisdiction
        ("on", "2026-02-30"),
        ("special_ops", ["juggling"]),
    ],
)
def test_the_api_names_the_bad_field(plant, field, value):
    person = hire(plant)
    officer = make_user(role="officer", jurisdiction="450103")
    body = {"enterprise": plant.uscc, "id_number": person, "job": JOB, field: value}
    if field == "enterprise":
        body[field] = make_enterprise(jurisdiction="450123").uscc

    response = client_for(officer).post("/api/v1/qualification-checks/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_the_api_sends_two_reads_and_the_audit_write_for_any_check(
    plant, settings, django_assert_num_queries
):
    from tests.factories import make_inspection

    person = hire(plant, special_ops=["welding"], team_leader=True)
    officers = [make_user(role="officer", jurisdiction="450103") for _ in range(2)]
    client = client_for(officers[0])
    inspection = make_inspection(enterprise=plant, officers=officers)
    body = {"enterprise": plant.uscc, "id_number": person, "job": JOB, "on": "2026-06-15"}
    # As in production, where there is no simulated clock to read for the event's time.
    settings.CASEWORK_SIMULATED_CLOCK = False
    for extra, statements in [
        ({}, 5),
        ({"special_ops": ["electrical"], "is_team_leader": True, "purpose": "A complaint"}, 5),
        ({"inspection": inspection.pk}, 6),
    ]:
        # The visible enterprise, the registers; then the lookup's audit event: the
        # chain head locked, the event, the head moved on (registry.lookups). An
        # inspection given as the purpose is one read more (may the caller see it).
        # Outside a test's transaction, Django also sends (and logs) BEGIN and COMMIT.
        with django_assert_num_queries(statements):
            response = client.post(
                "/api/v1/qualification-checks/", {**body, **extra}, format="json"
            )
        assert response.status_code == 200, response.content


def test_the_api_sees_exactly_the_enterprises_that_visible_to_gives(db):
    from casework.models import Enterprise
    from registry.qualification_api import visible_enterprise

    inactive = make_user(role="officer", jurisdiction="450103")
    inactive.is_active = False
    here, elsewhere = make_enterprise(jurisdiction="450103"), make_enterprise(jurisdiction="450123")
    users = [
        make_user(role="officer", jurisdiction="450103"),
        make_user(role="officer", jurisdiction="450123"),
        make_user(role="supervisor", jurisdiction="450100"),
        make_user(role="admin", jurisdiction=None),
        make_user(role="enterprise", enterprise=here),
        inactive,
    ]
    for user in users:
        for enterprise in (here, elsewhere):
            expected = Enterprise.objects.visible_to(user).filter(uscc=enterprise.uscc).first()
            assert visible_enterprise(user, enterprise.uscc) == expected, (user, enterprise)
            if expected is not None:
                found = visible_enterprise(user, enterprise.uscc)
                for field in Enterprise._meta.concrete_fields:
                    assert getattr(found, field.attname) == getattr(expected, field.attname)
