# ruff: noqa: N999 (the file is named by the issue: bench/import)
"""Benchmark the register import: rows per second, flat memory, and the ratio to COPY.

It writes a workers file of ``--rows`` valid rows (and a ``--small`` one with
the first rows of it) for a few enterprises, then imports each file through the
real import code (``registry.imports.register_import``, all or nothing: on
PostgreSQL one checking pass streamed into a staging table with COPY, then
set-based checks and writes in SQL) in its own child process, starting from an
empty worker table. Each child reports its own peak resident set size (the
kernel's RSS high-water mark, ``VmHWM``), so the two peaks can be compared
(goal: within 20 %). In the same run PostgreSQL ``COPY`` loads the large file
into a plain table (goal: our rows/s at least 0.1 of COPY's).

Run it against a throw-away PostgreSQL database whose name contains "bench";
it is created and migrated if needed::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casework_bench_import \\
        .venv/bin/python bench/import.py --rows 1000000 --small 100000
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/casework_bench_import")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

MEMORY_GOAL = 1.2  # peak RSS at the large size / at the small size
COPY_GOAL = 0.1  # our rows/s / COPY rows/s
ENTERPRISES = 5
HEADER = "enterprise_uscc,id_number,name,job,is_team_leader,special_ops,hired_on\n"


def peak_rss_mib() -> float:
    """This process's RSS high-water mark (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def setup_django() -> None:
    import django

    django.setup()


def enterprises_create() -> list[str]:
    from stdnum.cn import uscc

    from casework.models import Enterprise

    codes = []
    for n in range(1, ENTERPRISES + 1):
        body = f"91450103{n:09d}"
        code = body + uscc.calc_check_digit(body)
        Enterprise.objects.get_or_create(
            uscc=code,
            defaults={
                "name": f"基准企业{n}",
                "sector": "hazardous_chemicals",
                "jurisdiction_id": "450103",
            },
        )
        codes.append(code)
    return codes


def file_write(path: Path, rows: int, usccs: list[str]) -> None:
    """Valid workers: ID numbers unique by birth date and sequence."""
    from stdnum.cn import ric

    start = datetime.date(1990, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for i in range(rows):
            born = (start + datetime.timedelta(days=i // 1000)).strftime("%Y%m%d")
            body = f"450103{born}{i % 1000:03d}"
            id_number = body + ric.calc_check_digit(body + "0")
            out.write(
                f"{usccs[i % len(usccs)]},{id_number},工人{i},operator,"
                f"{'true' if i % 20 == 0 else 'false'},{'electrical' if i % 7 == 0 else ''},"
                "2024-03-01\n"
            )


def child(path: Path) -> None:
    """Import one file and print a JSON line with the figures."""
    setup_django()
    from django.conf import settings

    settings.DEBUG = False  # as in production: no log of every query
    from registry.imports import register_import

    before = peak_rss_mib()

    def progress(phase: str, rows: int) -> None:
        sys.stderr.write(f"  {phase} {rows:,} rows, peak RSS {peak_rss_mib():.1f} MiB\n")

    started = time.perf_counter()
    with path.open("rb") as stream:
        report = register_import(
            kind="workers", stream=stream, actor=None, filename=path.name, progress=progress
        )
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "rows": report.rows,
                "created": report.created,
                "refused": report.refused,
                "imported": report.imported,
                "seconds": seconds,
                "rss_before_mib": before,
                "peak_rss_mib": peak_rss_mib(),
            }
        )
    )


def workers_clear() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE registry_worker CASCADE")
        cursor.execute("VACUUM ANALYZE registry_worker")


