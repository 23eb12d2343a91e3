"""Benchmark the deadline sweep: its cost must follow what is due, not what is open.

For each size N it loads N open deadlines of which the same number (1,000 by
default) are due, then times, in the same run:

- the real sweep, ``casework.deadlines.deadlines_fire_due(now)``;
- a raw SQL baseline, one ``SELECT … FOR UPDATE SKIP LOCKED`` and one
  ``UPDATE … SET status = 'missed'`` of the same rows in one transaction;
- a raw SQL baseline that, like the sweep, takes one row per transaction.

Each measurement starts from the same state (due rows open again, the sweep's
audit events removed, the audit head restored, tables vacuumed) and the median
of the repeats is reported. Run it against a throw-away PostgreSQL database
whose name contains "bench"; it is created and migrated if needed::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casework_bench \\
        .venv/bin/python bench/sweep.py --open 100000,1000000 --due 1000
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import database_prepare  # noqa: E402
from casework.audit import audit_verify  # noqa: E402
from casework.deadlines import deadlines_fire_due  # noqa: E402
from casework.models import (  # noqa: E402
    AuditHead,
    Enterprise,  # noqa: E402
    Jurisdiction,
    PeriodRule,
)

GOAL = 1.5  # sweep(largest N) / sweep(smallest N)
JURISDICTION = "450103"
ENTERPRISES = 100  # the subjects the deadlines belong to, round robin
EXPLANATION_ZH = "期限自送达次日起算，遇法定节假日顺延至其后第一个工作日。" * 2
EXPLANATION_EN = (
    "The period runs from the day after service; a due day falling on a public "
    "holiday moves to the next working day."
)

LOAD_DEADLINES = """
INSERT INTO casework_deadline (
    id, kind, rule_id, legal_basis, jurisdiction_id, enterprise_id,
    subject_type, subject_id, party, start_event, started_at, start_date,
    length, unit, due_date, due_fixed, printed_due_date, status, provisional, party_facing,
    explanation_zh, explanation_en, suspended_on, fired_at, closed_at,
    attempts, last_error, created_at, version
)
SELECT g, r.code, r.id, r.legal_basis, %(jurisdiction)s, e.id,
       'casework.enterprise', e.id::text, e.name, 'served',
       (d.due - 7 + time '10:00') AT TIME ZONE %(tz)s, d.due - 7,
       r.length, r.unit, d.due, false, NULL, 'open', false, r.party_facing,
       %(zh)s, %(en)s, NULL, NULL, NULL,
       0, '', %(now)s, 0
