"""REST endpoints for rectification orders: list, detail, issue, transitions, timeline, files.

An order is issued by disposing findings as order and penalty (POST here does
exactly that, through the findings' own ``dispose``); its life goes through the
uniform transitions. The enterprise uploads the files of its answer to the
order, then names them in ``report_completion``.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from casework import clock
from casework.api import TransitionsMixin
from casework.dates import validate_real_date
from casework.deadlines import deadlines_for
from casework.documents import documents_for, kind_label
from casework.exceptions import Invalid
from casework.identifiers import mask_id_number
from casework.transitions import transition_perform
from inspections.api import EvidenceSerializer
from inspections.filters import RectificationOrderFilter
from inspections.models import Finding, RectificationOrder
from inspections.orders import order_file_store, working_days_left

MAX_ID = 2**31 - 1  # what every database stores as a row id


class BarredWorkerSerializer(serializers.Serializer):
    finding = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()
    job = serializers.CharField()
    barred = serializers.SerializerMethodField()

    def get_name(self, finding) -> str:
        if finding.worker_id:
            return finding.worker.name
        return next((check.name for check in finding.checks.all() if check.name), "")

    def get_id_number(self, finding) -> str:
        return mask_id_number(finding.id_number)

    def get_barred(self, finding) -> bool:
        """Still barred from duty (a person outside the register stays so until verified)."""
        if finding.worker_id:
            return finding.worker.barred_from_duty
        return finding.rectification_order.state != RectificationOrder.State.VERIFIED


class OrderDeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    due_date = serializers.DateField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    party_facing = serializers.BooleanField()
    provisional = serializers.BooleanField()
    suspended_on = serializers.DateField(allow_null=True)


class OrderDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.SerializerMethodField()
    number = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    sha256 = serializers.CharField()
    file = serializers.SerializerMethodField()
    signed_file = serializers.SerializerMethodField(
        help_text=_("The file with the signatures placed on screen, once there is one.")
    )

    def get_kind_label(self, document) -> str:
        return kind_label(document.kind)

    def get_file(self, document) -> str:
        return f"/api/v1/documents/{document.pk}/file/"

    def get_signed_file(self, document) -> str | None:
        if not document.signatures.all():  # prefetched where lists are shown
            return None
        return f"/api/v1/documents/{document.pk}/signed-file/"


class RectificationOrderSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    service_method = serializers.ChoiceField(
        choices=RectificationOrder.ServiceMethod.choices, allow_blank=True, read_only=True
    )
    service_method_label = serializers.CharField(
        source="get_service_method_display", read_only=True
    )
    findings = serializers.SerializerMethodField()
    barred_workers = serializers.SerializerMethodField()
    working_days_left = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    reinspection_officers = serializers.SlugRelatedField(
        slug_field="username", many=True, read_only=True
    )
    completion_files = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = RectificationOrder
        fields = [
            "id",
            "inspection",
            "enterprise",
            "enterprise_name",
            "state",
            "state_label",
            "version",
            "due_date",
            "original_due_date",
            "working_days_left",
            "issued_at",
            "served_on",
            "service_method",
            "service_method_label",
            "service_recipient",
            "service_witness",
            "extension_requested_due_date",
            "extension_reason",
            "extension_requested_at",
            "extension_granted",
            "extension_decision_reason",
            "completion_summary",
            "completion_reported_at",
            "completion_files",
            "rectified",
            "reinspected_at",
            "reinspection_officers",
            "reinspection_notes",
            "escalation_owed",
            "closed_at",
            "withdrawn_at",
            "withdraw_reason",
            "findings",
            "barred_workers",
            "deadlines",
            "documents",
        ]
        read_only_fields = fields

    def _findings(self, order) -> list[Finding]:
        return sorted(order.findings.all(), key=lambda f: f.pk)

    def get_findings(self, order) -> list[int]:
        return [f.pk for f in self._findings(order)]

    @extend_schema_field(BarredWorkerSerializer(many=True))
    def get_barred_workers(self, order):
        workers = [f for f in self._findings(order) if f.level == Finding.Level.WORKER]
        return BarredWorkerSerializer(workers, many=True).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_working_days_left(self, order):
        """Working days from today to the due date (negative once passed); null when closed."""
        if order.state not in (
            RectificationOrder.State.ISSUED,
            RectificationOrder.State.IN_RECTIFICATION,
            RectificationOrder.State.EXTENSION_REQUESTED,
        ):
            return None
        return working_days_left(order.enterprise, clock.today(), order.due_date)

    @extend_schema_field(OrderDocumentSerializer(many=True))
    def get_documents(self, order):
        documents = documents_for(subject=order).prefetch_related("signatures").order_by("pk")
        return OrderDocumentSerializer(documents, many=True).data

    @extend_schema_field(OrderDeadlineSerializer(many=True))
    def get_deadlines(self, order):
        return OrderDeadlineSerializer(
            deadlines_for(subject=order).order_by("created_at", "pk"), many=True
        ).data


class RectificationOrderCreate(serializers.Serializer):
    findings = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        label=_("Findings"),
        help_text=_("Open findings of one inspection the order covers."),
        min_length=1,
    )
    due_date = serializers.DateField(label=_("Due date"), validators=[validate_real_date])
    version = serializers.IntegerField(
        required=False, help_text=_("Not used."), write_only=True, min_value=0, max_value=MAX_ID
    )


class OrderFileUpload(serializers.Serializer):
    file = serializers.FileField(label=_("File"))
    description = serializers.CharField(
        label=_("Description"), required=False, allow_blank=True, max_length=300
    )


class RectificationOrderViewSet(
    TransitionsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Rectification orders the caller may see; POST issues one for open findings."""

    serializer_class = RectificationOrderSerializer
    filterset_class = RectificationOrderFilter

    def get_queryset(self):
        return (
            RectificationOrder.objects.visible_to(self.request.user)
            .select_related("enterprise__jurisdiction")
            .prefetch_related(
                "findings__worker",
                "findings__checks",
                "findings__rectification_order",
                "reinspection_officers",
                "completion_files",
            )
        )

    def get_serializer_class(self):
        if self.action == "create":
            return RectificationOrderCreate
        return RectificationOrderSerializer

    @extend_schema(request=RectificationOrderCreate, responses={201: RectificationOrderSerializer})
    def create(self, request, *args, **kwargs):
        given = RectificationOrderCreate(data=request.data)
        given.is_valid(raise_exception=True)
        wanted = list(dict.fromkeys(given.validated_data["findings"]))
        visible = Finding.objects.visible_to(request.user)
        found = list(visible.filter(pk__in=wanted).values_list("pk", "inspection_id"))
        if len(found) != len(wanted):
            raise Invalid({"findings": [str(_("No such finding."))]})
        if len({inspection for _pk, inspection in found}) > 1:
            raise Invalid({"findings": [str(_("An order covers findings of one inspection."))]})
        due_date = given.validated_data["due_date"].isoformat()
        with transaction.atomic():
            for pk in wanted:
                finding = transition_perform(
                    queryset=visible,
                    pk=pk,
                    name="dispose",
                    actor=request.user,
                    data={
                        "disposition": Finding.Disposition.ORDER_AND_PENALTY,
                        "due_date": due_date,
                    },
                )
        order = self.get_queryset().get(pk=finding.rectification_order_id)
        return Response(RectificationOrderSerializer(order).data, status=201)

    @extend_schema(methods=["GET"], request=None, responses=EvidenceSerializer(many=True))
    @extend_schema(methods=["POST"], request=OrderFileUpload, responses={201: EvidenceSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
    )
    def files(self, request, pk=None):
        """The files sent with the enterprise's answer; POST (multipart) adds one."""
        order = self.get_object()
        if request.method == "GET":
            files = order.files.select_related("uploaded_by")
            return Response(EvidenceSerializer(files, many=True).data)
        given = OrderFileUpload(data=request.data)
        given.is_valid(raise_exception=True)
        evidence = order_file_store(
            order=order,
            actor=request.user,
            uploaded_file=given.validated_data["file"],
            description=given.validated_data.get("description", ""),
        )
        return Response(EvidenceSerializer(evidence).data, status=201)
