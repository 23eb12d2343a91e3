"""Benchmark the qualification check: the API against raw SQL doing the same lookups.

It fills a throw-away PostgreSQL database (its name must contain "bench") with
registers of a city's size, loaded with ``INSERT … SELECT generate_series``:

- enterprises (valid USCCs) across the seeded jurisdictions;
- workers with distinct, valid resident ID numbers (GB 11643 check digit
  computed in SQL), some team leaders, some with special-operations categories;
- training records: passed and failed job-safety assessments at different
  dates (some after the check date, some at another enterprise) and
  team-leader rotation trainings;
- special-operations certificates: valid, expired, review overdue, wrong category;
- internal trainers for most jobs of each enterprise.

Then, for the same random checks (fixed seed), it times in the same run:

- ``POST /api/v1/qualification-checks/`` through DRF's test client, as a
  city-level supervisor of 450100. Server time is the time inside Django's
  request handling only: the client's handler (what a WSGI server calls: the
  request built from the environ, every middleware, DRF, the view, the JSON
  rendered, the response closed) is wrapped by a timer, so the test client's
  own work (building the environ, keeping the templates and the context,
  decoding the answer) is not counted. Queries are counted in a separate,
  untimed pass (capturing them slows every query down);
- ``registry.qualification.qualification_check`` called directly (no HTTP);
- raw SQL on the psycopg2 connection sending the same statements as one API
  check, and as many: the enterprise lookup of the serializer, the check's
  ``registry.qualification.REGISTERS_SQL``, then the lookup's audit event as
  ``casework.audit.audit_record`` writes it — in one transaction, the chain
  head locked, the event (its keyed person hash and SHA-256 link computed in
  Python) inserted, the head moved on (no ORM, no Django cursor wrapper).
  Every event the raw side writes is a real link: ``audit_verify`` checks the
  whole chain at the end.

Both sides run as production does: DEBUG off, no simulated clock (outside
production the event's time would be one more read of it), and the per-user
rate limit raised so that one user's thousands of checks are not refused (the
limit is still counted on every request).

::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casework_bench_qual \\
        .venv/bin/python bench/qualification.py [--workers 1000000] [--reuse]
"""

import argparse
import collections
import datetime
import gc
import hashlib
import hmac
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402
from stdnum.cn import ric, uscc  # noqa: E402

from bench.common import database_prepare  # noqa: E402
from casework.audit import audit_verify  # noqa: E402
from casework.identifiers import mask_id_number  # noqa: E402
from casework.models import Enterprise, Jurisdiction, User  # noqa: E402
from registry.models import SpecialOpsCategory  # noqa: E402
from registry.qualification import (  # noqa: E402
    REGISTERS_SQL,
    qualification_check,
    registers_params,
)

GOAL = 5.0  # p95 of the API check / p95 of the raw SQL
SEED = 20260615
CITY = "450100"
URL = "/api/v1/qualification-checks/"
FIRST_CHECK_DAY = datetime.date(2025, 1, 1)
LAST_CHECK_DAY = datetime.date(2026, 12, 31)
JOBS = [
    "operator",
    "welder",
    "electrician",
    "crane driver",
    "forklift driver",
    "warehouse keeper",
    "maintenance fitter",
    "boiler operator",
    "loader",
    "mixer",
]
CATEGORIES = list(SpecialOpsCategory.values)

# Resident ID numbers: a region code that python-stdnum knows for births from
# 1983 on, a birth date in 1983-2002 and a sequence number; 7,300,000 distinct ones.
ID_REGIONS = ["450100", "450102", "450103", "450105"]
BIRTH_DAYS = 7300
ID_BODY = (
    "(%(id_regions)s::text[])[1 + (w * 7) %% 4]"
    " || to_char(date '1983-01-01' + ((w - 1) %% 7300)::int, 'YYYYMMDD')"
    " || lpad(((w - 1) / 7300)::text, 3, '0')"
)
# GB 11643: the 17 digits weighted by 2^(17 - i) mod 11; the sum mod 11 picks the check digit.
ID_CHECK = (
    "substr('10X98765432', 1 + ("
    + " + ".join(f"substr(body, {i + 1}, 1)::int * {pow(2, 17 - i, 11)}" for i in range(17))
    + ") %% 11, 1)"
)

