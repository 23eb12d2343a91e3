"""List pages: a bounded page size, and no offset that could overflow the database."""

import pytest

from casework.models import AuditEvent
from casework.pagination import Pagination
from tests.factories import client_for, make_user
from tests.registry.factories import make_worker

pytestmark = pytest.mark.django_db

HUGE = "9" * 25  # beyond a 64-bit integer


@pytest.fixture
def officer_client(enterprise):
    for _ in range(3):
        make_worker(enterprise=enterprise)
    return client_for(make_user(role="officer", jurisdiction="450103"))


def test_a_limit_above_the_maximum_gives_a_page_of_the_maximum(officer_client, monkeypatch):
    monkeypatch.setattr(Pagination, "max_limit", 2)

    for limit in ("1000000", HUGE):
        page = officer_client.get(f"/api/v1/workers/?limit={limit}").json()
        assert page["count"] == 3
        assert len(page["results"]) == 2
        assert "limit=2" in page["next"]


def test_the_maximum_page_is_five_hundred():
    assert Pagination.max_limit == 500


@pytest.mark.parametrize("offset", [HUGE, str(2**31), "-1", "1.5", "abc", "١"])
def test_an_offset_out_of_range_is_refused_naming_the_field(officer_client, offset):
    written = AuditEvent.objects.count()

    response = officer_client.get("/api/v1/workers/", {"offset": offset})

    assert response.status_code == 400
    assert response.json() == {
        "offset": ["应为 0 至 2147483647 之间的整数。"]
    }  # Chinese by default
    assert AuditEvent.objects.count() == written


def test_an_offset_past_the_end_is_an_empty_page(officer_client):
    page = officer_client.get("/api/v1/workers/", {"offset": str(2**31 - 1)}).json()
    assert page["count"] == 3
    assert page["results"] == []
