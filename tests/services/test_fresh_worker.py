"""A Celery worker started with CELERY_SKIP_CHECKS (no URLconf ever loaded) fires the legal clocks.

The worker is started by the test, on a queue of its own, so that the answer
comes from it and not from the services lane's worker.
"""

import os
import socket
import subprocess
import sys
import time

import pytest

from casework.tasks import tick
from config.celery import app
from tests.casework.test_registration import (
    ROOT,
    SWEEP_AS_OF,
    assert_fired_once,
    due,  # noqa: F401  (fixture)
    expected_handlers,
    fresh_env,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

START_TIMEOUT = 60  # seconds


@pytest.fixture
def fresh_worker():
    queue = f"casework-fresh-{os.getpid()}"
    hostname = f"{queue}@{socket.gethostname()}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--queues",
            queue,
            "--hostname",
            hostname,
            "--concurrency",
            "1",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=fresh_env(CELERY_SKIP_CHECKS="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not app.control.ping(destination=[hostname], timeout=1):
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, "the fresh worker did not answer in time"
        yield queue, hostname
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_a_worker_started_with_skip_checks_has_every_handler_and_fires(due, fresh_worker):  # noqa: F811
    queue, hostname = fresh_worker

    answer = tick.apply_async(kwargs={"now": SWEEP_AS_OF.isoformat()}, queue=queue).get(timeout=60)

    assert answer["hostname"] == hostname
    assert answer["failed"] == {}
    assert answer["handlers"] == expected_handlers()
    assert answer["done"]["deadlines"] == 1
    assert_fired_once(*due)
