"""The workers barred from duty, by enterprise: the workbench's list and its count.

A barred worker is rare (thousands in a register of a million): without the
index PostgreSQL reads every worker of each visible enterprise to find them.
Created in SQL, not declared on the model, so that the model stays as it is; the
statement works on SQLite too.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX worker_barred ON registry_worker (enterprise_id) WHERE barred_from_duty",
            "DROP INDEX worker_barred",
        )
    ]
