"""Where a real day is meant, a date outside 1900-2100 is a 400 naming the field, never a 5xx."""

import pytest

from casework.models import AuditEvent
from inspections.models import Inspection
from registry.models import Worker
from tests.factories import client_for, make_user
from tests.registry.factories import valid_id_number

pytestmark = pytest.mark.django_db

REFUSED = ["应为 1900-01-01 至 2100-12-31 之间的日期。"]


@pytest.fixture
def officer():
    return make_user(role="officer", jurisdiction="450103")


@pytest.mark.parametrize("start", ["9999-12-31", "1899-12-31", "2101-01-01"])
def test_the_period_calculator_refuses_a_start_outside_the_range(officer, start):
    response = client_for(officer).get(
        "/api/v1/calendar/deadline/", {"start": start, "length": 3660, "unit": "calendar_days"}
    )
    assert response.status_code == 400
    assert response.json() == {"start": REFUSED}


def test_the_period_calculator_still_counts_at_the_end_of_the_range(officer):
    response = client_for(officer).get(
        "/api/v1/calendar/deadline/", {"start": "2100-12-31", "length": 1, "unit": "calendar_days"}
    )
    assert response.status_code == 200
    # One day on, moved past the New Year holiday (provisional calendar).
    assert "2101-01-01" <= response.json()["due"] <= "2101-01-10"


def test_an_inspection_cannot_be_planned_for_9999(enterprise, officers):
    written = AuditEvent.objects.count()

    response = client_for(officers[0]).post(
        "/api/v1/inspections/",
        {
            "enterprise": enterprise.uscc,
            "planned_on": "9999-12-31",
            "officers": [o.username for o in officers],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"planned_on": REFUSED}
    assert not Inspection.objects.exists()
    assert AuditEvent.objects.count() == written


def test_a_worker_hired_in_1800_is_refused_naming_the_column(enterprise, officer):
    written = AuditEvent.objects.count()

    response = client_for(officer).post(
        "/api/v1/workers/",
        {
            "enterprise_uscc": enterprise.uscc,
            "id_number": valid_id_number(5),
            "name": "工人",
            "job": "operator",
            "hired_on": "1800-01-01",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["hired_on"] == REFUSED
    assert not Worker.objects.exists()
    assert AuditEvent.objects.count() == written
