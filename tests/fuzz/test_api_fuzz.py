"""Schemathesis over every operation of the OpenAPI schema, as three callers.

As an officer of 青秀区, as the user of an enterprise there and anonymously,
against the WSGI application and the test database of the lane (SQLite in the
fast lane, PostgreSQL in the services lane). Every answer must not be a 5xx,
must have the content type and the body the schema documents. The number of
examples per operation is bounded (``FUZZ_EXAMPLES``, default 12) so that the
lane keeps its time; raise it to fuzz harder locally.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from knox.models import AuthToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from inspections.services import worker_check_record
from tests.factories import (
    make_certificate,
    make_enterprise,
    make_started_inspection,
    make_training,
    make_user,
    make_worker,
    valid_id_number,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(db):
    from config.wsgi import application

    enterprise = make_enterprise(jurisdiction="450103")
    worker = make_worker(enterprise=enterprise, id_number=valid_id_number(501))
    make_training(enterprise=enterprise, id_number=worker.id_number)
    make_certificate(id_number=worker.id_number)
    officers = [make_user(role="officer", jurisdiction="450103") for _ in range(2)]
    inspection = make_started_inspection(enterprise=enterprise, officers=officers)
    # An unregistered, untrained person: a worker check with an open finding.
    worker_check_record(
        inspection=inspection, actor=officers[0], id_number=valid_id_number(502), job="operator"
    )
    make_user(role="enterprise", enterprise=enterprise, username="fuzz-enterprise")
    officers[0].username = "fuzz-officer"
    officers[0].save(update_fields=["username"])
    # As Django's test client does: a request must not close the test's connection
    # (it holds the test's transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
        # The schema and its Swagger page describe the API; they are not operations of it.
        yield schema.exclude(path_regex=r"^/api/v1/(schema|docs)/")
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def headers_of(role: str) -> dict:
    if role == "anonymous":
        return {}
    from casework.models import User

    user = User.objects.get(username=f"fuzz-{role}")
    _token, key = AuthToken.objects.create(user=user)
    return {"Authorization": f"Token {key}"}


def strategy(operation, known: dict):
    """Positive and negative cases; where the path has an id, also the id of a real object."""
    cases = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    collection = operation.path.split("/")[3]
    if "{id}" in operation.path and collection in known:
        ids = {"id": known[collection]}
        cases.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=ids))
    return st.one_of(cases)


def fuzz(operation, headers: dict, known: dict) -> None:
    @given(case=strategy(operation, known))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def each(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    each()


def known_ids() -> dict:
    """A real object of each collection (visible to the 青秀区 callers), by URL segment."""
    from casework.models import Enterprise
    from inspections.models import Finding, Inspection
    from registry.models import Certificate, Trainer, Training, Worker

    models = {
        "enterprises": Enterprise,
        "workers": Worker,
        "certificates": Certificate,
        "trainings": Training,
        "trainers": Trainer,
        "inspections": Inspection,
        "findings": Finding,
    }
    found = {name: model.objects.order_by("pk").first() for name, model in models.items()}
    return {name: obj.pk for name, obj in found.items() if obj is not None}


# schemathesis' own pytest plugin (``from_fixture``) does not run under pytest 9;
# its operations and their hypothesis strategies are driven here instead.
@pytest.mark.parametrize("role", ["officer", "enterprise", "anonymous"])
def test_no_operation_answers_a_5xx_or_outside_its_schema(api_schema, role):
    failures, operations, known = [], 0, known_ids()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            # A token per operation: fuzzing DELETE /auth/token revokes only its own.
            fuzz(operation, headers_of(role), known)
        except Exception as exc:  # every operation is fuzzed; all failures are reported
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:3000])
    assert operations > 40
    assert not failures, "\n\n".join(failures)