# Worker w works at enterprise 1 + (w - 1) % E in job 1 + ((w - 1) / E) % J.
LOAD_WORKERS = (
    """
INSERT INTO registry_worker (
    id, enterprise_id, id_number, name, job, is_team_leader, special_ops,
    hired_on, barred_from_duty, barred_reason, barred_since
)
SELECT w, 1 + (w - 1) %% %(e)s, body || """
    + ID_CHECK
    + """, '工人' || w,
       (%(jobs)s::text[])[1 + ((w - 1) / %(e)s) %% %(j)s],
       w %% 10 = 5,
       CASE
           WHEN w %% 20 = 0 THEN jsonb_build_array(
               (%(cats)s::text[])[1 + (w / 4) %% %(c)s],
               (%(cats)s::text[])[1 + (w / 4 + 1) %% %(c)s])
           WHEN w %% 4 = 0 THEN jsonb_build_array((%(cats)s::text[])[1 + (w / 4) %% %(c)s])
           ELSE '[]'::jsonb
       END,
       date '2015-01-01' + (w %% 3000)::int, false, '', NULL
FROM generate_series(1, %(n)s) AS w
CROSS JOIN LATERAL (SELECT """
    + ID_BODY
    + """ AS body) AS p
"""
)

# Training g is round r = (g - 1) / W of worker w = 1 + (g - 1) %% W. Round 0 is
# the first assessment (failed when w %% 10 = 1, at another enterprise when
# w %% 10 = 0, for another job when w %% 10 = 9); round 1 is a team leader's
# rotation training (w %% 10 = 5), an earlier pass (1), a later failure (2), a
# pass after every check date (3), or a refresher; later rounds are refreshers.
LOAD_TRAININGS = """
INSERT INTO registry_training (
    enterprise_id, id_number, kind, job, course, hours,
    theory_passed, practical_passed, assessed_on
)
SELECT CASE WHEN r = 0 AND w %% 10 = 0 THEN 1 + w %% %(e)s ELSE p.enterprise_id END,
       p.id_number,
       CASE WHEN r = 1 AND w %% 10 = 5 THEN 'team_leader_rotation' ELSE 'job_safety' END,
       CASE
           WHEN r = 1 AND w %% 10 = 5 THEN ''
           WHEN w %% 10 = 9 THEN (%(jobs)s::text[])[1 + ((w - 1) / %(e)s + 1) %% %(j)s]
           ELSE p.job
       END,
       'Safety course ' || r,
       CASE WHEN r = 1 AND w %% 10 = 5 THEN 24.0 ELSE 72.0 END,
       NOT (r = 0 AND w %% 20 = 11),
       NOT ((r = 0 AND w %% 10 = 1) OR (r = 1 AND w %% 10 = 2)),
       CASE
           WHEN r = 1 AND w %% 10 = 1 THEN first - 200
           WHEN r = 1 AND w %% 10 = 2 THEN first + 400
           WHEN r = 1 AND w %% 10 = 3 THEN date '2027-03-01' + (w %% 300)::int
           ELSE first + 365 * r
       END
FROM generate_series(1, %(n)s) AS g
CROSS JOIN LATERAL (
    SELECT 1 + (g - 1) %% %(w)s AS w, (g - 1) / %(w)s AS r
) AS k
JOIN registry_worker AS p ON p.id = k.w
CROSS JOIN LATERAL (SELECT date '2019-01-01' + ((k.w * 37) %% 2200)::int AS first) AS d
"""

