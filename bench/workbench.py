"""Benchmark the workbench (工作台): GET /inspections/workbench/ against raw SQL.

It fills a throw-away PostgreSQL database (its name must contain "bench") with
``INSERT … SELECT generate_series``:

- the registers of ``bench/qualification.py`` (its loader, reused: enterprises
  with valid USCCs across the districts and counties below 450100, workers
  with valid ID numbers, trainers; no trainings or certificates, which the
  workbench does not read);
- staff: a pool of officers in every district or county, a supervisor in each
  and one for the city (450100);
- inspections spread over the enterprises, in every state, with dates around
  the bench's "today" (``TODAY``; ``casework.clock.now`` is fixed to it, so no
  simulated clock is read): closed and cancelled ones in the past, recorded
  ones in the last weeks, some in progress, planned ones from a few days
  overdue through today and this week to two months ahead; two officers of
  the enterprise's district on each;
- findings on inspections that were carried out, each with its worker check:
  open ones on inspections in progress or recorded, the rest disposed; the
  workers of open and recent findings barred from duty;
- legal deadlines (rectification) for findings disposed with an order: most
  met, the open ones mostly due later, some missed, some due within a working
  day, a few suspended.

Then, for three users (an officer of 450103, the supervisor of 450103 and the
city supervisor of 450100), it times in the same run, interleaved request by
request:

- ``GET /inspections/workbench/`` through Django's test client. Server time is
  Django's request handling only: the client's handler (what a WSGI server
  calls: the request from the environ, every middleware, the session and the
  user read, the view, the template rendered) is wrapped by a timer, as in
  ``bench/qualification.py``. Queries are counted in a separate, untimed pass;
- raw SQL: the statements one request sent, captured once with
  ``CaptureQueriesContext`` (the SQL as psycopg2 sent it, parameters bound),
  replayed one by one on the psycopg2 connection itself (no Django cursor
  wrapper) with every row fetched. It is the database's share of the page:
  p95(page) / p95(raw) is what Django, the ORM and the template add.

To show that the number of queries does not follow the size of the data, the
count pass is run twice for each user: on the loaded data, and after adding
10 % more inspections with their officers, findings, checks, barred workers
and deadlines (in a transaction that is rolled back afterwards).

Everything runs as production does: DEBUG off, no simulated clock.

::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casework_bench_workbench \\
        .venv/bin/python bench/workbench.py [--workers 1000000] [--inspections 100000] [--reuse]
"""

import argparse
import datetime
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from bench import qualification  # noqa: E402
from bench.common import database_prepare  # noqa: E402
from bench.qualification import ServerTimer, normalised, percentiles  # noqa: E402
from bench.sweep import rules_in_force  # noqa: E402
from casework.models import Jurisdiction, PeriodRule, User  # noqa: E402

GOAL_MS = 300.0  # p95 server time of the page
CITY = "450100"
DISTRICT = "450103"
URL = "/inspections/workbench/"
TZ = "Asia/Shanghai"
# A Wednesday: "this week" runs to Sunday the 21st; the next working day is Thursday.
TODAY = datetime.date(2026, 6, 17)
NOW = datetime.datetime(2026, 6, 17, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "军", "杰", "涛", "强", "平", "刚"]
REASONS = ["UNTRAINED", "RETRAINING", "SPECIAL_OPS_UNCERTIFIED", "TEAM_LEADER_NOT_ROTATED"]
BASIS = "《安全生产法》（2021）第二十八条；第九十七条第（三）项"
DISPOSITIONS = ["corrected_on_site", "order_and_penalty", "transfer"]

# A pseudo-random number in [0, m) from an integer x: PostgreSQL's own integer hash.
HASH = "mod(abs(hashint4(({x})::int)::bigint), {m})::int"


def pseudo(x: str, m) -> str:
    return "(" + HASH.format(x=x, m=m) + ")"


def insert_select(table: str, columns: dict[str, str], source: str) -> str:
    """``INSERT INTO table (columns) SELECT expressions source``, column and value side by side."""
    names = ", ".join(f'"{name}"' for name in columns)
    values = ",\n       ".join(f"{expression} AS {name}" for name, expression in columns.items())
    return f"INSERT INTO {table} ({names})\nSELECT {values}\n{source}"


