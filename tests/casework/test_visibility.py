"""Who sees what: staff see their jurisdiction and below; enterprises see only themselves.

What a caller may not see answers 404, on every endpoint of the collection.
"""

import pytest
from rest_framework.test import APIClient

from casework.models import Jurisdiction
from tests.factories import client_for, make_enterprise, make_inspection, make_user

pytestmark = pytest.mark.django_db


def listed(user, collection) -> set[int]:
    response = client_for(user).get(f"/api/v1/{collection}/?limit=500")
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def world():
    """An enterprise with an inspection in district 450103 and in county 450123."""
    district = make_enterprise(jurisdiction="450103")
    county = make_enterprise(jurisdiction="450123")
    district_officers = [make_user(role="officer", jurisdiction="450103") for _ in range(2)]
    county_officers = [make_user(role="officer", jurisdiction="450123") for _ in range(2)]
    return {
        "district": district,
        "county": county,
        "district_inspection": make_inspection(enterprise=district, officers=district_officers),
        "county_inspection": make_inspection(enterprise=county, officers=county_officers),
        "district_officer": district_officers[0],
        "county_officer": county_officers[0],
    }


def test_the_jurisdiction_tree_is_seeded_with_the_city_above_its_districts_and_counties():
    city = Jurisdiction.objects.get(code="450100")
    district = Jurisdiction.objects.get(code="450103")
    county = Jurisdiction.objects.get(code="450123")

    assert (city.level, district.level, county.level) == ("city", "district", "county")
    assert district.path == "/450100/450103/"
    assert city.contains(district) and city.contains(county)
    assert not district.contains(county) and not district.contains(city)
    assert district.contains(district)


@pytest.mark.parametrize("role", ["officer", "supervisor", "legal_reviewer", "admin"])
def test_city_staff_see_enterprises_and_inspections_of_every_district_and_county(world, role):
    city_staff = make_user(role=role, jurisdiction="450100")

    assert {world["district"].pk, world["county"].pk} <= listed(city_staff, "enterprises")
    assert {world["district_inspection"].pk, world["county_inspection"].pk} <= listed(
        city_staff, "inspections"
    )
    for inspection in ("district_inspection", "county_inspection"):
        url = f"/api/v1/inspections/{world[inspection].pk}/"
        assert client_for(city_staff).get(url).status_code == 200


@pytest.mark.parametrize("role", ["officer", "supervisor", "legal_reviewer"])
def test_district_staff_do_not_see_another_countys_enterprise_or_inspection(world, role):
    # given
    district_staff = make_user(role=role, jurisdiction="450103")
    client = client_for(district_staff)

    # then: their own district is visible
    assert world["district"].pk in listed(district_staff, "enterprises")
    assert world["district_inspection"].pk in listed(district_staff, "inspections")
    # and the county's rows are neither listed nor reachable
    assert world["county"].pk not in listed(district_staff, "enterprises")
    assert world["county_inspection"].pk not in listed(district_staff, "inspections")
    county_inspection = world["county_inspection"].pk
    for url in (
        f"/api/v1/enterprises/{world['county'].pk}/",
        f"/api/v1/inspections/{county_inspection}/",
        f"/api/v1/inspections/{county_inspection}/transitions/",
        f"/api/v1/inspections/{county_inspection}/timeline/",
    ):
        assert client.get(url).status_code == 404, url


def test_a_county_officer_sees_nothing_of_the_district_or_the_city_level(world):
    county_officer = world["county_officer"]

    assert listed(county_officer, "enterprises") == {world["county"].pk}
    assert listed(county_officer, "inspections") == {world["county_inspection"].pk}


def test_an_admin_without_jurisdiction_sees_everything(world):
    admin = make_user(role="admin", jurisdiction=None)

    assert {world["district"].pk, world["county"].pk} <= listed(admin, "enterprises")


