"""Celery tasks of the spine."""

import os
import socket

from celery import shared_task
from django.utils.dateparse import parse_datetime

from casework.handlers import handlers_registered
from casework.sweeps import tick_run


@shared_task(name="casework.tasks.tick", bind=True)
def tick(self, now: str | None = None) -> dict:
    """Run one sweep (scheduled every minute by Celery beat), as of ``now`` or the clock's now.

    Returns what was done and failed, the time swept as of, the handlers the
    process has registered, and which process ran it (the services lane checks
    that a real worker did).
    """
    result = tick_run(now=parse_datetime(now) if now else None)
    return {
        "now": result.now.isoformat(),
        "done": result.done,
        "failed": result.failed,
        "handlers": handlers_registered(),
        "pid": os.getpid(),
        "hostname": self.request.hostname or socket.gethostname(),
    }