# Inspection i (from %(first)s to %(last)s) of enterprise 1 + (i - 1) % E; its state and
# its dates from s and d, two pseudo-random numbers of i. The officers' pool of the
# enterprise's district is row r of %(pool)s; the first of its two officers created it.
_STATE = (
    "CASE WHEN s < 55 THEN 'closed' WHEN s < 60 THEN 'cancelled' WHEN s < 68 THEN 'recorded'"
    " WHEN s < 73 THEN 'in_progress' ELSE 'planned' END"
)
_PLANNED_ON = (
    "%(today)s::date + CASE WHEN s < 55 THEN -30 - d %% 1000 WHEN s < 60 THEN -60 + d %% 90"
    " WHEN s < 68 THEN -1 - d %% 60 WHEN s < 73 THEN -(d %% 10) ELSE -3 + d %% 63 END"
)
LOAD_INSPECTIONS = insert_select(
    "inspections_inspection",
    {
        "id": "i",
        "enterprise_id": "e.id",
        "planned_on": "p.planned_on",
        "state": "p.state",
        "version": "CASE p.state WHEN 'planned' THEN 0 WHEN 'in_progress' THEN 1"
        " WHEN 'cancelled' THEN 1 WHEN 'recorded' THEN 2 ELSE 3 END",
        "created_by_id": "(%(pool)s::bigint[])[k.r][1 + k.a]",
        "created_at": "(p.planned_on - 7 + time '10:00') AT TIME ZONE %(tz)s",
        "started_at": "CASE WHEN p.state IN ('in_progress', 'recorded', 'closed') THEN"
        " (p.planned_on + time '08:00' + d %% 60 * interval '1 minute') AT TIME ZONE %(tz)s END",
        "recorded_at": "CASE WHEN p.state IN ('recorded', 'closed') THEN"
        " (p.planned_on + time '12:00') AT TIME ZONE %(tz)s END",
        "signed_by": "CASE WHEN p.state IN ('recorded', 'closed') THEN '负责人' || e.id"
        " ELSE '' END",
        "signature_refused": "false",
        "refusal_reason": "''",
        "refusal_witness": "''",
        "closed_at": "CASE WHEN p.state = 'closed' THEN"
        " (p.planned_on + 10 + time '16:00') AT TIME ZONE %(tz)s END",
        "cancelled_at": "CASE WHEN p.state = 'cancelled' THEN"
        " (p.planned_on - 2 + time '15:00') AT TIME ZONE %(tz)s END",
        "cancel_reason": "CASE WHEN p.state = 'cancelled' THEN '企业停产检修' ELSE '' END",
    },
    f"""FROM generate_series(%(first)s, %(last)s) AS i
CROSS JOIN LATERAL (SELECT {pseudo("i", 100)} AS s, {pseudo("i + 7777777", 100000)} AS d) AS h
JOIN casework_enterprise AS e ON e.id = 1 + (i - 1) %% %(e)s
CROSS JOIN LATERAL (
    SELECT array_position(%(regions)s::text[], e.jurisdiction_id::text) AS r,
           {pseudo("i + 3333333", "%(p)s")} AS a
) AS k
CROSS JOIN LATERAL (SELECT {_STATE} AS state, {_PLANNED_ON} AS planned_on) AS p""",
)

# Two distinct officers of the district's pool on each inspection: the creator (pool
# member a, as chosen above) and member a + 1 + b.
_CREATOR = pseudo("i.id + 3333333", "%(p)s")
LOAD_OFFICERS = f"""
INSERT INTO inspections_inspection_officers (inspection_id, user_id)
SELECT i.id, (%(pool)s::bigint[])[k.r][1 + (k.a + o.n * (1 + k.b)) %% %(p)s]
FROM inspections_inspection AS i
JOIN casework_enterprise AS e ON e.id = i.enterprise_id
CROSS JOIN LATERAL (
    SELECT array_position(%(regions)s::text[], e.jurisdiction_id::text) AS r,
           {_CREATOR} AS a, {pseudo("i.id + 5555555", "%(p)s - 1")} AS b
) AS k
CROSS JOIN (VALUES (0), (1)) AS o(n)
WHERE i.id BETWEEN %(first)s AND %(last)s
"""