# Certificate g belongs to special-operations worker w = 4 * (1 + (g - 1) %% (W / 4)).
# Round 0 is of the worker's first category: valid, expired (6, 7), review
# overdue (8) or of a wrong category (9); round 1 is of the second category.
LOAD_CERTIFICATES = """
INSERT INTO registry_certificate (
    id_number, category, number, issued_on, valid_until, review_due_on
)
SELECT p.id_number,
       (%(cats)s::text[])[1 + (w / 4 + r + CASE WHEN r = 0 AND s = 9 THEN 3 ELSE 0 END) %% %(c)s],
       'T' || lpad(g::text, 12, '0'),
       issued,
       CASE WHEN r = 0 AND s IN (6, 7) THEN issued + 900 ELSE issued + 2190 END,
       CASE
           WHEN r = 0 AND s = 8 THEN issued + 500
           WHEN s IN (0, 1, 2) THEN NULL
           ELSE issued + 1095 + 730
       END
FROM generate_series(1, %(n)s) AS g
CROSS JOIN LATERAL (
    SELECT 4 * (1 + (g - 1) %% %(holders)s) AS w, (g - 1) / %(holders)s AS r
) AS k
CROSS JOIN LATERAL (
    SELECT (k.w / 4) %% 10 AS s, date '2019-06-01' + ((k.w * 13) %% 1800)::int AS issued
) AS d
JOIN registry_worker AS p ON p.id = k.w
"""

# A trainer for each job of each enterprise, except one pair in seven.
LOAD_TRAINERS = """
INSERT INTO registry_trainer (enterprise_id, id_number, job)
SELECT e, p.id_number, p.job
FROM generate_series(1, %(e)s) AS e
CROSS JOIN generate_series(1, %(j)s) AS j
JOIN registry_worker AS p ON p.id = e + %(e)s * (j - 1)
WHERE (e + j) %% 7 <> 0
"""

TABLES = ["casework_enterprise", "registry_worker", "registry_training", "registry_certificate"]

# The statements one API check sends (the pass that counts the queries checks it):
# the serializer's enterprise lookup as seen by a staff user, and the registers.
RAW_ENTERPRISE = (
    'SELECT "casework_enterprise"."id", "casework_enterprise"."uscc", '
    '"casework_enterprise"."name", "casework_enterprise"."sector", '
    '"casework_enterprise"."jurisdiction_id", "casework_enterprise"."address", '
    '"casework_enterprise"."legal_representative", "casework_enterprise"."contact_phone" '
    'FROM "casework_enterprise" INNER JOIN "casework_jurisdiction" '
    'ON ("casework_enterprise"."jurisdiction_id" = "casework_jurisdiction"."code") '
    'WHERE ("casework_jurisdiction"."path"::text LIKE %s '
    'AND "casework_enterprise"."uscc" = %s) LIMIT 1'
)
# The lookup's audit event, as casework.audit.audit_record writes it on PostgreSQL.
RAW_HEAD_LOCK = 'SELECT "seq", "hash" FROM "casework_audithead" WHERE "id" = 1 FOR UPDATE'
RAW_AUDIT_INSERT = (
    'INSERT INTO "casework_auditevent" ("seq", "recorded_at", "occurred_at", "actor_id", '
    '"actor_username", "actor_role", "action", "object_type", "object_id", "object_repr", '
    '"transition", "source_state", "target_state", "payload", "rule_versions", "file_hashes", '
    '"prev_hash", "hash") VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '
    '%s, %s, %s) RETURNING "id"'
)
RAW_HEAD_UPDATE = 'UPDATE "casework_audithead" SET "seq" = %s, "hash" = %s WHERE "id" = 1'
# Django logs the transaction's BEGIN and COMMIT among the queries: both sides count them.
RAW_STATEMENTS = [
    RAW_ENTERPRISE,
    REGISTERS_SQL,
    "BEGIN",
    RAW_HEAD_LOCK,
    RAW_AUDIT_INSERT,
    RAW_HEAD_UPDATE,
    "COMMIT",
]
# registry.lookups.person_key: HMAC-SHA256 keyed as django.utils.crypto.salted_hmac keys it.
PERSON_KEY_SALT = "casework.registry.lookups.person"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--trainings", type=int, default=1_500_000)
    parser.add_argument("--certificates", type=int, default=300_000)
    parser.add_argument("--checks", type=int, default=1000)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the loaded data when the sizes match"
    )
    args = parser.parse_args()
    if min(args.enterprises, args.workers, args.trainings, args.checks) < 1:
        parser.error("sizes and --checks must be at least 1")
    if args.workers < args.enterprises * len(JOBS) or args.workers < 4 * args.enterprises:
        parser.error(f"need --workers >= {len(JOBS)} x --enterprises")
    if args.workers > BIRTH_DAYS * 1000:
        parser.error(f"at most {BIRTH_DAYS * 1000:,} workers (distinct ID numbers)")
    return args


