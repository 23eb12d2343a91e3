"""REST endpoints for inspections, their worker checks, findings and evidence.

Views only translate between HTTP and the services; resident ID numbers leave
the API masked.
"""

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from casework import clock
from casework.api import TransitionsMixin
from casework.dates import validate_real_date
from casework.exceptions import Invalid
from casework.identifiers import mask_id_number
from casework.links import link_of
from casework.models import Enterprise
from inspections import evidence as evidence_files
from inspections.filters import InspectionFilter
from inspections.models import Evidence, Finding, Inspection, WorkerCheck
from inspections.payloads import officers_resolve
from inspections.services import (
    evidence_store,
    inspection_create,
    inspection_may_plan,
    worker_check_record,
)
from registry.disclosure import disclose_reasons
from registry.events import person_looked_up
from registry.lookups import Lookup
from registry.models import SpecialOpsCategory


class InspectionSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    officers = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    # Codes for programs, labels for people (in the caller's language).
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "planned_on",
            "officers",
            "state",
            "state_label",
            "version",
            "created_at",
            "started_at",
            "recorded_at",
            "signed_by",
            "signature_refused",
            "refusal_reason",
            "closed_at",
            "cancelled_at",
            "cancel_reason",
        ]
        read_only_fields = fields


class InspectionCreateSerializer(serializers.Serializer):
    enterprise = serializers.CharField(label=_("Enterprise (USCC)"), max_length=18)
    planned_on = serializers.DateField(label=_("Planned on"), validators=[validate_real_date])
    officers = serializers.ListField(child=serializers.CharField(), label=_("Officers"))

    def validate_enterprise(self, uscc):
        enterprise = Enterprise.objects.visible_to(self.context["request"].user)
        enterprise = enterprise.select_related("jurisdiction").filter(uscc=uscc).first()
        if enterprise is None:
            raise serializers.ValidationError(
                _("No enterprise with this USCC in your jurisdiction.")
            )
        return enterprise

    def validate(self, attrs):
        try:
            attrs["officers"] = officers_resolve(
                usernames=attrs["officers"],
                enterprise=attrs["enterprise"],
                on=None,
                caller=self.context["request"].user,
            )
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"officers": exc.detail}) from None
        return attrs


class WorkerCheckInput(serializers.Serializer):
    # The service validates the ID number, the job and the categories, after
    # checking who may check and when: a refused caller learns nothing more.
    id_number = serializers.CharField(label=_("Resident ID number"))
    job = serializers.CharField(label=_("Job"), max_length=100)
    special_ops = serializers.ListField(
        child=serializers.CharField(),
        label=_("Special-operations categories"),
        help_text=_("Catalogue codes: %(codes)s.")
        % {"codes": ", ".join(SpecialOpsCategory.values)},
        required=False,
        default=list,
    )
    is_team_leader = serializers.BooleanField(
        label=_("Team leader"), required=False, allow_null=True, default=None
    )
    name = serializers.CharField(
        label=_("Name"),
        help_text=_("The person's name, when not in the worker register."),
        required=False,
        allow_blank=True,
        max_length=100,
    )


class WorkerCheckSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    checked_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    finding = serializers.SerializerMethodField()

    class Meta:
        model = WorkerCheck
        fields = [
            "id",
            "inspection",
            "id_number",
            "name",
            "worker",
            "job",
            "special_ops",
            "is_team_leader",
            "checked_on",
            "checked_at",
            "checked_by",
            "qualified",
            "reasons",
            "finding",
        ]
        read_only_fields = fields

    def get_id_number(self, check) -> str:
        return mask_id_number(check.id_number)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_finding(self, check):
        return check.finding_id


def _as_seen_by(user, inspection: Inspection, checks) -> list[dict]:
    """Worker checks of ``inspection`` (which ``user`` may see), their rows as ``user`` may.

    The register rows of one page are disclosed together: one query per register.
    """
    data = WorkerCheckSerializer(checks, many=True).data
    reasons = [reason for check in data for reason in check["reasons"]]
    shown = iter(disclose_reasons(user, reasons, known_enterprise=inspection.enterprise_id))
    for check in data:
        check["reasons"] = [next(shown) for _reason in check["reasons"]]
    return data


class EvidenceSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    file = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "inspection",
            "finding",
            "sha256",
            "size",
            "content_type",
            "original_name",
            "description",
            "metadata",
            "uploaded_by",
            "uploaded_at",
            "file",
        ]
        read_only_fields = fields

    def get_file(self, evidence) -> str:
        return reverse("evidence-file", args=[evidence.pk])


class EvidenceUpload(serializers.Serializer):
    file = serializers.FileField(label=_("File"))
    finding = serializers.IntegerField(
        label=_("Finding"),
        help_text=_("The finding of this inspection the file supports, if any."),
        required=False,
        allow_null=True,
    )
    description = serializers.CharField(
        label=_("Description"), required=False, allow_blank=True, max_length=300
    )


