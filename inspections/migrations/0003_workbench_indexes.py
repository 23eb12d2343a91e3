"""Indexes for the workbench (inspections/workbench.py); bench/workbench.py measures them.

Staff see their jurisdiction's rows through the enterprise, so PostgreSQL reads
the workbench's lists enterprise by enterprise: each index below answers one
enterprise's part of a list from the index alone.

- ``inspection_enterprise_state``: one enterprise's planned inspections of a day
  or a week, those in progress, the planned and in-progress counts by district;
- ``finding_open``: the open findings only (a small part of all findings), by
  inspection, for the open-findings list, its count and the counts by district
  and by officer.

They are created in SQL, not declared on the models, so that the models stay as
they are; the statements work on SQLite too. On PostgreSQL the seeded
jurisdictions are analysed: below autovacuum's threshold (50 changed rows) the
table would never be, and without statistics the planner takes "path LIKE
'/450100/%'" for one jurisdiction whatever it matches, and reads a city's
every inspection to find its open findings.
"""

from django.db import migrations

INDEXES = {
    "inspection_enterprise_state": (
        "inspections_inspection (enterprise_id, state, planned_on)",
        "",
    ),
    "finding_open": ("inspections_finding (inspection_id)", "WHERE state = 'open'"),
}


def jurisdictions_analyse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE casework_jurisdiction")


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0003_seed_jurisdictions"),
        ("inspections", "0003_rectification_order"),
    ]

    operations = [
        *(
            migrations.RunSQL(
                f"CREATE INDEX {name} ON {table} {condition}".strip(),
                f"DROP INDEX {name}",
            )
            for name, (table, condition) in INDEXES.items()
        ),
        migrations.RunPython(jurisdictions_analyse, migrations.RunPython.noop),
    ]