def execute(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def table_sizes() -> dict[str, int]:
    with connection.cursor() as cursor:
        sizes = {}
        for table in [*TABLES, "registry_trainer"]:
            cursor.execute(f"SELECT count(*) FROM {table}")
            sizes[table] = cursor.fetchone()[0]
    return sizes


def wanted_sizes(args) -> dict[str, int]:
    return {
        "casework_enterprise": args.enterprises,
        "registry_worker": args.workers,
        "registry_training": args.trainings,
        "registry_certificate": args.certificates,
    }


def enterprise_codes(count: int, regions: list[str]) -> list[str]:
    """Unified social credit codes with a valid GB 32100 check character."""
    codes = []
    for n in range(1, count + 1):
        body = f"91{regions[n % len(regions)]}MA{n:07d}"
        codes.append(body + uscc.calc_check_digit(body))
    return codes


def load(args) -> None:
    regions = list(
        Jurisdiction.objects.exclude(code=CITY).order_by("code").values_list("code", flat=True)
    )
    params = {
        "e": args.enterprises,
        "w": args.workers,
        "j": len(JOBS),
        "c": len(CATEGORIES),
        "jobs": JOBS,
        "cats": CATEGORIES,
        "id_regions": ID_REGIONS,
        "holders": args.workers // 4,
    }
    execute("SET synchronous_commit = off")
    execute("SET maintenance_work_mem = '1GB'")
    steps = [
        ("enterprises", None, args.enterprises),
        ("workers", LOAD_WORKERS, args.workers),
        ("trainings", LOAD_TRAININGS, args.trainings),
        ("certificates", LOAD_CERTIFICATES, args.certificates),
        ("trainers", LOAD_TRAINERS, None),
    ]
    for label, sql, size in steps:
        started = time.perf_counter()
        if sql is None:
            execute(
                "INSERT INTO casework_enterprise (id, uscc, name, sector, address, "
                "legal_representative, contact_phone, jurisdiction_id) "
                "SELECT n, code, '企业' || n, (%(sectors)s::text[])[1 + n %% 6], '', '', '', "
                "(%(regions)s::text[])[1 + n %% cardinality(%(regions)s::text[])] "
                "FROM unnest(%(codes)s::text[]) WITH ORDINALITY AS u(code, n)",
                {
                    "sectors": list(Enterprise.Sector.values),
                    "regions": regions,
                    "codes": enterprise_codes(size, regions),
                },
            )
        else:
            execute(sql, {**params, "n": size})
        print(f"  loaded {label} in {time.perf_counter() - started:.1f} s", flush=True)
    for table in ["casework_enterprise", "registry_worker"]:
        execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    started = time.perf_counter()
    execute("VACUUM ANALYZE " + ", ".join([*TABLES, "registry_trainer"]))
    print(f"  vacuumed and analysed in {time.perf_counter() - started:.1f} s")


def checker() -> User:
    user, _ = User.objects.get_or_create(
        username="bench-qualification",
        defaults={"role": User.Role.SUPERVISOR, "jurisdiction_id": CITY},
    )
    return User.objects.select_related("jurisdiction").get(pk=user.pk)


def random_checks(args) -> list[dict]:
    """Random existing workers, checked at their enterprise in their job on a random day."""
    rng = random.Random(SEED)
    ids = rng.sample(range(1, args.workers + 1), args.checks)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w.id, e.uscc, w.id_number, w.job FROM registry_worker AS w "
            "JOIN casework_enterprise AS e ON e.id = w.enterprise_id WHERE w.id = ANY(%s)",
            [ids],
        )
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    days = (LAST_CHECK_DAY - FIRST_CHECK_DAY).days
    checks = []
    for worker_id in ids:
        enterprise, id_number, job = rows[worker_id]
        assert ric.is_valid(id_number) and uscc.is_valid(enterprise), (id_number, enterprise)
        checks.append(
            {
                "enterprise": enterprise,
                "id_number": id_number,
                "job": job,
                "on": FIRST_CHECK_DAY + datetime.timedelta(days=rng.randrange(days + 1)),
                "special_ops": [rng.choice(CATEGORIES)] if rng.random() < 0.2 else [],
                "is_team_leader": True if rng.random() < 0.1 else None,
            }
        )
    return checks


