"""Make the audit table append-only on PostgreSQL and create the chain head."""

from django.db import migrations

GENESIS_HASH = "0" * 64

REFUSE_SQL = """
CREATE OR REPLACE FUNCTION casework_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'casework_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER casework_auditevent_append_only
    BEFORE UPDATE OR DELETE ON casework_auditevent
    FOR EACH ROW EXECUTE FUNCTION casework_audit_refuse_change();
"""

ALLOW_SQL = """
DROP TRIGGER IF EXISTS casework_auditevent_append_only ON casework_auditevent;
DROP FUNCTION IF EXISTS casework_audit_refuse_change();
"""


def install_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the SQL's literal "%" must not be read as a placeholder.
        schema_editor.execute(REFUSE_SQL, params=None)


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW_SQL, params=None)


def create_head(apps, schema_editor):
    apps.get_model("casework", "AuditHead").objects.get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS_HASH}
    )


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [
        migrations.RunPython(install_trigger, remove_trigger),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
