"""What the apps registered with the spine, for ``tick`` and the Celery task to show.

Everything listed here is registered from an ``AppConfig.ready()`` (directly, or
by importing the module that declares it), so a process sees the same list
however it starts: web, worker, beat, or a command run with ``--skip-checks``.
"""

from casework import deadlines, sweeps
from casework.audit import event_kinds
from casework.transitions import registered_all


def handlers_registered() -> dict[str, list[str]]:
    """Every registered handler, by kind, sorted."""
    return {
        "sweep": sorted(sweeps.sweep_handlers()),
        "deadline_kinds": sorted(deadlines.deadline_handlers()),
        "reminder_kinds": sorted(deadlines.reminder_handlers()),
        "transitions": sorted(
            f"{model._meta.label_lower}.{name}"
            for model, entries in registered_all().items()
            for name in entries
        ),
        "event_kinds": sorted(event_kinds()),
    }