class ServerTimer:
    """Wraps the test client's handler: the time Django spends on each request."""

    def __init__(self, handler):
        self.handler = handler
        self.times: list[float] = []

    def __call__(self, environ):
        started = time.perf_counter()
        response = self.handler(environ)
        self.times.append((time.perf_counter() - started) * 1000)
        return response


def api_client(user: User) -> tuple[APIClient, ServerTimer]:
    client = APIClient()
    client.force_authenticate(user)  # sets the user on the handler: before wrapping it
    timer = ServerTimer(client.handler)
    client.handler = timer
    return client, timer


def api_post(client: APIClient, check: dict) -> dict:
    response = client.post(URL, {**check, "on": check["on"].isoformat()}, format="json")
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response.json()


def normalised(sql: str) -> str:
    return " ".join(sql.split())


def count_api(client: APIClient, checks: list[dict], raw_sql: set[str]) -> tuple:
    """Untimed: the statements of each API check, and the reasons given."""
    counts, shapes, foreign, reasons = (
        [],
        collections.defaultdict(set),
        set(),
        collections.Counter(),
    )
    for check in checks:
        connection.queries_log.clear()  # the log keeps 9,000 queries at most
        with CaptureQueriesContext(connection) as captured:
            answer = api_post(client, check)
        counts.append(len(captured.captured_queries))
        shapes["with" if answer["special_ops"] else "without"].add(counts[-1])
        reasons.update(reason["code"] for reason in answer["reasons"])
        reasons["(qualified)" if answer["qualified"] else "(not qualified)"] += 1
        for query in captured.captured_queries:
            sql = normalised(query["sql"])
            if not any(sql.startswith(template.split("%s")[0]) for template in raw_sql):
                foreign.add(sql)
    return counts, shapes, foreign, reasons


def run_api(client: APIClient, timer: ServerTimer, checks: list[dict]) -> list[float]:
    """Time each check inside Django's request handling."""
    timer.times.clear()
    for check in checks:
        api_post(client, check)
    assert len(timer.times) == len(checks)
    return list(timer.times)


