"""Every handler is registered in any process, however it starts — not because URLs loaded.

A fresh process that never imports the URLconf (``tick --skip-checks``, a Celery
task run in a new interpreter) must see the same handlers as the web process
and fire a due deadline and a due reminder.
"""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from casework import clock
from casework.handlers import handlers_registered
from casework.models import AuditEvent
from tests.casework.test_deadlines import at, open_clock
from tests.factories import make_inspection

ROOT = Path(__file__).resolve().parents[2]
D = datetime.date
FROZEN = at(D(2026, 3, 5))  # what the clock (and beat, in the services lane) says: nothing due
SWEEP_AS_OF = at(D(2026, 3, 13))

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    """The URL of the tests' database, for a process of its own."""
    given = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{given['NAME']}"
    password = f":{given['PASSWORD']}" if given["PASSWORD"] else ""
    return f"postgres://{given['USER']}{password}@{given['HOST']}:{given['PORT']}/{given['NAME']}"


def fresh_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        **extra,
    }


def expected_handlers() -> dict[str, list[str]]:
    """What a web process has registered once its URLs are loaded: the same, not more."""
    import config.urls  # noqa: F401

    expected = handlers_registered()
    expected["event_kinds"].remove("test")  # declared by tests/conftest.py for the chain's tests
    assert {"viewflow_timers", "deadlines", "deadline_reminders"} <= set(expected["sweep"])
    assert "inspections.inspection.start" in expected["transitions"]
    assert "spine_app.ticket.escalate" in expected["transitions"]
    assert "test_ticket_due" in expected["deadline_kinds"]
    assert {"deadline_fired", "inspection_created", "register_imported"} <= set(
        expected["event_kinds"]
    )
    return expected


@pytest.fixture
def due(enterprise, officers):
    """A deadline due on 12 March and a clock whose reminder falls on 12 March."""
    clock.clock_set(to=FROZEN, frozen=True)
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    overdue = open_clock(inspection, "reinspection", D(2026, 3, 2))  # due 12 March
    reminded = open_clock(inspection, "payment", D(2026, 3, 2))  # due 17 March, reminder 12th
    return overdue, reminded


def assert_fired_once(overdue, reminded) -> None:
    fired = AuditEvent.objects.filter(action="deadline_fired", object_id=str(overdue.pk))
    reminders = AuditEvent.objects.filter(action="reminder_fired", object_id=str(reminded.pk))
    assert (fired.count(), reminders.count()) == (1, 1)
    assert fired.get().actor_role == "system"


def test_tick_with_skip_checks_in_a_fresh_process_has_every_handler_and_fires(due):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "tick",
            "--skip-checks",
            "-v",
            "2",
            "--now",
            SWEEP_AS_OF.isoformat(),
        ],
        cwd=ROOT,
        env=fresh_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    expected = expected_handlers()
    for name in expected["sweep"]:
        assert name in lines, f"tick printed no line for {name}"
    assert lines["deadlines"] == "1"
    assert lines["viewflow_timers"] == "0"
    for group, names in expected.items():
        assert lines[f"registered {group}"] == (", ".join(names) or "-")
    assert_fired_once(*due)


def test_the_celery_task_in_a_fresh_process_has_every_handler_and_fires(due):
    script = (
        "import json, django; django.setup()\n"
        "from casework.tasks import tick\n"
        f"print(json.dumps(tick.apply(kwargs={{'now': {SWEEP_AS_OF.isoformat()!r}}}).get()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=fresh_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["pid"] != os.getpid()
    assert answer["failed"] == {}
    assert answer["handlers"] == expected_handlers()
    assert answer["done"]["deadlines"] == 1
    assert set(answer["done"]) == set(expected_handlers()["sweep"])
    assert_fired_once(*due)