def import_in_child(path: Path) -> dict:
    workers_clear()
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def copy_seconds(path: Path) -> float:
    """Load the same file into a plain table with COPY."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_workers")
        cursor.execute(
            "CREATE TABLE bench_copy_workers (enterprise_uscc varchar(18), id_number varchar(18), "
            "name varchar(100), job varchar(100), is_team_leader boolean, special_ops text, "
            "hired_on date)"
        )
    raw = connection.connection
    started = time.perf_counter()
    with raw.cursor() as cursor, path.open("r", encoding="utf-8") as source:
        cursor.copy_expert("COPY bench_copy_workers FROM STDIN WITH (FORMAT csv, HEADER)", source)
    raw.commit()
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy_workers")
    return seconds


def copy_into_workers_seconds(path: Path) -> float:
    """Load the same rows straight into registry_worker with COPY (its indexes and FK).

    This is the raw database doing the import's own work, minus everything the
    import adds (parsing, validation, references, duplicates, the report): the
    file is first rewritten with enterprise ids and JSON lists, outside the timing.
    """
    import csv
    import json

    from django.db import connection

    from casework.models import Enterprise

    ids = dict(Enterprise.objects.values_list("uscc", "pk"))
    resolved = path.with_suffix(".resolved.csv")
    with (
        path.open(encoding="utf-8", newline="") as source,
        resolved.open("w", encoding="utf-8", newline="") as out,
    ):
        writer = csv.writer(out)
        for row in csv.DictReader(source):
            ops = [op for op in row["special_ops"].split(";") if op]
            writer.writerow(
                [
                    ids[row["enterprise_uscc"]],
                    row["id_number"],
                    row["name"],
                    row["job"],
                    row["is_team_leader"],
                    json.dumps(ops),
                    row["hired_on"],
                    "false",
                    "",
                ]
            )
    workers_clear()
    raw = connection.connection
    started = time.perf_counter()
    with raw.cursor() as cursor, resolved.open("r", encoding="utf-8") as source:
        cursor.copy_expert(
            "COPY registry_worker (enterprise_id, id_number, name, job, is_team_leader, "
            "special_ops, hired_on, barred_from_duty, barred_reason) FROM STDIN "
            "WITH (FORMAT csv, FORCE_NOT_NULL (barred_reason))",
            source,
        )
    raw.commit()
    seconds = time.perf_counter() - started
    workers_clear()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    setup_django()
    from bench.common import database_prepare

    database_prepare("bench/import.py")
    usccs = enterprises_create()
    with tempfile.TemporaryDirectory(prefix="casework-bench-import-") as folder:
        small, large = Path(folder, "workers-small.csv"), Path(folder, "workers-large.csv")
        file_write(small, args.small, usccs)
        file_write(large, args.rows, usccs)
        print(
            f"files: {args.small:,} rows ({small.stat().st_size / 2**20:.1f} MiB), "
            f"{args.rows:,} rows ({large.stat().st_size / 2**20:.1f} MiB)"
        )
        figures = {}
        for label, path in (("small", small), ("large", large)):
            figures[label] = result = import_in_child(path)
            assert result["imported"] and result["created"] == result["rows"], result
            print(
                f"import {result['rows']:>9,} rows: {result['seconds']:7.1f} s, "
                f"{result['rows'] / result['seconds']:9,.0f} rows/s, peak RSS "
                f"{result['peak_rss_mib']:.1f} MiB (after Django setup: "
                f"{result['rss_before_mib']:.1f} MiB)"
            )
        copy = copy_seconds(large)
        copy_table = copy_into_workers_seconds(large)
        workers_clear()

    ours = figures["large"]["rows"] / figures["large"]["seconds"]
    copy_rate = args.rows / copy
    memory = figures["large"]["peak_rss_mib"] / figures["small"]["peak_rss_mib"]
    copy_ratio = ours / copy_rate
    print(f"COPY     {args.rows:>9,} rows: {copy:7.1f} s, {copy_rate:9,.0f} rows/s")
    print(
        f"peak RSS large/small: {memory:.3f} (goal at most {MEMORY_GOAL}) "
        f"{'PASS' if memory <= MEMORY_GOAL else 'FAIL'}"
    )
    print(
        f"rows/s import/COPY:   {copy_ratio:.3f} (goal at least {COPY_GOAL}) "
        f"{'PASS' if copy_ratio >= COPY_GOAL else 'FAIL'}"
    )
    table_rate = args.rows / copy_table
    print(
        f"COPY into registry_worker itself (its indexes; FK checked at commit): "
        f"{copy_table:.1f} s, {table_rate:,.0f} rows/s; import/that: {ours / table_rate:.3f}"
    )


if __name__ == "__main__":
    main()
