"""A filter naming an object the caller cannot see answers as one naming no object at all."""

import pytest
from django_filters.rest_framework import DjangoFilterBackend

from casework.filters import ScopedFilterBackend, ScopedFilterSet
from inspections.services import worker_check_record
from tests.factories import (
    client_for,
    make_enterprise,
    make_started_inspection,
    make_trainer,
    make_training,
    make_user,
    make_worker,
    valid_id_number,
)

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 987654321


@pytest.fixture
def district():
    """An enterprise of 青秀区 with a worker, a training, a trainer, an inspection and a finding."""
    enterprise = make_enterprise(jurisdiction="450103")
    worker = make_worker(enterprise=enterprise, id_number=valid_id_number(611))
    make_training(enterprise=enterprise, id_number=worker.id_number)
    make_trainer(enterprise=enterprise, id_number=worker.id_number)
    officers = [make_user(role="officer", jurisdiction="450103") for _ in range(2)]
    inspection = make_started_inspection(enterprise=enterprise, officers=officers)
    check = worker_check_record(
        inspection=inspection, actor=officers[0], id_number=valid_id_number(612), job="operator"
    )
    assert check.finding_id is not None
    return {
        "enterprise": enterprise.pk,
        "inspection": inspection.pk,
        "finding": check.finding_id,
        "jurisdiction": "450103",
    }


FILTERS = [
    ("findings", "inspection"),
    ("workers", "enterprise"),
    ("trainings", "enterprise"),
    ("trainers", "enterprise"),
    ("evidence", "inspection"),
    ("evidence", "finding"),
    ("enterprises", "jurisdiction"),
]


@pytest.mark.parametrize(("collection", "parameter"), FILTERS)
def test_another_countys_object_and_no_object_are_one_answer(district, collection, parameter):
    county_officer = make_user(role="officer", jurisdiction="450123")
    county_company = make_user(role="enterprise", enterprise=make_enterprise(jurisdiction="450123"))
    missing = "999999" if parameter == "jurisdiction" else NO_SUCH_ID
    for caller in (county_officer, county_company):
        client = client_for(caller)
        invisible = client.get(f"/api/v1/{collection}/?{parameter}={district[parameter]}")
        absent = client.get(f"/api/v1/{collection}/?{parameter}={missing}")

        assert invisible.status_code == absent.status_code == 400, invisible.content
        assert invisible.json() == absent.json()
        assert list(invisible.json()) == [parameter]
        assert str(district[parameter]) not in invisible.content.decode()

    # Whoever may see the object filters by it.
    city = client_for(make_user(role="supervisor", jurisdiction="450100"))
    response = city.get(f"/api/v1/{collection}/?{parameter}={district[parameter]}")
    assert response.status_code == 200, response.content
    if collection != "evidence":  # (no file was uploaded)
        assert response.json()["count"] >= 1


def test_every_filtered_collection_uses_the_scoped_filters():
    from config.urls import router

    for prefix, viewset, _basename in router.registry:
        backends = getattr(viewset, "filter_backends", [])
        for backend in backends:
            if issubclass(backend, DjangoFilterBackend):
                assert issubclass(backend, ScopedFilterBackend), prefix
        declared = getattr(viewset, "filterset_class", None)
        if declared is not None:
            assert issubclass(declared, ScopedFilterSet), prefix
