import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from casework.deadlines import deadline_open
from casework.models import Jurisdiction
from tests.factories import client_for, make_enterprise, make_inspection, make_user


def test_the_calendar_endpoint_computes_across_national_day(officers):
    response = client_for(officers[0]).get(
        "/api/v1/calendar/deadline/",
        {"start": "2026-09-30", "length": 5, "unit": "working_days"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["due"], body["provisional"]) == ("2026-10-13", False)
    assert body["made_up_working_days"] == ["2026-10-10"]
    assert "National Day" in body["explanation"]
    assert "国庆节" in body["explanation_zh"]


def test_the_calendar_endpoint_marks_2027_provisional(officers):
    response = client_for(officers[0]).get(
        "/api/v1/calendar/deadline/",
        {"start": "2026-12-28", "length": 15, "unit": "calendar_days"},
    )

    assert response.json()["provisional"] is True


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-02-30", "length": 5, "unit": "working_days"}, "start"),
        ({"start": "2026-03-02", "length": 0, "unit": "working_days"}, "length"),
        ({"start": "2026-03-02", "length": -2, "unit": "calendar_days"}, "length"),
        ({"start": "2026-03-02", "length": "five", "unit": "calendar_days"}, "length"),
        ({"start": "2026-03-02", "length": 5, "unit": "fortnights"}, "unit"),
        ({"length": 5, "unit": "working_days"}, "start"),
    ],
)
def test_the_calendar_endpoint_names_the_bad_parameter(officers, query, field):
    response = client_for(officers[0]).get("/api/v1/calendar/deadline/", query)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_calendar_endpoint_needs_a_login(db):
    response = APIClient().get(
        "/api/v1/calendar/deadline/", {"start": "2026-03-02", "length": 5, "unit": "working_days"}
    )
    assert response.status_code == 401


def open_payment(enterprise, officers, day):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    return deadline_open(
        kind="payment",
        subject=inspection,
        jurisdiction=enterprise.jurisdiction,
        enterprise=enterprise,
        start_event="served",
        started_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
    )


def test_deadlines_are_listed_by_visibility_and_filtered_by_due_date(enterprise, officers):
    early = open_payment(enterprise, officers, datetime.date(2026, 3, 2))
    late = open_payment(enterprise, officers, datetime.date(2026, 6, 1))
    county = make_enterprise(jurisdiction="450123")
    county_officers = [make_user(role="officer", jurisdiction="450123") for _ in range(2)]
    foreign = open_payment(county, county_officers, datetime.date(2026, 3, 2))
    city = make_user(role="supervisor", jurisdiction="450100")

    def ids(user, **query):
        response = client_for(user).get("/api/v1/deadlines/", query)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids(officers[0]) == [early.pk, late.pk]
    assert ids(officers[0], due_before="2026-04-01") == [early.pk]
    assert ids(officers[0], due_after="2026-04-01", kind="payment") == [late.pk]
    assert ids(county_officers[0]) == [foreign.pk]
    assert set(ids(city)) == {early.pk, late.pk, foreign.pk}
    portal = make_user(role="enterprise", enterprise=county)
    assert ids(portal) == [foreign.pk]
    assert client_for(portal).get(f"/api/v1/deadlines/{early.pk}/").status_code == 404
    assert Jurisdiction.objects.get(code="450123").contains(county.jurisdiction)
