"""A worker process killed in the middle of a sweep loses nothing and repeats nothing.

The worker's pool processes (one of them running ``tick``) are killed with
SIGKILL while the sweep fires a batch of due deadlines. Each deadline is fired in
its own transaction, so the one in flight rolls back; the task was acknowledged
late, so it is delivered again (and beat keeps sweeping too). In the end every
deadline has fired exactly once and the audit chain is whole.
"""

import datetime
import os
import signal
import time
from collections import Counter

import pytest

from casework import clock
from casework.audit import audit_verify
from casework.models import AuditEvent, Deadline
from casework.tasks import tick
from tests.casework.test_sweep_concurrency import open_many

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DUE = 600
WAIT_SECONDS = 120


def fired() -> Counter:
    return Counter(
        AuditEvent.objects.filter(action="deadline_fired").values_list("object_id", flat=True)
    )


def worker_pool_pids() -> list[int]:
    """The pool processes of the lane's Celery worker (children of its main process)."""
    processes = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = open(f"/proc/{entry}/cmdline", "rb").read().split(b"\0")
            parent = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"celery" in b" ".join(cmdline) and b"worker" in cmdline:
            processes[int(entry)] = parent
    return [pid for pid, parent in processes.items() if parent in processes]


def test_a_sweep_killed_midway_fires_every_deadline_exactly_once():
    # Before the due date while the rows are made, so that no sweep (beat's
    # included) fires any of them yet; then past it.
    clock.clock_set(to=datetime.datetime(2026, 3, 5, 8, tzinfo=datetime.UTC), frozen=True)
    deadlines = open_many(DUE, "reinspection", datetime.date(2026, 3, 2))  # due 12 March
    assert not fired()
    clock.clock_set(to=datetime.datetime(2026, 3, 20, 8, tzinfo=datetime.UTC), frozen=True)

    pool = worker_pool_pids()
    assert pool, "no Celery worker pool process found"
    tick.delay()
    started = time.monotonic()
    while sum(fired().values()) < 10 and time.monotonic() - started < 30:
        time.sleep(0.02)
    # Deadlines are being fired, and only pool processes fire them: a sweep is
    # under way in one of these processes.
    for pid in pool:
        os.kill(pid, signal.SIGKILL)
    killed_at = sum(fired().values())

    while time.monotonic() - started < WAIT_SECONDS:
        if not Deadline.objects.filter(status=Deadline.Status.OPEN).exists():
            break
        time.sleep(0.5)

    assert 10 <= killed_at < DUE, "the kill did not land in the middle of a sweep"
    assert not Deadline.objects.filter(status=Deadline.Status.OPEN).exists()
    assert fired() == Counter({str(d.pk): 1 for d in deadlines})
    assert audit_verify().ok