# Four in ten inspections carried out have one or two worker findings, each about a
# worker of the enterprise. Open on inspections in progress or recorded (two in three),
# otherwise disposed; one disposition in three is an order (rectification due in 30 days).
_OPEN = "i.state IN ('in_progress', 'recorded') AND (i.id + n) %% 3 <> 0"
_DISPOSITION = "(%(dispositions)s::text[])[1 + (i.id + n) %% 3]"
LOAD_FINDINGS = insert_select(
    "inspections_finding",
    {
        "inspection_id": "i.id",
        "level": "'worker'",
        "id_number": "w.id_number",
        "worker_id": "w.id",
        "job": "w.job",
        "reason_codes": "jsonb_build_array((%(reasons)s::text[])[1 + (i.id + n) %% 4])",
        "legal_basis": "%(basis)s",
        "description": "''",
        "state": f"CASE WHEN {_OPEN} THEN 'open' ELSE 'disposed' END",
        "version": f"CASE WHEN {_OPEN} THEN 0 ELSE 1 END",
        "disposition": f"CASE WHEN {_OPEN} THEN '' ELSE {_DISPOSITION} END",
        "due_date": f"CASE WHEN NOT ({_OPEN}) AND {_DISPOSITION} = 'order_and_penalty'"
        " THEN i.planned_on + 30 END",
        "transfer_to": f"CASE WHEN NOT ({_OPEN}) AND {_DISPOSITION} = 'transfer'"
        " THEN '市场监督管理局' ELSE '' END",
        "disposition_note": "''",
        "disposed_at": f"CASE WHEN NOT ({_OPEN}) THEN i.started_at + n * interval '30 minutes' END",
        "created_at": "i.started_at + n * interval '20 minutes'",
    },
    """FROM inspections_inspection AS i
CROSS JOIN LATERAL generate_series(1, 1 + i.id %% 2) AS n
JOIN registry_worker AS w
  ON w.id = i.enterprise_id + %(e)s * ((i.id * 31 + n) %% (%(w)s / %(e)s))
WHERE i.id BETWEEN %(first)s AND %(last)s
  AND i.state IN ('in_progress', 'recorded', 'closed')
  AND """
    + pseudo("i.id + 1111111", 10)
    + " < 4",
)

# The worker check that made each finding.
LOAD_CHECKS = insert_select(
    "inspections_workercheck",
    {
        "inspection_id": "f.inspection_id",
        "worker_id": "f.worker_id",
        "id_number": "f.id_number",
        "name": "w.name",
        "job": "f.job",
        "special_ops": "'[]'::jsonb",
        "is_team_leader": "false",
        "checked_on": "(f.created_at AT TIME ZONE %(tz)s)::date",
        "qualified": "false",
        "reasons": "jsonb_build_array(jsonb_build_object('code', f.reason_codes->>0))",
        "finding_id": "f.id",
        "checked_by_id": "i.created_by_id",
        "checked_at": "f.created_at",
    },
    """FROM inspections_finding AS f
JOIN inspections_inspection AS i ON i.id = f.inspection_id
JOIN registry_worker AS w ON w.id = f.worker_id
WHERE f.inspection_id BETWEEN %(first)s AND %(last)s""",
)

# The workers of open findings and of those of the last year are barred from duty.
BAR_WORKERS = """
UPDATE registry_worker AS w
SET barred_from_duty = true, barred_since = (f.created_at AT TIME ZONE %(tz)s)::date,
    barred_reason = f.reason_codes->>0
FROM inspections_finding AS f
WHERE f.worker_id = w.id AND f.inspection_id BETWEEN %(first)s AND %(last)s
  AND (f.state = 'open' OR f.created_at > %(now)s::timestamptz - interval '1 year')
"""

