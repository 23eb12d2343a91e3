"""Celery tasks of the spine."""

import os
import socket

from celery import shared_task

from casework.sweeps import tick_run


@shared_task(name="casework.tasks.tick", bind=True)
def tick(self) -> dict:
    """Run one sweep (scheduled every minute by Celery beat).

    Returns what was done and failed, the time swept as of, and which process
    ran it (the services lane checks that a real worker did).
    """
    result = tick_run()
    return {
        "now": result.now.isoformat(),
        "done": result.done,
        "failed": result.failed,
        "pid": os.getpid(),
        "hostname": self.request.hostname or socket.gethostname(),
    }