FROM generate_series(1, %(n)s) AS g
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN mod(g, %(step)s) = 0 AND g / %(step)s <= %(due)s
            THEN %(today)s::date - 1 - mod(g / %(step)s, 20)
        ELSE %(today)s::date + 1 + mod(g, 200)
    END AS due
) AS d
JOIN casework_periodrule AS r ON r.id = (%(rules)s::bigint[])[1 + mod(g, %(rule_count)s)]
JOIN casework_enterprise AS e ON e.id = (%(enterprises)s::bigint[])[1 + mod(g, %(ent_count)s)]
"""

# One reminder per deadline, the day before it is due; those of due rows have fired.
LOAD_REMINDERS = """
INSERT INTO casework_deadlinereminder (
    deadline_id, "offset", remind_on, fired_at, cancelled, attempts, last_error, failing
)
SELECT id, 1, due_date - 1, CASE WHEN due_date < %(today)s THEN %(now)s END, false, 0, '', false
FROM casework_deadline
"""

RAW_SELECT = """
SELECT id FROM casework_deadline
WHERE status = 'open' AND due_date < %s AND suspended_on IS NULL
ORDER BY due_date, id
"""

RAW_MISS = """
UPDATE casework_deadline
SET status = 'missed', fired_at = %s, closed_at = %s, version = version + 1
WHERE id = ANY(%s)
"""


class QueryCounter:
    """Count the statements sent through Django (savepoints included).

    It also keeps the sweep's selection query (the first ``SELECT … FOR UPDATE``
    on the deadline table) so that it can be explained.
    """

    def __init__(self):
        self.count = 0
        self.selection = None

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.selection is None and "FOR UPDATE" in sql and '"casework_deadline"' in sql:
            self.selection = (sql, params)
        return execute(sql, params, many, context)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--open",
        default="100000,1000000",
        help="comma-separated numbers of open deadlines (default: 100000,1000000)",
    )
    parser.add_argument("--due", type=int, default=1000, help="how many are due (default: 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="measured runs each (default: 5)")
    args = parser.parse_args()
    args.sizes = [int(size.replace("_", "")) for size in args.open.split(",")]
    if args.due < 1 or args.repeat < 1 or any(size < args.due for size in args.sizes):
        parser.error("need --due >= 1, --repeat >= 1 and every --open size >= --due")
    return args


def execute(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def vacuum(analyze: bool = False) -> None:
    """Clean the tables the sweep writes, as autovacuum would between ticks."""
    tables = "casework_deadline, casework_deadlinereminder, casework_auditevent, casework_audithead"
    execute(f"VACUUM {'(ANALYZE) ' if analyze else ''}{tables}")


def subjects() -> list[int]:
    """A pool of enterprises for the deadlines to belong to (created once)."""
    jurisdiction = Jurisdiction.objects.get(pk=JURISDICTION)
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=f"91BENCH{n:011d}",
                name=f"Bench enterprise {n}",
                sector=Enterprise.Sector.values[0],
                jurisdiction=jurisdiction,
            )
            for n in range(ENTERPRISES)
        ],
        ignore_conflicts=True,
    )
    return list(Enterprise.objects.filter(uscc__startswith="91BENCH").values_list("pk", flat=True))


def rules_in_force(today) -> list[int]:
    """The latest national version of every rule: the kinds of the loaded deadlines."""
    latest = {}
    for rule in PeriodRule.objects.filter(jurisdiction__isnull=True, effective_from__lte=today):
        if rule.code not in latest or rule.effective_from > latest[rule.code].effective_from:
            latest[rule.code] = rule
    return [rule.pk for rule in latest.values()]


def load(size: int, due: int, now, enterprises: list[int]) -> list[int]:
    """Replace all deadlines with ``size`` open ones, ``due`` of them due; return those ids."""
    today = timezone.localdate(now)
    rules = rules_in_force(today)
    step = size // due
    execute(
        "TRUNCATE casework_deadlinereminder, casework_deadlineentry, casework_deadline "
        "RESTART IDENTITY CASCADE"
    )
    execute(
        LOAD_DEADLINES,
        {
            "jurisdiction": JURISDICTION,
            "tz": str(timezone.get_current_timezone()),
            "zh": EXPLANATION_ZH,
            "en": EXPLANATION_EN,
            "now": now,
            "n": size,
            "step": step,
            "due": due,
            "today": today,
            "rules": rules,
            "rule_count": len(rules),
            "enterprises": enterprises,
            "ent_count": len(enterprises),
        },
    )
    execute("SELECT setval(pg_get_serial_sequence('casework_deadline', 'id'), %s)", [size])
    execute(LOAD_REMINDERS, {"today": today, "now": now})
    vacuum(analyze=True)
    with connection.cursor() as cursor:
        cursor.execute(RAW_SELECT, [today])
        due_ids = [row[0] for row in cursor.fetchall()]
    assert len(due_ids) == due, f"loaded {len(due_ids)} due deadlines, expected {due}"
    return due_ids


def restore(due_ids: list[int], head: tuple[int, str]) -> None:
    """Open the due rows again and remove the audit events written since ``head``."""
    seq, hash_ = head
    with transaction.atomic():
        execute(
            "UPDATE casework_deadline SET status = 'open', fired_at = NULL, closed_at = NULL, "
            "version = 0, attempts = 0, last_error = '' WHERE id = ANY(%s) AND status <> 'open'",
            [due_ids],
        )
        execute(
            "UPDATE casework_deadlinereminder SET cancelled = false "
            "WHERE deadline_id = ANY(%s) AND cancelled",
            [due_ids],
        )
        execute("ALTER TABLE casework_auditevent DISABLE TRIGGER casework_auditevent_append_only")
        execute("DELETE FROM casework_auditevent WHERE seq > %s", [seq])
        execute("ALTER TABLE casework_auditevent ENABLE TRIGGER casework_auditevent_append_only")
        execute("UPDATE casework_audithead SET seq = %s, hash = %s WHERE id = 1", [seq, hash_])
    vacuum()


def run_sweep(now) -> tuple[float, int, QueryCounter]:
    """Time one real sweep; return (milliseconds, deadlines fired, its statements)."""
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        fired = deadlines_fire_due(now)
        elapsed = time.perf_counter() - started
    return elapsed * 1000, fired, counter


def run_raw_batch(now) -> tuple[float, int]:
    """Time the raw baseline: one SELECT … FOR UPDATE SKIP LOCKED and one UPDATE."""
    today = timezone.localdate(now)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(RAW_SELECT + " FOR UPDATE SKIP LOCKED", [today])
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(RAW_MISS, [now, now, ids])
    return (time.perf_counter() - started) * 1000, len(ids)


def run_raw_rows(now) -> tuple[float, int]:
    """Time the raw baseline taken one row per transaction, as the sweep does."""
    today = timezone.localdate(now)
    done = 0
    started = time.perf_counter()
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(RAW_SELECT + " LIMIT 1 FOR UPDATE SKIP LOCKED", [today])
            row = cursor.fetchone()
            if row is None:
                break
            cursor.execute(RAW_MISS, [now, now, [row[0]]])
            done += 1
    return (time.perf_counter() - started) * 1000, done


def explain_selection(sql: str, params) -> str:
    """EXPLAIN ANALYZE the sweep's own selection query, then roll back its locks."""
    with transaction.atomic(), connection.cursor() as cursor:
        query = cursor.mogrify(sql, params).decode()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return f"{query}\n{plan}"


