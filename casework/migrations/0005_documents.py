"""Enforcement documents, their numbers, service and signatures; the public notice's wait.

On PostgreSQL a served document's row refuses UPDATE, and documents, service
records and signatures refuse DELETE (numbers have no gaps, service is final).
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REFUSE_SQL = """
CREATE OR REPLACE FUNCTION casework_document_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%: % refused (served documents and their records are final)',
        TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER casework_document_served_final
    BEFORE UPDATE ON casework_document
    FOR EACH ROW WHEN (OLD.state = 'served') EXECUTE FUNCTION casework_document_refuse_change();
CREATE TRIGGER casework_document_kept
    BEFORE DELETE ON casework_document
    FOR EACH ROW EXECUTE FUNCTION casework_document_refuse_change();
CREATE TRIGGER casework_servicerecord_final
    BEFORE UPDATE OR DELETE ON casework_servicerecord
    FOR EACH ROW EXECUTE FUNCTION casework_document_refuse_change();
CREATE TRIGGER casework_documentsignature_final
    BEFORE UPDATE OR DELETE ON casework_documentsignature
    FOR EACH ROW EXECUTE FUNCTION casework_document_refuse_change();
"""

ALLOW_SQL = """
DROP TRIGGER IF EXISTS casework_document_served_final ON casework_document;
DROP TRIGGER IF EXISTS casework_document_kept ON casework_document;
DROP TRIGGER IF EXISTS casework_servicerecord_final ON casework_servicerecord;
DROP TRIGGER IF EXISTS casework_documentsignature_final ON casework_documentsignature;
DROP FUNCTION IF EXISTS casework_document_refuse_change();
"""

# 公告送达: deemed served when the period has passed since the notice. 30 days since the
# Civil Procedure Law's 2021 amendment (in force 2022-01-01); 60 days before it.
RULES = [
    {
        "code": "public_notice_wait",
        "effective_from": datetime.date(2021, 7, 15),
        "length": 60,
        "unit": "calendar_days",
        "party_facing": True,
        "reminder_offsets": [],
        "legal_basis": "民事诉讼法（2017年修正）第九十二条；行政处罚法第六十一条",
        "source": "Civil Procedure Law (2017) art. 92 via Admin. Penalty Law art. 61: "
        "deemed served 60 days after the public notice",
        "confidence": "S",
    },
    {
        "code": "public_notice_wait",
        "effective_from": datetime.date(2022, 1, 1),
        "length": 30,
        "unit": "calendar_days",
        "party_facing": True,
        "reminder_offsets": [],
        "legal_basis": "民事诉讼法第九十五条；行政处罚法第六十一条",
        "source": "Civil Procedure Law art. 95 via Admin. Penalty Law art. 61: "
        "deemed served 30 days after the public notice",
        "confidence": "V",
    },
]


def install_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFUSE_SQL, params=None)


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW_SQL, params=None)


def seed(apps, schema_editor):
    PeriodRule = apps.get_model("casework", "PeriodRule")
    for row in RULES:
        fields = dict(row)
        PeriodRule.objects.get_or_create(
            code=fields.pop("code"),
            jurisdiction=None,
            effective_from=fields.pop("effective_from"),
            defaults=fields,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0004_seed_calendar_and_rules'),
    ]

    operations = [
        migrations.CreateModel(
            name='DocumentPrefix',
            fields=[
                ('jurisdiction', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='+', serialize=False, to='casework.jurisdiction', verbose_name='jurisdiction')),
                ('prefix', models.CharField(max_length=20, verbose_name='document number prefix')),
            ],
            options={
                'verbose_name': 'document number prefix',
                'verbose_name_plural': 'document number prefixes',
            },
        ),
        migrations.CreateModel(
            name='Document',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(db_index=True, max_length=40, verbose_name='kind')),
                ('title', models.CharField(max_length=100, verbose_name='title')),
                ('number', models.CharField(max_length=60, unique=True, verbose_name='document number')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('sequence', models.PositiveIntegerField(verbose_name='sequence')),
                ('subject_type', models.CharField(max_length=100, verbose_name='subject type')),
                ('subject_id', models.CharField(max_length=64, verbose_name='subject id')),
                ('layout', models.TextField(verbose_name='rendered layout')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('size', models.PositiveBigIntegerField(verbose_name='size (bytes)')),
                ('issued_on', models.DateField(verbose_name='issued on')),
                ('generated_at', models.DateTimeField(verbose_name='generated at')),
                ('served_at', models.DateTimeField(blank=True, null=True, verbose_name='service recorded at')),
                ('state', models.CharField(choices=[('issued', 'Issued'), ('served', 'Served')], default='issued', max_length=10, verbose_name='state')),
                ('corrects', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='casework.document', verbose_name='corrects')),
                ('enterprise', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='casework.enterprise', verbose_name='enterprise')),
                ('generated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='generated by')),
                ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='casework.jurisdiction', verbose_name='issuing jurisdiction')),
            ],
            options={
                'verbose_name': 'enforcement document',
                'verbose_name_plural': 'enforcement documents',
                'ordering': ['-generated_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='DocumentCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=40, verbose_name='kind')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('last', models.PositiveIntegerField(default=0, verbose_name='last number')),
                ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='casework.jurisdiction', verbose_name='jurisdiction')),
            ],
            options={
                'verbose_name': 'document number counter',
                'verbose_name_plural': 'document number counters',
            },
        ),
        migrations.CreateModel(
            name='DocumentSignature',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('signer', models.CharField(max_length=100, verbose_name='signer')),
                ('signs_sha256', models.CharField(max_length=64, verbose_name='SHA-256 of the signed file')),
                ('image_sha256', models.CharField(max_length=64, verbose_name='signature image SHA-256')),
                ('signed_at', models.DateTimeField(verbose_name='signed at')),
                ('device', models.CharField(blank=True, max_length=200, verbose_name='device')),
                ('final_sha256', models.CharField(max_length=64, verbose_name='SHA-256 of the signed document')),
                ('final_size', models.PositiveBigIntegerField(verbose_name='size (bytes)')),
                ('document', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signatures', to='casework.document', verbose_name='document')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'verbose_name': 'document signature',
                'verbose_name_plural': 'document signatures',
                'ordering': ['signed_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ServiceConsent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('email', 'E-mail'), ('sms', 'Text message'), ('platform', 'Online service platform')], max_length=20, verbose_name='channel')),
                ('address', models.CharField(max_length=200, verbose_name='electronic address')),
                ('signed_on', models.DateField(verbose_name='signed on')),
                ('file_sha256', models.CharField(max_length=64, verbose_name='signed file SHA-256')),
                ('file_size', models.PositiveBigIntegerField(verbose_name='size (bytes)')),
                ('file_content_type', models.CharField(max_length=100, verbose_name='content type')),
                ('recorded_at', models.DateTimeField(verbose_name='recorded at')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='service_consents', to='casework.enterprise', verbose_name='enterprise')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'verbose_name': 'consent to electronic service',
                'verbose_name_plural': 'consents to electronic service',
                'ordering': ['-signed_on', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='ServiceRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('method', models.CharField(choices=[('in_person', 'In person'), ('left_at_premises', 'Left at the premises'), ('post', 'By post'), ('electronic', 'Electronic'), ('public_notice', 'Public notice')], max_length=20, verbose_name='method')),
                ('served_on', models.DateField(verbose_name='served on')),
                ('effective_on', models.DateField(verbose_name='service takes effect on')),
                ('recipient', models.CharField(blank=True, max_length=100, verbose_name='recipient')),
                ('witness', models.CharField(blank=True, max_length=100, verbose_name='witness')),
                ('address', models.CharField(blank=True, max_length=300, verbose_name='address')),
                ('proof_sha256', models.CharField(blank=True, max_length=64, verbose_name='proof SHA-256')),
                ('proof_size', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='proof size (bytes)')),
                ('proof_content_type', models.CharField(blank=True, max_length=100, verbose_name='proof content type')),
                ('recorded_at', models.DateTimeField(verbose_name='recorded at')),
                ('consent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='casework.serviceconsent', verbose_name='consent to electronic service')),
                ('document', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='service', to='casework.document', verbose_name='document')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('rule', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='casework.periodrule', verbose_name='rule version')),
            ],
            options={
                'verbose_name': 'service record',
                'verbose_name_plural': 'service records',
            },
        ),
        migrations.AddIndex(
            model_name='document',
            index=models.Index(fields=['subject_type', 'subject_id'], name='document_subject'),
        ),
        migrations.AddConstraint(
            model_name='document',
            constraint=models.UniqueConstraint(fields=('jurisdiction', 'kind', 'year', 'sequence'), name='document_sequence_unique'),
        ),
        migrations.AddConstraint(
            model_name='documentcounter',
            constraint=models.UniqueConstraint(fields=('jurisdiction', 'kind', 'year'), name='documentcounter_unique'),
        ),
        migrations.RunPython(install_triggers, remove_triggers),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
