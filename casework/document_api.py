"""REST endpoints of enforcement documents: list, detail with its service, the PDF.

Only what the caller may see: staff their jurisdiction and below, an enterprise
user its own enterprise's documents. Anything else answers 404 exactly as an id
that does not exist, the file included.
"""

from django.http import FileResponse
from drf_spectacular.utils import OpenApiTypes, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation

from casework import documents, filestore
from casework.filters import ScopedFilterSet
from casework.models import Document, DocumentSignature, ServiceRecord


class ServiceSerializer(serializers.ModelSerializer):
    method_label = serializers.CharField(source="get_method_display", read_only=True)
    has_proof = serializers.SerializerMethodField()
    proof_sha256 = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRecord
        fields = [
            "method",
            "method_label",
            "served_on",
            "effective_on",
            "recipient",
            "witness",
            "address",
            "has_proof",
            "proof_sha256",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_has_proof(self, record) -> bool:
        return bool(record.proof_sha256)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_proof_sha256(self, record):
        return record.proof_sha256 or None


class SignatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentSignature
        fields = ["signer", "signed_at", "device", "signs_sha256", "image_sha256", "final_sha256"]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    jurisdiction = serializers.CharField(source="jurisdiction_id", read_only=True)
    enterprise = serializers.CharField(source="enterprise.uscc", default=None, read_only=True)
    corrects = serializers.CharField(source="corrects.number", default=None, read_only=True)
    service = serializers.SerializerMethodField()
    signatures = SignatureSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "kind_label",
            "number",
            "title",
            "year",
            "sequence",
            "jurisdiction",
            "enterprise",
            "subject_type",
            "subject_id",
            "sha256",
            "size",
            "issued_on",
            "generated_at",
            "state",
            "state_label",
            "served_at",
            "corrects",
            "service",
            "signatures",
        ]
        read_only_fields = fields

    def get_kind_label(self, document) -> str:
        return documents.kind_label(document.kind)

    @extend_schema_field(ServiceSerializer(allow_null=True))
    def get_service(self, document):
        record = getattr(document, "service", None)
        return ServiceSerializer(record).data if record is not None else None


class DocumentFilter(ScopedFilterSet):
    class Meta:
        model = Document
        fields = ["kind", "state", "year", "subject_type", "subject_id"]


class ServeAnyType(BaseContentNegotiation):
    """Answer a download whatever the client accepts; errors stay JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Enforcement documents the caller may see, newest first."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter

    def get_queryset(self):
        return (
            Document.objects.visible_to(self.request.user)
            .select_related("enterprise", "corrects", "service")
            .prefetch_related("signatures")
            .order_by("-generated_at", "-pk")
        )

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], content_negotiation_class=ServeAnyType)
    def file(self, request, pk=None):
        """The document's PDF as stored (its SHA-256 is the document's ``sha256``)."""
        document = self.get_object()
        stored = open(filestore.file_path(document.sha256), "rb")  # FileResponse closes it
        response = FileResponse(
            stored,
            content_type="application/pdf",
            as_attachment=True,
            filename=documents.document_download_name(document),
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
