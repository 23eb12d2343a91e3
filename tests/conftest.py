"""Shared fixtures and the services-lane rule.

Tests marked ``services`` need PostgreSQL, Redis and a running Celery worker.
They skip when those are absent, unless ``REQUIRE_SERVICES=1`` (the services
lane of ``.ci/run``), where an absent service is a failure, not a skip.
Tests marked ``browser`` need Debian's Chromium and ChromeDriver; the same
way, they skip without them unless ``REQUIRE_BROWSER=1`` (both lanes of CI).
"""

import datetime
import importlib
import os

import pytest
from django.apps import apps
from django.conf import settings
from django.db import OperationalError, connection
from django.test import TransactionTestCase

from casework.audit import event_kind
from tests.factories import (
    make_enterprise,
    make_inspection,
    make_started_inspection,
    make_user,
)

# The audit chain's own tests write events of this kind (a plain label: no translation).
event_kind("test", "A test event")


def _flush_retrying_on_deadlock(flush):
    """Retry a transactional test's flush that PostgreSQL chose as a deadlock's victim.

    In the services lane the Celery worker and beat keep sweeping the test
    database, so a sweep may hold a row lock on one table while the flush's
    TRUNCATE holds another: PostgreSQL aborts one of the two. The product
    never truncates; only the test's teardown does, and trying again is safe
    (a TRUNCATE that failed changed nothing).
    """

    def teardown(self):
        for attempt in range(1, 6):
            try:
                return flush(self)
            except Exception as exc:  # flush wraps the database error in a CommandError
                deadlock = isinstance(exc.__cause__, OperationalError) and (
                    "deadlock" in str(exc.__cause__)
                )
                if not deadlock or attempt == 5:
                    raise

    return teardown


TransactionTestCase._fixture_teardown = _flush_retrying_on_deadlock(
    TransactionTestCase._fixture_teardown
)

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
BROWSER_FILES = ("/usr/bin/chromium", "/usr/bin/chromedriver")


def services_missing() -> str:
    """Say which real service is missing, or return '' when all are there."""
    if connection.vendor != "postgresql":
        return "the database is not PostgreSQL (set DATABASE_URL)"
    if not settings.CELERY_BROKER_URL:
        return "no Celery broker (set CELERY_BROKER_URL)"
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"the broker is unreachable: {exc}"
    return ""


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords cheaply; logins still check them for real."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _services_rule(request):
    if request.node.get_closest_marker("services") is None:
        return
    missing = services_missing()
    if missing and REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {missing}")
    if missing:
        pytest.skip(missing)


def browser_missing() -> str:
    """Say what the browser tests lack, or return '' when Chromium and its driver are there."""
    missing = [path for path in BROWSER_FILES if not os.path.exists(path)]
    return f"{' and '.join(missing)} not installed" if missing else ""


@pytest.fixture(autouse=True)
def _browser_rule(request):
    if request.node.get_closest_marker("browser") is None:
        return
    missing = browser_missing()
    if missing and REQUIRE_BROWSER:
        pytest.fail(f"REQUIRE_BROWSER=1 but {missing}")
    if missing:
        pytest.skip(missing)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Restore the rows that data migrations create, after a transactional flush."""
    if "django_db_setup" not in request.fixturenames:
        return
    if not ({"db", "transactional_db"} & set(request.fixturenames)) and (
        request.node.get_closest_marker("django_db") is None
    ):
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
    from casework.models import AuditHead

    if AuditHead.objects.filter(pk=1).exists():
        return  # nothing was flushed
    for module, func in (
        ("casework.migrations.0002_audit_append_only", "create_head"),
        ("casework.migrations.0003_seed_jurisdictions", "seed"),
        ("casework.migrations.0004_seed_calendar_and_rules", "seed"),
        ("casework.migrations.0005_documents", "seed"),  # public_notice_wait
        ("inspections.migrations.0003_rectification_order", "seed_proposal_rule"),
    ):
        getattr(importlib.import_module(module), func)(apps, None)


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )


@pytest.fixture
def today() -> datetime.date:
    from casework import clock

    return clock.today()


@pytest.fixture
def enterprise(db):
    return make_enterprise()


@pytest.fixture
def officers(db):
    """Two officers of the enterprise's district with valid credentials."""
    return [make_user(role="officer", jurisdiction="450103") for _ in range(2)]


@pytest.fixture
def supervisor(db):
    return make_user(role="supervisor", jurisdiction="450103")


@pytest.fixture
def planned(enterprise, officers):
    """An inspection of ``enterprise`` planned for today by ``officers``."""
    return make_inspection(enterprise=enterprise, officers=officers)


@pytest.fixture
def started(enterprise, officers):
    """The same inspection, started (in progress)."""
    return make_started_inspection(enterprise=enterprise, officers=officers)


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    """Evidence files of a test go to its own folder, never to var/."""
    settings.CASEWORK_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.CASEWORK_EVIDENCE_DIR
