"""The real Celery worker: a task goes through the broker and its result comes back.

The worker of the services lane uses the tests' database, so what a
transactional test commits is what the worker's task sees.
"""

import datetime
import os

import pytest
from django.conf import settings

from casework import clock
from casework.tasks import tick
from config.celery import app

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

RESULT_TIMEOUT = 60  # seconds


def test_a_worker_answers_ping():
    replies = app.control.ping(timeout=5)

    assert replies, "no Celery worker answered the ping"


def test_tick_runs_in_the_worker_and_sees_the_committed_clock():
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    simulated = datetime.datetime(2031, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
    clock.clock_set(to=simulated, frozen=True)  # committed: transactional test

    result = tick.delay().get(timeout=RESULT_TIMEOUT)

    assert result["pid"] != os.getpid()
    assert result["hostname"]
    assert datetime.datetime.fromisoformat(result["now"]) == simulated
    assert result["failed"] == {}
    assert "viewflow_timers" in result["done"]


def test_tick_twice_through_the_worker_is_idempotent():
    first = tick.delay().get(timeout=RESULT_TIMEOUT)
    second = tick.delay().get(timeout=RESULT_TIMEOUT)

    assert first["failed"] == second["failed"] == {}
    assert set(second["done"].values()) == {0}