# A rectification deadline for each finding disposed with an order. By a pseudo-random
# m of the finding: 40 % met; of the open ones two in a hundred missed (not yet swept),
# two due today or the next working day, one suspended, the rest due later.
_M = pseudo("f.id + 9999999", 100)
LOAD_DEADLINES = insert_select(
    "casework_deadline",
    {
        "kind": "r.code",
        "rule_id": "r.id",
        "legal_basis": "r.legal_basis",
        "jurisdiction_id": "e.jurisdiction_id",
        "enterprise_id": "e.id",
        "subject_type": "'inspections.finding'",
        "subject_id": "f.id::text",
        "party": "e.name",
        "start_event": "'disposed'",
        "started_at": "f.disposed_at",
        "start_date": "(f.disposed_at AT TIME ZONE %(tz)s)::date",
        "length": "r.length",
        "unit": "r.unit",
        "due_date": "CASE WHEN m < 40 THEN f.due_date ELSE %(today)s::date END + (CASE"
        " WHEN m < 40 THEN 0 WHEN m < 42 THEN -1 - f.id %% 15 WHEN m < 44 THEN f.id %% 2"
        " ELSE 2 + f.id %% 120 END)::int",
        "due_fixed": "false",
        "printed_due_date": "NULL::date",
        "status": "CASE WHEN m < 40 THEN 'met' ELSE 'open' END",
        "provisional": "false",
        "party_facing": "r.party_facing",
        "explanation_zh": "'整改期限：处置之日起 60 个工作日'",
        "explanation_en": "'Rectification: 60 working days from the disposition'",
        "suspended_on": "CASE WHEN m = 44 THEN %(today)s::date - 5 END",
        "fired_at": "NULL::timestamptz",
        "closed_at": "CASE WHEN m < 40 THEN f.disposed_at + interval '20 days' END",
        "attempts": "0",
        "last_error": "''",
        "created_at": "f.disposed_at",
        "version": "CASE WHEN m < 40 THEN 1 ELSE 0 END",
    },
    f"""FROM inspections_finding AS f
JOIN inspections_inspection AS i ON i.id = f.inspection_id
JOIN casework_enterprise AS e ON e.id = i.enterprise_id
JOIN casework_periodrule AS r ON r.id = %(rule)s
CROSS JOIN LATERAL (SELECT {_M} AS m) AS k
WHERE f.inspection_id BETWEEN %(first)s AND %(last)s AND f.disposition = 'order_and_penalty'""",
)

STEPS = [
    ("inspections", LOAD_INSPECTIONS),
    ("their officers", LOAD_OFFICERS),
    ("findings", LOAD_FINDINGS),
    ("worker checks", LOAD_CHECKS),
    ("barred workers", BAR_WORKERS),
    ("deadlines", LOAD_DEADLINES),
]
TABLES = [
    "casework_enterprise",
    "registry_worker",
    "inspections_inspection",
    "inspections_inspection_officers",
    "inspections_finding",
    "inspections_workercheck",
    "casework_deadline",
    "casework_user",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--inspections", type=int, default=100_000)
    parser.add_argument("--officers", type=int, default=20, help="per district or county")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per user")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the loaded data when the sizes match"
    )
    args = parser.parse_args()
    if min(args.enterprises, args.inspections, args.requests) < 1 or args.officers < 2:
        parser.error("sizes and --requests must be at least 1, --officers at least 2")
    if args.workers < args.enterprises * len(qualification.JOBS):
        parser.error(f"need --workers >= {len(qualification.JOBS)} x --enterprises")
    return args