def run_direct(checks: list[dict], enterprises: dict[str, Enterprise]) -> list[float]:
    times = []
    for check in checks:
        enterprise = enterprises[check["enterprise"]]
        started = time.perf_counter()
        qualification_check(
            enterprise=enterprise,
            id_number=check["id_number"],
            job=check["job"],
            on=check["on"],
            special_ops=check["special_ops"],
            is_team_leader=check["is_team_leader"],
        )
        times.append((time.perf_counter() - started) * 1000)
    return times


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def raw_lookup_event(cursor, user: User, key: bytes, check: dict, enterprise: tuple) -> None:
    """The lookup's audit event, as ``audit_record`` writes it: three statements in a transaction.

    The content and its hash are ``casework.audit.event_hash``'s (``audit_verify``
    checks them at the end); the person is named by ``registry.lookups.person_key``.
    """
    uscc, jurisdiction = enterprise
    id_number = check["id_number"].strip().upper()
    person = hmac.new(key, id_number.encode(), hashlib.sha256).hexdigest()
    payload = {
        "lookup": "qualification_check",
        "id_number": mask_id_number(id_number),
        "purpose": "",
        "inspection": None,
        "enterprise": uscc,
        "jurisdiction": jurisdiction,
        "made_in": user.jurisdiction_id,
    }
    cursor.execute("BEGIN")
    cursor.execute(RAW_HEAD_LOCK)
    head_seq, head_hash = cursor.fetchone()
    now = datetime.datetime.now(datetime.UTC)
    content = {
        "seq": head_seq + 1,
        "recorded_at": _utc(now),
        "occurred_at": _utc(now),
        "actor_id": user.pk,
        "actor_username": user.username,
        "actor_role": user.role,
        "action": "person_looked_up",
        "object_type": "registry.person",
        "object_id": person,
        "object_repr": "",
        "transition": "",
        "source_state": "",
        "target_state": "",
        "payload": payload,
        "rule_versions": {},
        "file_hashes": [],
    }
    material = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    event_hash = hashlib.sha256((head_hash + material).encode()).hexdigest()
    cursor.execute(
        RAW_AUDIT_INSERT,
        [
            *(content[name] for name in list(content)[:13]),
            json.dumps(payload, ensure_ascii=False),
            "{}",
            "[]",
            head_hash,
            event_hash,
        ],
    )
    cursor.fetchone()
    cursor.execute(RAW_HEAD_UPDATE, [head_seq + 1, event_hash])
    cursor.execute("COMMIT")


def raw_check(cursor, check: dict, user: User, key: bytes) -> int:
    """The statements of one API check, in raw SQL; return how many were sent.

    ``BEGIN`` and ``COMMIT`` around the audit event count, as Django's query log
    counts them on the API side.
    """
    cursor.execute(RAW_ENTERPRISE, [user.jurisdiction.path + "%", check["enterprise"]])
    row = cursor.fetchone()
    cursor.execute(
        REGISTERS_SQL,
        registers_params(
            connection,
            enterprise_id=row[0],
            id_number=check["id_number"],
            job=check["job"],
            on=check["on"],
        ),
    )
    cursor.fetchall()
    raw_lookup_event(cursor, user, key, check, (row[1], row[4]))
    return len(RAW_STATEMENTS)


def person_hmac_key() -> bytes:
    """The key of ``salted_hmac(PERSON_KEY_SALT, …)``, derived once (as a raw program would)."""
    return hashlib.sha256((PERSON_KEY_SALT + settings.SECRET_KEY).encode()).digest()


def run_raw(checks: list[dict], user: User) -> list[float]:
    connection.ensure_connection()
    times, key = [], person_hmac_key()
    with connection.connection.cursor() as cursor:  # psycopg2 itself, no Django wrapper
        for check in checks:
            started = time.perf_counter()
            raw_check(cursor, check, user, key)
            times.append((time.perf_counter() - started) * 1000)
    return times


