"""The periodic sweep (`tick`): Viewflow's due timers plus registered handlers.

Apps register handlers (the legal clock, reminders, the outbox) with
``sweep_handler``, in modules their ``AppConfig.ready()`` imports. Each handler
takes ``now`` and must be idempotent: running the sweep twice, or twice at once,
must not do anything twice. A handler that raises is logged and the others still
run; it is retried on the next tick.

``due_rows_process`` is how a handler works through its due rows: each row is
claimed with ``FOR UPDATE SKIP LOCKED`` and acted on in a transaction of its own.
"""

import contextvars
import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections, models, transaction

from casework import clock

logger = logging.getLogger(__name__)

SweepHandler = Callable[[datetime.datetime], int]

_handlers: dict[str, SweepHandler] = {}

# The simulated clock's setting when the running tick began (see ``clock.setting``).
_UNSET = object()
_tick_setting: contextvars.ContextVar = contextvars.ContextVar("tick_setting", default=_UNSET)


def sweep_handler(name: str) -> Callable[[SweepHandler], SweepHandler]:
    """Register ``name`` to be run by every tick."""

    def decorate(func: SweepHandler) -> SweepHandler:
        _handlers[name] = func
        return func

    return decorate


def sweep_handlers() -> dict[str, SweepHandler]:
    return dict(_handlers)


class _Claim:
    """The claim of one row of ``queryset`` (locked, locked rows skipped), compiled once.

    A sweep claims one row per transaction, possibly thousands in a row; compiling
    the same ORM query each time cost more than running it. The query is
    compiled at the first claim (``FOR UPDATE`` compiles only inside a
    transaction) and its rows are converted by the same compiler, so the model
    instances are those the ORM would give. Related rows are not joined.
    """

    def __init__(self, queryset: models.QuerySet):
        locked = queryset.select_related(None).select_for_update(skip_locked=True, of=("self",))
        self.queryset = locked[:1]
        self.model, self.alias = queryset.model, self.queryset.db
        self.fields = [f.attname for f in self.model._meta.concrete_fields]
        self.compiler = None

    def next(self) -> models.Model | None:
        if self.compiler is None:
            self.compiler = self.queryset.query.get_compiler(using=self.alias)
            self.sql, self.params = self.compiler.as_sql()
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, self.params)
            row = cursor.fetchone()
        if row is None:
            return None
        (converted,) = self.compiler.results_iter(results=[[row]])
        return self.model.from_db(self.alias, self.fields, converted)


def due_rows_process(
    *,
    pending: Callable[[set], models.QuerySet],
    act: Callable[[models.Model, datetime.datetime], None],
    on_failure: Callable[[models.Model, Exception, datetime.datetime], None],
    now: datetime.datetime,
) -> int:
    """Act on each row of ``pending(failed_pks)`` once, one short transaction per row.

    ``FOR UPDATE SKIP LOCKED`` lets concurrent sweeps share the work without
    waiting; one row per transaction keeps the audit head (the last lock every
    writer takes) from being held while another row lock is awaited, which is
    what makes concurrent sweeps and services deadlock-free. When ``act`` raises,
    its whole transaction is rolled back (nothing half-done), ``on_failure``
    records the failure in a transaction of its own, and the row is left for the
    next tick; ``pending`` must exclude the failed keys it is given (its
    ``select_related`` is dropped: ``act`` loads what it needs). Returns how many
    rows were acted on.
    """
    done, failed = 0, set()
    claim = _Claim(pending(failed))
    started = _tick_setting.get()
    while True:
        if started is not _UNSET and clock.setting() != started:
            # The simulated clock was set again: this tick's time no longer holds.
            logger.info("sweep: the clock was set while sweeping; the next tick goes on")
            return done
        claimed = None
        try:
            with transaction.atomic(using=claim.alias):
                claimed = claim.next()
                if claimed is None:
                    return done
                act(claimed, now)
            done += 1
        except Exception as exc:  # recorded on the row, retried on the next tick
            if claimed is None:
                raise  # the claim itself failed: nothing to record it on
            logger.exception("sweep: %s %s failed", type(claimed).__name__, claimed.pk)
            failed.add(claimed.pk)
            claim = _Claim(pending(failed))
            on_failure(claimed, exc, now)


@dataclass
class TickResult:
    now: datetime.datetime
    done: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


@sweep_handler("viewflow_timers")
def viewflow_timers_fire(now: datetime.datetime) -> int:
    # Viewflow's own sweep; its timers read the real time (they route work,
    # they never carry a legal deadline).
    from viewflow.workflow.timers import fire_due_start_timers, fire_due_timers

    return fire_due_timers() + fire_due_start_timers()


def tick_run(*, now: datetime.datetime | None = None) -> TickResult:
    """Run every registered sweep handler once, isolating failures."""
    token = _tick_setting.set(clock.setting())
    try:
        return _tick(now)
    finally:
        _tick_setting.reset(token)


def _tick(now: datetime.datetime | None) -> TickResult:
    result = TickResult(now=now or clock.now())
    for name, handler in _handlers.items():
        try:
            result.done[name] = handler(result.now)
        except Exception as exc:  # one failing handler must not block the others
            logger.exception("sweep handler %s failed", name)
            result.failed[name] = f"{type(exc).__name__}: {exc}"
    return result
