"""Seed the national calendar (official schedules 2004–2026) and the period rules."""

import csv
import datetime
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "calendar_data"


def seed_calendar(apps, schema_editor):
    from casework.calendar_files import calendar_file_read

    CalendarDay = apps.get_model("casework", "CalendarDay")
    CalendarYear = apps.get_model("casework", "CalendarYear")
    rows = calendar_file_read(DATA / "cn-national.csv")
    now = datetime.datetime.now(datetime.UTC)
    for year in sorted({row.date.year for row in rows}):
        source = next(row.source for row in rows if row.date.year == year)
        CalendarYear.objects.get_or_create(year=year, defaults={"source": source, "loaded_at": now})
    existing = set(
        CalendarDay.objects.filter(jurisdiction__isnull=True).values_list("date", flat=True)
    )
    CalendarDay.objects.bulk_create(
        CalendarDay(date=row.date, kind=row.kind, name=row.name, source=row.source)
        for row in rows
        if row.date not in existing
    )


def seed_rules(apps, schema_editor):
    PeriodRule = apps.get_model("casework", "PeriodRule")
    with (DATA / "period-rules.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            offsets = [int(x) for x in row["reminder_offsets"].split(";") if x.strip()]
            PeriodRule.objects.get_or_create(
                code=row["code"],
                jurisdiction=None,
                effective_from=datetime.date.fromisoformat(row["effective_from"]),
                defaults={
                    "length": int(row["length"]),
                    "unit": row["unit"],
                    "party_facing": row["party_facing"] == "true",
                    "reminder_offsets": offsets,
                    "legal_basis": row["legal_basis"],
                    "source": row["source"],
                    "confidence": row["confidence"],
                },
            )


def seed(apps, schema_editor):
    seed_calendar(apps, schema_editor)
    seed_rules(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_seed_jurisdictions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