def percentiles(times: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return cuts[49], cuts[94]


def explain_registers(client: APIClient, check: dict) -> None:
    with CaptureQueriesContext(connection) as captured:
        api_post(client, check)
    print("\nSQL sent by one API check:")
    for number, query in enumerate(captured.captured_queries, 1):
        print(f"  {number}. {normalised(query['sql'])}")
    sql = next(q["sql"] for q in captured.captured_queries if "registry_training" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the registers statement:\n{plan}")
    scans = re.findall(
        r"(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan) (?:using (\S+) )?on (\S+)", plan
    )
    print("scans: " + "; ".join(f"{table}: {kind} {index}".strip() for kind, index, table in scans))
    print(f"no sequential scan: {all(kind != 'Seq Scan' for kind, _, _ in scans)}")


def main() -> None:
    args = parse_args()
    database_prepare("bench/qualification.py", fresh=False)
    reuse = args.reuse and all(
        table_sizes()[table] == size for table, size in wanted_sizes(args).items()
    )
    if reuse:
        print("reusing the loaded registers")
    else:
        print("loading the registers ...", flush=True)
        database_prepare("bench/qualification.py", fresh=True)
        started = time.perf_counter()
        load(args)
        print(f"loaded in {time.perf_counter() - started:.0f} s")
    sizes = table_sizes()
    print(f"\nPostgreSQL {connection.pg_version}; registers:")
    for table, count in sizes.items():
        print(f"  {table:<22} {count:>10,}")

    user = checker()
    client, timer = api_client(user)
    checks = random_checks(args)
    enterprises = {
        e.uscc: e for e in Enterprise.objects.filter(uscc__in={c["enterprise"] for c in checks})
    }
    key = person_hmac_key()
    # As production runs (see the module's docstring); the rate limit still counts each request.
    production = override_settings(
        DEBUG=False,
        CASEWORK_SIMULATED_CLOCK=False,
        CASEWORK_API_RATES={**settings.CASEWORK_API_RATES, "user": "1000000/min"},
    )

    with production:
        # Warm-up, not measured: every person's pages in the cache, the code paths compiled.
        run_raw(checks, user)
        run_api(client, timer, checks[:50])
        run_direct(checks[:50], enterprises)
        counts, shapes, foreign, reasons = count_api(
            client, checks, {normalised(sql) for sql in RAW_STATEMENTS}
        )

        # Interleaved, check by check, so that other work on the machine hits all three alike.
        gc.collect()
        load_before = os.getloadavg()[0]
        api_ms, client_ms, direct_ms, raw_ms, raw_counts = [], [], [], [], []
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:  # psycopg2 itself, no Django wrapper
            for check in checks:
                started = time.perf_counter()
                api_ms.extend(run_api(client, timer, [check]))
                client_ms.append((time.perf_counter() - started) * 1000)
                direct_ms.extend(run_direct([check], enterprises))
                started = time.perf_counter()
                raw_counts.append(raw_check(cursor, check, user, key))
                raw_ms.append((time.perf_counter() - started) * 1000)
        load_after = os.getloadavg()[0]
        explain_registers(client, checks[0])
    verified = audit_verify()

    api50, api95 = percentiles(api_ms)
    client50, client95 = percentiles(client_ms)
    direct50, direct95 = percentiles(direct_ms)
    raw50, raw95 = percentiles(raw_ms)
    print(f"\n=== {args.checks:,} random checks (seed {SEED}) ===")
    print(
        f"machine load (1-min average) before the checks {load_before:.2f}, "
        f"after {load_after:.2f} on {os.cpu_count()} CPUs: other work inflates tails"
    )
    print("verdicts and reasons: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
    print(f"{'':<56} {'p50 ms':>8} {'p95 ms':>8}")
    print(f"{'API POST ' + URL + ', server time':<56} {api50:>8.2f} {api95:>8.2f}")
    print(
        f"{'  (around the test client call, for reference)':<56} {client50:>8.2f} {client95:>8.2f}"
    )
    direct = "qualification_check() directly (no HTTP, no audit)"
    print(f"{direct:<56} {direct50:>8.2f} {direct95:>8.2f}")
    print(f"{'raw SQL, the same statements':<56} {raw50:>8.2f} {raw95:>8.2f}")
    print(f"queries per API check: min {min(counts)}, max {max(counts)}")
    for shape, found in sorted(shapes.items()):
        print(f"  {shape} special-operations categories: {sorted(found)}")
    print(f"statements per raw check: min {min(raw_counts)}, max {max(raw_counts)}")
    if foreign:
        print("API statements the raw side does not send:")
        for sql in sorted(foreign):
            print(f"  {sql}")
    same = min(counts) == max(counts) == min(raw_counts) == max(raw_counts) and not foreign
    print(f"API and raw SQL send the same statements per check: {'yes' if same else 'NO'}")
    chain = f"OK, {verified.count:,} events" if verified.ok else f"BROKEN: {verified.reason}"
    print(f"audit chain, with the events of both sides: {chain}")
    same = same and verified.ok
    ratio = api95 / raw95
    verdict = "met" if ratio <= GOAL and same else "NOT met"
    print(f"p95 ratio API / raw SQL = {ratio:.2f} (goal <= {GOAL:g}): {verdict}")
    print(f"p50 ratio API / raw SQL = {api50 / raw50:.2f}")


if __name__ == "__main__":
    main()