def measure(size: int, args, now, enterprises: list[int]) -> dict:
    print(f"\n=== {size:,} open deadlines, {args.due:,} due ===")
    started = time.perf_counter()
    due_ids = load(size, args.due, now, enterprises)
    print(f"loaded and analysed in {time.perf_counter() - started:.1f} s")
    head = AuditHead.objects.values_list("seq", "hash").get(pk=1)

    # A warm-up sweep, not measured; it yields the selection query to explain.
    _, warm_fired, warm = run_sweep(now)
    assert warm_fired == args.due, f"warm-up sweep fired {warm_fired}, expected {args.due}"
    restore(due_ids, head)
    plan = explain_selection(*warm.selection)
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the sweep's selection query:\n{plan}")
    print(f"partial index deadline_running_due used: {'deadline_running_due' in plan}")
    restore(due_ids, head)

    sweep_ms, raw_ms, raw_rows_ms, statements = [], [], [], set()
    for _ in range(args.repeat):
        elapsed, fired, counter = run_sweep(now)
        assert fired == args.due, f"sweep fired {fired}, expected {args.due}"
        sweep_ms.append(elapsed)
        statements.add(counter.count)
        restore(due_ids, head)
        elapsed, fired = run_raw_batch(now)
        assert fired == args.due, f"raw baseline updated {fired}, expected {args.due}"
        raw_ms.append(elapsed)
        restore(due_ids, head)
        elapsed, fired = run_raw_rows(now)
        assert fired == args.due, f"raw per-row baseline updated {fired}, expected {args.due}"
        raw_rows_ms.append(elapsed)
        restore(due_ids, head)

    deadlines_fire_due(now)  # once more, to check the chain the sweep writes
    chain = audit_verify()
    restore(due_ids, head)

    result = {
        "size": size,
        "sweep": statistics.median(sweep_ms),
        "sweep_best": min(sweep_ms),
        "raw": statistics.median(raw_ms),
        "raw_rows": statistics.median(raw_rows_ms),
        "statements": max(statements),
    }
    print(f"\nsweep runs (ms):             {', '.join(f'{ms:.0f}' for ms in sweep_ms)}")
    print(f"raw select+update runs (ms): {', '.join(f'{ms:.1f}' for ms in raw_ms)}")
    print(f"raw one-row-per-tx runs (ms):{', '.join(f'{ms:.0f}' for ms in raw_rows_ms)}")
    print(
        f"statements per sweep: {result['statements']:,} "
        f"({result['statements'] / args.due:.1f} per fired deadline; "
        f"transactions' BEGIN/COMMIT not counted)"
    )
    print(f"audit chain after a sweep: {'intact' if chain.ok else chain.reason}")
    return result


def report(results: list[dict], due: int, repeat: int) -> None:
    print(f"\n=== Summary: medians of {repeat} runs, {due:,} due deadlines ===")
    print(
        f"{'open':>10} {'sweep ms':>10} {'statements':>10} {'raw ms':>8} "
        f"{'sweep/raw':>9} {'raw/row ms':>10} {'sweep/raw-row':>13}"
    )
    for r in results:
        print(
            f"{r['size']:>10,} {r['sweep']:>10.0f} {r['statements']:>10,} {r['raw']:>8.1f} "
            f"{r['sweep'] / r['raw']:>9.1f} {r['raw_rows']:>10.0f} "
            f"{r['sweep'] / r['raw_rows']:>13.1f}"
        )
    if len(results) > 1:
        small, large = results[0], results[-1]
        ratio = large["sweep"] / small["sweep"]
        verdict = "met" if ratio <= GOAL else "NOT met"
        print(
            f"\nsweep({large['size']:,}) / sweep({small['size']:,}) = {ratio:.2f} "
            f"(goal <= {GOAL}): {verdict}"
        )
        # The fastest runs are the least disturbed by other work on the machine.
        best = large["sweep_best"] / small["sweep_best"]
        print(f"the same ratio on the fastest runs: {best:.2f}")


def main() -> None:
    args = parse_args()
    database_prepare("bench/sweep.py")
    now = timezone.now()
    print(
        f"sweep at {timezone.localtime(now):%Y-%m-%d %H:%M %Z}; PostgreSQL {connection.pg_version}"
    )
    enterprises = subjects()
    # DEBUG would log every statement of the sweep; production runs without it.
    with override_settings(DEBUG=False):
        results = [measure(size, args, now, enterprises) for size in sorted(args.sizes)]
    report(results, args.due, args.repeat)


if __name__ == "__main__":
    main()
