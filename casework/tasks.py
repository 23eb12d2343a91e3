"""Celery tasks of the spine."""

from celery import shared_task

from casework.sweeps import tick_run


@shared_task(name="casework.tasks.tick", ignore_result=True)
def tick() -> dict:
    """Run one sweep (scheduled every minute by Celery beat)."""
    result = tick_run()
    return {"done": result.done, "failed": result.failed}