class InspectionViewSet(TransitionsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections the caller may see; plan one with POST."""

    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    def get_queryset(self):
        return (
            Inspection.objects.visible_to(self.request.user)
            .select_related("enterprise")
            .prefetch_related("officers")
        )

    def get_serializer_class(self):
        return InspectionCreateSerializer if self.action == "create" else InspectionSerializer

    def create(self, request, *args, **kwargs):
        inspection_may_plan(request.user)
        given = InspectionCreateSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        inspection = inspection_create(actor=request.user, **given.validated_data)
        inspection = self.get_queryset().get(pk=inspection.pk)
        return Response(InspectionSerializer(inspection).data, status=201)

    @extend_schema(methods=["GET"], request=None, responses=WorkerCheckSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=WorkerCheckInput, responses={201: WorkerCheckSerializer}
    )
    @action(detail=True, methods=["get", "post"], url_path="worker-checks", pagination_class=None)
    def worker_checks(self, request, pk=None):
        """List the inspection's worker checks; POST checks one worker on site."""
        inspection = self.get_object()
        if request.method == "GET":
            checks = inspection.worker_checks.select_related("checked_by", "finding")
            return Response(_as_seen_by(request.user, inspection, checks))
        given = WorkerCheckInput(data=request.data)
        given.is_valid(raise_exception=True)
        check = worker_check_record(
            inspection=inspection, actor=request.user, **given.validated_data
        )
        return Response(_as_seen_by(request.user, inspection, [check])[0], status=201)

    @extend_schema(methods=["GET"], request=None, responses=EvidenceSerializer(many=True))
    @extend_schema(methods=["POST"], request=EvidenceUpload, responses={201: EvidenceSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
    )
    def evidence(self, request, pk=None):
        """List the inspection's evidence; POST (multipart) adds a file."""
        inspection = self.get_object()
        if request.method == "GET":
            files = inspection.evidence.select_related("uploaded_by")
            return Response(EvidenceSerializer(files, many=True).data)
        given = EvidenceUpload(data=request.data)
        given.is_valid(raise_exception=True)
        finding = None
        if given.validated_data.get("finding") is not None:
            visible = Finding.objects.visible_to(request.user)
            finding = visible.filter(pk=given.validated_data["finding"]).first()
            if finding is None:
                raise Invalid({"finding": [str(_("No such finding."))]})
        evidence = evidence_store(
            inspection=inspection,
            actor=request.user,
            uploaded_file=given.validated_data["file"],
            finding=finding,
            description=given.validated_data.get("description", ""),
        )
        return Response(EvidenceSerializer(evidence).data, status=201)


class FindingSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    # Filled by a disposition of order_and_penalty: the case the penalties app
    # opened with it (casework.links; null where none was opened).
    rectification_order = serializers.SerializerMethodField()
    penalty_case = serializers.SerializerMethodField()
    proposed_due_date = serializers.SerializerMethodField(
        help_text=_(
            "For an open finding: the rectification due date a form proposes if the "
            "order is served today (the officer may fix another within the longest period)."
        )
    )
    reason_labels = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("The reasons, as a person reads them."),
    )
    # Empty while the finding is open (DRF drops allow_blank from read-only fields).
    disposition = serializers.ChoiceField(
        choices=Finding.Disposition.choices, allow_blank=True, read_only=True
    )
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    disposition_label = serializers.CharField(source="get_disposition_display", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "level",
            "level_label",
            "worker",
            "id_number",
            "name",
            "job",
            "reason_codes",
            "reason_labels",
            "legal_basis",
            "description",
            "state",
            "state_label",
            "version",
            "disposition",
            "disposition_label",
            "due_date",
            "transfer_to",
            "disposition_note",
            "disposed_at",
            "created_at",
            "rectification_order",
            "penalty_case",
            "proposed_due_date",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_id_number(self, finding):
        return mask_id_number(finding.id_number) if finding.id_number else None

    def get_name(self, finding) -> str:
        first = min(finding.checks.all(), key=lambda check: check.pk, default=None)
        return first.name if first else ""

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_rectification_order(self, finding):
        return finding.rectification_order_id

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_proposed_due_date(self, finding):
        from inspections.orders import due_date_proposed

        if finding.state != Finding.State.OPEN:
            return None
        return due_date_proposed(
            enterprise=finding.inspection.enterprise, served_on=clock.today()
        ).isoformat()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_penalty_case(self, finding):
        return link_of("penalty_case", finding)


class FindingViewSet(TransitionsMixin, viewsets.ReadOnlyModelViewSet):
    """Findings the caller may see; disposed of through the uniform transitions."""

    serializer_class = FindingSerializer
    filterset_fields = ["inspection", "state", "level"]

    def get_queryset(self):
        return (
            Finding.objects.visible_to(self.request.user)
            .select_related("inspection__enterprise__jurisdiction")
            .prefetch_related("checks")
        )


class ServeAnyType(BaseContentNegotiation):
    """Answer file downloads whatever the client accepts; errors stay JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class EvidenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Evidence files the caller may see (by the inspection); never deleted."""

    serializer_class = EvidenceSerializer
    filterset_fields = ["inspection", "finding", "sha256"]

    def get_queryset(self):
        return Evidence.objects.visible_to(self.request.user).select_related("uploaded_by")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], content_negotiation_class=ServeAnyType)
    def file(self, request, pk=None):
        """Download the stored bytes, as detected on upload.

        Written to the audit trail as a lookup, for the evidence's inspection: of
        the worker when the file belongs to a finding about one, else of no one.
        """
        evidence = self.get_object()
        stored = open(evidence_files.evidence_path(evidence.sha256), "rb")
        try:
            about = Evidence.objects.select_related("finding", "inspection__enterprise").get(
                pk=evidence.pk
            )
            finding = about.finding
            of_worker = finding is not None and finding.level == Finding.Level.WORKER
            person_looked_up(
                actor=request.user,
                lookup=Lookup.EVIDENCE_DOWNLOAD,
                id_number=finding.id_number if of_worker else "",
                enterprise=about.inspection.enterprise,
                purpose="",
                inspection=about.inspection_id,
                evidence=about.pk,
            )
        except BaseException:
            stored.close()
            raise
        response = FileResponse(
            stored,
            content_type=evidence.content_type,
            as_attachment=True,
            filename=evidence_files.download_name(
                evidence.original_name, evidence.content_type, evidence.sha256
            ),
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