def test_an_enterprise_user_sees_only_its_own_enterprise_and_inspections(world):
    # given
    portal_user = make_user(role="enterprise", enterprise=world["district"])
    neighbour = make_enterprise(jurisdiction="450103")
    client = client_for(portal_user)

    # then
    assert listed(portal_user, "enterprises") == {world["district"].pk}
    assert listed(portal_user, "inspections") == {world["district_inspection"].pk}
    assert client.get(f"/api/v1/enterprises/{world['district'].pk}/").status_code == 200
    own = world["district_inspection"].pk
    assert client.get(f"/api/v1/inspections/{own}/timeline/").status_code == 200
    for url in (
        f"/api/v1/enterprises/{neighbour.pk}/",
        f"/api/v1/enterprises/{world['county'].pk}/",
        f"/api/v1/inspections/{world['county_inspection'].pk}/",
        f"/api/v1/inspections/{world['county_inspection'].pk}/transitions/",
    ):
        assert client.get(url).status_code == 404, url


def test_an_inactive_staff_user_sees_nothing(world):
    officer = world["district_officer"]
    officer.is_active = False
    officer.save()

    assert listed(officer, "inspections") == set()
    assert listed(officer, "enterprises") == set()


def test_an_anonymous_caller_gets_no_list():
    assert APIClient().get("/api/v1/enterprises/").status_code in (401, 403)


def test_sees_is_the_query_form_for_one_object_in_hand(world):
    """``visibility.sees`` (no query) answers as ``Enterprise.objects.visible_to`` does."""
    from django.contrib.auth.models import AnonymousUser

    from casework.models import Enterprise
    from casework.visibility import sees

    inactive = make_user(role="officer", jurisdiction="450100")
    inactive.is_active = False
    superuser = make_user(role="officer", jurisdiction="450123")
    superuser.is_superuser = True
    users = [
        AnonymousUser(),
        inactive,
        superuser,
        make_user(role="admin", jurisdiction=None),
        make_user(role="enterprise", enterprise=world["district"]),
        make_user(role="enterprise", enterprise=world["county"]),
        *(
            make_user(role=role, jurisdiction=code)
            for role in ("officer", "supervisor", "legal_reviewer", "admin")
            for code in ("450100", "450103", "450123")
        ),
    ]
    for user in users:
        for enterprise in Enterprise.objects.select_related("jurisdiction"):
            expected = Enterprise.objects.visible_to(user).filter(pk=enterprise.pk).exists()
            found = sees(user, path=enterprise.jurisdiction.path, enterprise_id=enterprise.pk)
            assert found is expected, (user, enterprise)


def test_an_enterprise_reads_its_timeline_numbered_within_the_case(world):
    """Not the global audit sequence (which tells how much happens elsewhere), nor usernames."""
    from casework.models import AuditEvent

    own = world["district_inspection"]
    # Activity elsewhere moves the global sequence, not this case's numbers.
    for _ in range(3):
        make_inspection(
            enterprise=world["county"],
            officers=[world["county_officer"], make_user(role="officer", jurisdiction="450123")],
        )
    portal_user = make_user(role="enterprise", enterprise=world["district"])
    staff = client_for(world["district_officer"]).get(f"/api/v1/inspections/{own.pk}/timeline/")
    portal = client_for(portal_user).get(f"/api/v1/inspections/{own.pk}/timeline/")

    assert staff.status_code == portal.status_code == 200
    events = AuditEvent.objects.filter(object_type="inspections.inspection", object_id=str(own.pk))
    assert [e["number"] for e in portal.json()] == list(range(1, events.count() + 1))
    assert [e["number"] for e in staff.json()] == [e["number"] for e in portal.json()]
    assert [e["seq"] for e in staff.json()] == list(
        events.order_by("seq").values_list("seq", flat=True)
    )
    for event in portal.json():
        assert event["seq"] is None and event["hash"] is None and event["payload"] is None
        assert event["actor"] != world["district_officer"].username
    assert world["district_officer"].username not in portal.content.decode()
