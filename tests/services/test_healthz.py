"""``/healthz`` embedded (SQLite, eager Celery) and against the real services."""

import socket
import time

import pytest
from django.db import connection
from django.test import override_settings


def closed_port() -> int:
    """Return a local TCP port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_healthz_without_a_broker_reports_eager(client):
    with override_settings(CELERY_BROKER_URL=""):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}


@pytest.mark.services
@pytest.mark.django_db
def test_healthz_reports_the_real_database_and_broker_ok(client):
    response = client.get("/healthz")

    assert connection.vendor == "postgresql"
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.services
@pytest.mark.django_db
def test_healthz_reports_an_unreachable_broker_as_an_error_with_503(client):
    started = time.monotonic()
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port()}/0"):
        response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    body = response.json()
    assert set(body) == {"status", "database", "broker"}
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error:")
    assert elapsed < 15, f"the probe took {elapsed:.1f} s"
