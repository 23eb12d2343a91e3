"""REST endpoints of enforcement documents: list, detail with its service, the PDFs, signing.

Only what the caller may see: staff their jurisdiction and below, an enterprise
user its own enterprise's documents. Anything else answers 404 exactly as an id
that does not exist, the files included.

A signature drawn on screen (``POST …/signatures/``) is recorded by staff: the
party signs on the officer's device and the officer records it, so an
enterprise user, who sees the document, is answered 403 and may not put a name
on it in anyone's place. ``…/signed-file/`` is the latest signed PDF.
"""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiTypes, extend_schema, extend_schema_field
from PIL import Image
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from casework import documents, filestore
from casework.exceptions import Forbidden
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


# Far more than a phone's or a tablet's canvas (4000 × 4000): a larger "drawing" is
# refused before it is decoded, so that no upload makes the server decode a giant.
MAX_SIGNATURE_PIXELS = 16_000_000


class SignatureInput(serializers.Serializer):
    image = serializers.FileField(
        label=_("Signature image"), help_text=_("The signature drawn on screen, PNG or JPEG.")
    )
    signer = serializers.CharField(label=_("Signer"), max_length=100)
    signs_sha256 = serializers.RegexField(
        r"^[0-9a-fA-F]{64}$",
        label=_("SHA-256 of the signed file"),
        help_text=_(
            "The hash of the file the signer was shown: the document's latest "
            "(its last signature's final_sha256, else its sha256)."
        ),
    )
    device = serializers.CharField(
        label=_("Device"), required=False, allow_blank=True, max_length=200
    )

    def validate_image(self, image):
        """Refuse, from its header alone, a picture far larger than any screen's drawing."""
        try:
            image.seek(0)
            with Image.open(image) as picture:
                pixels = picture.width * picture.height
        except Exception:  # not an image: document_sign names the field and why
            return image
        finally:
            image.seek(0)
        if pixels > MAX_SIGNATURE_PIXELS:
            raise serializers.ValidationError(
                _("The signature image is too large: at most %(n)d pixels.")
                % {"n": MAX_SIGNATURE_PIXELS}
            )
        return image


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
        return _pdf_download(document.sha256, documents.document_download_name(document))

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (404, "application/json"): OpenApiTypes.OBJECT,
        }
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="signed-file",
        content_negotiation_class=ServeAnyType,
    )
    def signed_file(self, request, pk=None):
        """The latest signed PDF (its SHA-256 is the last signature's ``final_sha256``).

        404 while the document has no signature (its file is then ``…/file/``).
        """
        document = self.get_object()
        last = document.signatures.order_by("-signed_at", "-pk").first()
        if last is None:
            raise NotFound(_("The document has no signature yet."))
        name = filestore.download_name(
            f"{document.number}（签名）", "application/pdf", last.final_sha256
        )
        return _pdf_download(last.final_sha256, name)

    @extend_schema(
        request={"multipart/form-data": SignatureInput},
        responses={
            201: SignatureSerializer,
            400: OpenApiTypes.OBJECT,
            403: OpenApiTypes.OBJECT,
            409: OpenApiTypes.OBJECT,
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def signatures(self, request, pk=None):
        """Place a signature drawn on screen on the document (staff only).

        ``signs_sha256`` must be the hash of the document's latest file, else
        409 (it changed since it was shown: show it again). The signed PDF is a
        new file; ``…/signed-file/`` serves it.
        """
        document = self.get_object()
        if not request.user.is_staff_role:
            raise Forbidden(
                _("A signature is recorded by the officer on whose device the party signs.")
            )
        given = SignatureInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        signature = documents.document_sign(
            document=document,
            image=data["image"],
            signer=data["signer"],
            signs_sha256=data["signs_sha256"].lower(),
            device=data.get("device", ""),
            actor=request.user,
        )
        return Response(SignatureSerializer(signature).data, status=201)


def _pdf_download(sha256: str, filename: str) -> FileResponse:
    stored = open(filestore.file_path(sha256), "rb")  # FileResponse closes it
    response = FileResponse(
        stored, content_type="application/pdf", as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
