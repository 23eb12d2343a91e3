"""Planning an inspection over the API, and starting it on the clock's day."""

import datetime
from types import SimpleNamespace

import pytest

from casework import clock
from casework.models import AuditEvent
from inspections.models import Inspection
from tests.factories import client_for, make_enterprise, make_inspection, make_user

pytestmark = pytest.mark.django_db


def plan(user, enterprise, officers, planned_on="2026-03-02"):
    return client_for(user).post(
        "/api/v1/inspections/",
        {
            "enterprise": enterprise.uscc,
            "planned_on": planned_on,
            "officers": [o.username for o in officers],
        },
        format="json",
    )


def start(inspection, officers, actor=None):
    return client_for(actor or officers[0]).post(
        f"/api/v1/inspections/{inspection.pk}/transitions/start/",
        {"officers": [o.username for o in officers]},
        format="json",
    )


# --- planning -------------------------------------------------------------------------


def test_an_officer_plans_an_inspection_and_one_create_event_is_written(enterprise, officers):
    # given
    before = AuditEvent.objects.count()

    # when
    response = plan(officers[0], enterprise, officers)

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["enterprise"], body["planned_on"], body["state"], body["version"]) == (
        enterprise.uscc,
        "2026-03-02",
        "planned",
        0,
    )
    assert (body["state"], body["state_label"]) == ("planned", "已计划")
    assert sorted(body["officers"]) == sorted(o.username for o in officers)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.object_id, event.actor_username) == (
        "inspection_created",
        str(body["id"]),
        officers[0].username,
    )
    assert event.payload["enterprise"] == enterprise.uscc


def test_planning_for_an_enterprise_of_another_county_is_400_naming_enterprise(officers):
    # given
    foreign = make_enterprise(jurisdiction="450123")
    before = (Inspection.objects.count(), AuditEvent.objects.count())

    # when
    response = plan(officers[0], foreign, officers)

    # then
    assert response.status_code == 400
    assert "enterprise" in response.json()
    assert (Inspection.objects.count(), AuditEvent.objects.count()) == before


def test_planning_for_an_unknown_uscc_is_400_naming_enterprise(officers):
    response = client_for(officers[0]).post(
        "/api/v1/inspections/",
        {"enterprise": "91450000NOSUCH0001", "planned_on": "2026-03-02", "officers": []},
        format="json",
    )

    assert response.status_code == 400
    assert "enterprise" in response.json()


def test_planning_with_one_officer_or_a_foreign_officer_is_400_naming_officers(
    enterprise, officers
):
    # given
    outsider = make_user(role="officer", jurisdiction="450123")
    before = AuditEvent.objects.count()

    # when
    alone = plan(officers[0], enterprise, officers[:1])
    mixed = plan(officers[0], enterprise, [officers[0], outsider])

    # then
    assert (alone.status_code, mixed.status_code) == (400, 400)
    assert "officers" in alone.json()
    assert outsider.username in " ".join(mixed.json()["officers"])
    assert AuditEvent.objects.count() == before


def test_an_officer_of_another_county_is_answered_as_an_unknown_username(enterprise, officers):
    outsider = make_user(role="officer", jurisdiction="450123")
    before = (Inspection.objects.count(), AuditEvent.objects.count())

    foreign = plan(officers[0], enterprise, [officers[0], outsider]).json()["officers"]
    nobody = SimpleNamespace(username="nobody")
    unknown = plan(officers[0], enterprise, [officers[0], nobody]).json()["officers"]

    assert [m.replace(outsider.username, "nobody") for m in foreign] == unknown
    assert (Inspection.objects.count(), AuditEvent.objects.count()) == before
    # A city supervisor, who may see both, is told why the county officer cannot go.
    city = make_user(role="supervisor", jurisdiction="450100")
    told = plan(city, enterprise, [officers[0], outsider]).json()["officers"]
    assert len(told) == 1 and told[0].startswith(outsider.username)
    assert told != [m.replace("nobody", outsider.username) for m in unknown]


def test_an_enterprise_user_may_not_plan_an_inspection_of_its_own_enterprise(enterprise, officers):
    # given
    portal_user = make_user(role="enterprise", enterprise=enterprise)
    before = (Inspection.objects.count(), AuditEvent.objects.count())

    # when
    response = plan(portal_user, enterprise, officers)

    # then
    assert response.status_code == 403
    assert (Inspection.objects.count(), AuditEvent.objects.count()) == before


def test_a_city_officer_plans_an_inspection_in_a_district(enterprise):
    # given
    city_officers = [make_user(role="officer", jurisdiction="450100") for _ in range(2)]

    # when
    response = plan(city_officers[0], enterprise, city_officers)

    # then
    assert response.status_code == 201, response.content


# --- the clock's day decides whether credentials are valid ----------------------------


@pytest.fixture
def expiring_pair(enterprise):
    """Two officers whose credentials end on 2026-06-30."""
    end = datetime.date(2026, 6, 30)
    return [
        make_user(
            role="officer",
            jurisdiction="450103",
            credential_valid_from=datetime.date(2024, 1, 1),
            credential_valid_until=end,
        )
        for _ in range(2)
    ]


def test_start_succeeds_on_the_last_day_of_the_credentials(enterprise, expiring_pair):
    # given the simulated clock on the last valid day, late in the evening (Asia/Shanghai)
    clock.clock_set(to=datetime.datetime(2026, 6, 30, 23, 30), frozen=True)
    inspection = make_inspection(enterprise=enterprise, officers=expiring_pair)

    # when
    response = start(inspection, expiring_pair)

    # then
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.latest("seq")
    assert event.transition == "start"
    assert event.occurred_at == clock.now()


def test_start_is_refused_once_the_clock_has_passed_the_credentials_end(enterprise, expiring_pair):
    # given an inspection planned while the credentials were valid
    clock.clock_set(to=datetime.datetime(2026, 6, 29, 9, 0), frozen=True)
    inspection = make_inspection(enterprise=enterprise, officers=expiring_pair)
    assert [
        t["name"]
        for t in client_for(expiring_pair[0])
        .get(f"/api/v1/inspections/{inspection.pk}/transitions/")
        .json()
    ] == ["start", "cancel"]

    # when the clock moves past the end of the credentials
    clock.clock_set(to=datetime.datetime(2026, 7, 1, 0, 5), frozen=True)
    before = AuditEvent.objects.count()
    response = start(inspection, expiring_pair)

    # then
    assert response.status_code == 400
    problems = " ".join(response.json()["officers"])
    assert all(o.username in problems for o in expiring_pair)
    assert "2026-07-01" in problems
    inspection.refresh_from_db()
    assert (inspection.state, inspection.version) == ("planned", 0)
    assert AuditEvent.objects.count() == before


def test_start_is_refused_before_the_credentials_begin(enterprise, officers):
    # given one officer whose credential only starts tomorrow (by the clock)
    clock.clock_set(to=datetime.datetime(2026, 3, 1, 10, 0), frozen=True)
    newcomer = make_user(
        role="officer",
        jurisdiction="450103",
        credential_valid_from=datetime.date(2026, 3, 2),
        credential_valid_until=datetime.date(2030, 1, 1),
    )
    inspection = make_inspection(enterprise=enterprise, officers=[officers[0], newcomer])

    # when
    refused = start(inspection, [officers[0], newcomer])
    clock.clock_set(to=datetime.datetime(2026, 3, 2, 8, 0), frozen=True)
    accepted = start(inspection, [officers[0], newcomer])

    # then
    assert refused.status_code == 400
    assert newcomer.username in " ".join(refused.json()["officers"])
    assert accepted.status_code == 200, accepted.content
