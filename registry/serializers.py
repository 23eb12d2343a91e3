"""How register rows look over the API; the writes are validated by ``registry.services``."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.identifiers import mask_id_number
from casework.models import Enterprise
from registry.imports import IMPORT_KINDS
from registry.models import (
    Certificate,
    SkillCertificate,
    SpecialOpsCategory,
    Trainer,
    Training,
    Worker,
)
from registry.services import (
    REGISTERS,
    parse_bool,
    parse_date,
    parse_hours,
    parse_special_ops,
)


class IdNumberField(serializers.CharField):
    """A resident ID number, masked unless the view says the caller may see it in full."""

    def to_representation(self, value):
        if self.context.get("full_id_number"):
            return value
        return mask_id_number(value)


class EnterpriseSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction_id", read_only=True)
    # Codes for programs, labels for people (in the caller's language).
    sector_label = serializers.CharField(source="get_sector_display", read_only=True)
    jurisdiction_label = serializers.CharField(source="jurisdiction.name", read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "uscc",
            "name",
            "sector",
            "sector_label",
            "jurisdiction",
            "jurisdiction_label",
            "address",
            "legal_representative",
            "contact_phone",
        ]
        read_only_fields = fields


class WorkerSerializer(serializers.ModelSerializer):
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    id_number = IdNumberField(read_only=True)
    special_ops_labels = serializers.SerializerMethodField()

    class Meta:
        model = Worker
        fields = [
            "id",
            "enterprise_uscc",
            "enterprise_name",
            "id_number",
            "name",
            "job",
            "is_team_leader",
            "special_ops",
            "special_ops_labels",
            "hired_on",
            "barred_from_duty",
            "barred_reason",
            "barred_since",
        ]
        read_only_fields = fields

    def get_special_ops_labels(self, worker) -> list[str]:
        return [_category_label(code) for code in worker.special_ops]


def _category_label(code: str) -> str:
    try:
        return str(SpecialOpsCategory(code).label)
    except ValueError:
        return code


class CertificateSerializer(serializers.ModelSerializer):
    id_number = IdNumberField(read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = Certificate
        fields = ["id", "id_number", "category", "category_label", "number", "issued_on"]
        fields += ["valid_until"]
        fields += ["review_due_on"]
        read_only_fields = fields


class TrainingSerializer(serializers.ModelSerializer):
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    id_number = IdNumberField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Training
        fields = [
            "id",
            "enterprise_uscc",
            "id_number",
            "kind",
            "kind_label",
            "job",
            "course",
            "hours",
            "theory_passed",
            "practical_passed",
            "assessed_on",
        ]
        read_only_fields = fields


class TrainerSerializer(serializers.ModelSerializer):
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    id_number = IdNumberField(read_only=True)

    class Meta:
        model = Trainer
        fields = ["id", "enterprise_uscc", "id_number", "job"]
        read_only_fields = fields


class SkillCertificateSerializer(serializers.ModelSerializer):
    id_number = IdNumberField(read_only=True)

    class Meta:
        model = SkillCertificate
        fields = ["id", "id_number", "occupation", "level", "number", "issued_on"]
        read_only_fields = fields


def _schema_field(column) -> serializers.Field:
    """A documentation-only field for a register column (validation is the service's)."""
    options = {"required": column.required}
    if column.parse is parse_bool:
        return serializers.BooleanField(**options)
    if column.parse is parse_date:
        return serializers.DateField(**options, allow_null=not column.required)
    if column.parse is parse_hours:
        return serializers.DecimalField(max_digits=6, decimal_places=1, **options)
    if column.parse is parse_special_ops:
        return serializers.ListField(
            child=serializers.ChoiceField(choices=SpecialOpsCategory.choices), **options
        )
    return serializers.CharField(**options, allow_blank=not column.required)


def input_serializer(kind: str) -> type[serializers.Serializer]:
    """The request body of a create or update of ``kind``: the columns of its register."""
    register = REGISTERS[kind]
    fields = {column.name: _schema_field(column) for column in register.columns}
    name = "".join(part.title() for part in kind.split("_")) + "Input"
    return type(name, (serializers.Serializer,), fields)


class ImportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IMPORT_KINDS, label=_("Register"))
    file = serializers.FileField(label=_("CSV file"))
    valid_only = serializers.BooleanField(
        default=False, label=_("Import the valid rows only (default: all or nothing)")
    )
    encoding = serializers.ChoiceField(
        choices=["auto", "utf-8", "gbk"], default="auto", label=_("Encoding")
    )


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField(allow_null=True)
    header = serializers.CharField(
        allow_null=True, help_text=_("The column as the file's header row named it.")
    )
    reason = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    encoding = serializers.CharField()
    sha256 = serializers.CharField()
    valid_only = serializers.BooleanField()
    imported = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    refused = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)
    errors_truncated = serializers.BooleanField()
