"""The periodic sweep (`tick`): Viewflow's due timers plus registered handlers.

Later modules register handlers (the legal clock, reminders, the outbox). Each
handler takes ``now`` and must be idempotent: running the sweep twice, or twice
at once, must not do anything twice. A handler that raises is logged and the
others still run; it is retried on the next tick.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from casework import clock

logger = logging.getLogger(__name__)

SweepHandler = Callable[[datetime.datetime], int]

_handlers: dict[str, SweepHandler] = {}


def sweep_handler(name: str) -> Callable[[SweepHandler], SweepHandler]:
    """Register ``name`` to be run by every tick."""

    def decorate(func: SweepHandler) -> SweepHandler:
        _handlers[name] = func
        return func

    return decorate


@dataclass
class TickResult:
    now: datetime.datetime
    done: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


@sweep_handler("viewflow_timers")
def fire_viewflow_timers(now: datetime.datetime) -> int:
    # Viewflow's own sweep; its timers read the real time (they route work,
    # they never carry a legal deadline).
    from viewflow.workflow.timers import fire_due_start_timers, fire_due_timers

    return fire_due_timers() + fire_due_start_timers()


def tick_run(*, now: datetime.datetime | None = None) -> TickResult:
    """Run every registered sweep handler once, isolating failures."""
    result = TickResult(now=now or clock.now())
    for name, handler in _handlers.items():
        try:
            result.done[name] = handler(result.now)
        except Exception as exc:  # one failing handler must not block the others
            logger.exception("sweep handler %s failed", name)
            result.failed[name] = f"{type(exc).__name__}: {exc}"
    return result