def execute(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def table_sizes() -> dict[str, int]:
    sizes = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            sizes[table] = cursor.fetchone()[0]
    cursor = connection.cursor()
    cursor.execute("SELECT count(*) FROM registry_worker WHERE barred_from_duty")
    sizes["(barred workers)"] = cursor.fetchone()[0]
    cursor.execute(
        "SELECT count(*) FILTER (WHERE status = 'open' AND due_date < %s), "
        "count(*) FILTER (WHERE status = 'open' AND due_date BETWEEN %s AND %s) "
        "FROM casework_deadline",
        [TODAY, TODAY, TODAY + datetime.timedelta(days=1)],
    )
    sizes["(open deadlines missed)"], sizes["(open deadlines due by tomorrow)"] = cursor.fetchone()
    return sizes


def regions() -> list[str]:
    return list(
        Jurisdiction.objects.exclude(code=CITY).order_by("code").values_list("code", flat=True)
    )


def staff_create(officers: int) -> None:
    """A pool of officers in each district or county, a supervisor in each and one for the city."""
    users, n = [], 0
    for code in regions():
        for k in range(officers):
            n += 1
            users.append(
                User(
                    username=f"bench-officer-{code}-{k:02d}",
                    last_name=SURNAMES[n % len(SURNAMES)],
                    first_name=GIVEN[(n * 5) % len(GIVEN)] + GIVEN[(n * 3 + 1) % len(GIVEN)],
                    role=User.Role.OFFICER,
                    jurisdiction_id=code,
                    credential_no=f"45{n:08d}",
                    password="!",
                )
            )
        users.append(
            User(
                username=f"bench-supervisor-{code}",
                role=User.Role.SUPERVISOR,
                jurisdiction_id=code,
                password="!",
            )
        )
    users.append(
        User(
            username=f"bench-supervisor-{CITY}",
            role=User.Role.SUPERVISOR,
            jurisdiction_id=CITY,
            password="!",
        )
    )
    User.objects.bulk_create(users)


def load_params(args, first: int, last: int) -> dict:
    codes = regions()
    pools = {code: [] for code in codes}
    for pk, code in (
        User.objects.filter(role=User.Role.OFFICER, username__startswith="bench-officer-")
        .order_by("pk")
        .values_list("pk", "jurisdiction_id")
    ):
        pools[code].append(pk)
    rule = (
        PeriodRule.objects.filter(pk__in=rules_in_force(TODAY), code="rectification")
        .values_list("pk", flat=True)
        .get()
    )
    return {
        "first": first,
        "last": last,
        "e": args.enterprises,
        "w": args.workers,
        "p": args.officers,
        "regions": codes,
        "pool": [pools[code] for code in codes],
        "today": TODAY,
        "now": NOW,
        "tz": TZ,
        "reasons": REASONS,
        "basis": BASIS,
        "dispositions": DISPOSITIONS,
        "rule": rule,
    }


def casework_load(params: dict, *, quiet: bool = False) -> None:
    """Inspections ``first``…``last`` and all that hangs on them."""
    for label, sql in STEPS:
        started = time.perf_counter()
        rows = execute(sql, params)
        if not quiet:
            print(f"  loaded {label}: {rows:,} rows in {time.perf_counter() - started:.1f} s")


def load(args) -> None:
    registers = argparse.Namespace(
        enterprises=args.enterprises, workers=args.workers, trainings=0, certificates=0
    )
    qualification.load(registers)  # enterprises, workers and trainers; no trainings
    staff_create(args.officers)
    casework_load(load_params(args, 1, args.inspections))
    execute(
        "SELECT setval(pg_get_serial_sequence('inspections_inspection', 'id'), "
        "(SELECT max(id) FROM inspections_inspection))"
    )
    started = time.perf_counter()
    execute("VACUUM ANALYZE " + ", ".join(TABLES))
    print(f"  vacuumed and analysed in {time.perf_counter() - started:.1f} s")


def bench_users() -> dict[str, User]:
    officer = (
        User.objects.filter(role=User.Role.OFFICER, jurisdiction_id=DISTRICT)
        .filter(username__startswith="bench-officer-")
        .order_by("pk")
        .first()
    )
    return {
        f"officer of {DISTRICT}": officer,
        f"supervisor of {DISTRICT}": User.objects.get(username=f"bench-supervisor-{DISTRICT}"),
        f"supervisor of {CITY} (city)": User.objects.get(username=f"bench-supervisor-{CITY}"),
    }


def page_client(user: User) -> tuple[Client, ServerTimer]:
    client = Client()
    client.force_login(user)
    timer = ServerTimer(client.handler)
    client.handler = timer
    return client, timer


def page_get(client: Client) -> bytes:
    response = client.get(URL)
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response.content


def captured(client: Client) -> list[str]:
    """Untimed: the statements one request sends, as psycopg2 sent them."""
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        page_get(client)
    return [query["sql"] for query in queries.captured_queries]


def counted_in_rollback(clients: dict[str, Client], grow=None) -> dict[str, int]:
    """Queries per request for each user, in a transaction rolled back afterwards.

    ``grow`` adds rows first, inside the same transaction.
    """
    counts = {}
    with transaction.atomic():
        if grow is not None:
            grow()
        for name, client in clients.items():
            counts[name] = len(captured(client))
        transaction.set_rollback(True)
    return counts


def raw_replay(cursor, statements: list[str], per_statement: list[list[float]]) -> float:
    """The page's statements on the psycopg2 cursor, every row fetched; the total in ms."""
    started = time.perf_counter()
    for number, sql in enumerate(statements):
        before = time.perf_counter()
        cursor.execute(sql)
        if cursor.description is not None:
            cursor.fetchall()
        per_statement[number].append((time.perf_counter() - before) * 1000)
    return (time.perf_counter() - started) * 1000


def measure(client: Client, timer: ServerTimer, statements: list[str], requests: int) -> dict:
    connection.ensure_connection()
    per_statement = [[] for _ in statements]
    page_ms, raw_ms = [], []
    with connection.connection.cursor() as cursor:  # psycopg2 itself, no Django wrapper
        for _ in range(5):  # warm-up, not measured
            page_get(client)
            raw_replay(cursor, statements, [[] for _ in statements])
        gc.collect()
        timer.times.clear()
        for _ in range(requests):
            page_get(client)
            raw_ms.append(raw_replay(cursor, statements, per_statement))
        page_ms = list(timer.times)
    assert len(page_ms) == requests
    return {"page": page_ms, "raw": raw_ms, "statements": per_statement}


def main() -> None:
    args = parse_args()
    database_prepare("bench/workbench.py", fresh=False)
    sizes = table_sizes()
    reuse = (
        args.reuse
        and sizes["casework_enterprise"] == args.enterprises
        and sizes["registry_worker"] == args.workers
        and sizes["inspections_inspection"] == args.inspections
    )
    if reuse:
        print("reusing the loaded data")
    else:
        print("loading ...", flush=True)
        database_prepare("bench/workbench.py", fresh=True)
        started = time.perf_counter()
        load(args)
        print(f"loaded in {time.perf_counter() - started:.0f} s")
        sizes = table_sizes()
    print(f"\nPostgreSQL {connection.pg_version}; today is {TODAY} ({TODAY:%A}); rows:")
    for table, count in sizes.items():
        print(f"  {table:<34} {count:>10,}")

    users = bench_users()
    clients = {name: page_client(user) for name, user in users.items()}
    more = round(args.inspections * 0.1)
    grow_params = load_params(args, args.inspections + 1, args.inspections + more)

    production = override_settings(DEBUG=False, CASEWORK_SIMULATED_CLOCK=False)
    fixed_clock = mock.patch("casework.clock.now", return_value=NOW)
    results = {}
    with production, fixed_clock:
        plain = {name: client for name, (client, _timer) in clients.items()}
        counts = counted_in_rollback(plain)
        grown = counted_in_rollback(plain, grow=lambda: casework_load(grow_params, quiet=True))
        load_before = os.getloadavg()[0]
        for name, (client, timer) in clients.items():
            statements = captured(client)
            results[name] = (statements, measure(client, timer, statements, args.requests))
        load_after = os.getloadavg()[0]

    print(f"\n=== GET {URL}, {args.requests} timed requests per user ===")
    print(
        f"machine load (1-min average) before {load_before:.2f}, after {load_after:.2f} "
        f"on {os.cpu_count()} CPUs: other work inflates tails"
    )
    header = (
        f"{'user':<28} {'page p50':>9} {'page p95':>9} {'raw p50':>8} {'raw p95':>8}"
        f" {'p95 ratio':>9} {'queries':>7}"
    )
    print(header)
    worst = 0.0
    for name, (statements, measured) in results.items():
        page50, page95 = percentiles(measured["page"])
        raw50, raw95 = percentiles(measured["raw"])
        worst = max(worst, page95)
        print(
            f"{name:<28} {page50:>9.1f} {page95:>9.1f} {raw50:>8.1f} {raw95:>8.1f}"
            f" {page95 / raw95:>9.2f} {len(statements):>7}"
        )
    print("(times in ms; page = server time of the request, raw = its statements on psycopg2)")
    print(f"\nqueries per request, on the loaded data and with {more:,} more inspections:")
    for name in users:
        same = "same" if counts[name] == grown[name] else "DIFFERENT"
        print(f"  {name:<28} {counts[name]:>3} {grown[name]:>3}  {same}")
    constant = counts == grown
    print(f"queries per request constant: {'yes' if constant else 'NO'}")
    verdict = "met" if worst <= GOAL_MS and constant else "NOT met"
    print(f"worst p95 {worst:.1f} ms (goal < {GOAL_MS:g} ms, constant queries): {verdict}")

    name = f"supervisor of {CITY} (city)"
    statements, measured = results[name]
    print(f"\nstatements of the {name}'s page, median ms on psycopg2:")
    for sql, times in zip(statements, measured["statements"], strict=True):
        print(f"  {statistics.median(times):7.2f}  {normalised(sql)[:150]}")


if __name__ == "__main__":
    main()
