"""REST endpoints for the registers and their import."""

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.exceptions import Invalid
from casework.models import Enterprise
from registry.events import person_looked_up
from registry.imports import register_import
from registry.lookups import Lookup, LookupPurpose, purpose_of
from registry.models import Certificate, SkillCertificate, Trainer, Training, Worker
from registry.serializers import (
    CertificateSerializer,
    EnterpriseSerializer,
    ImportReportSerializer,
    ImportRequestSerializer,
    SkillCertificateSerializer,
    TrainerSerializer,
    TrainingSerializer,
    WorkerSerializer,
    input_serializer,
)
from registry.services import record_create, record_update

# The API answers with at most this many row errors (and the total count).
MAX_REPORTED_ERRORS = 1000


def _body(request) -> dict:
    if isinstance(request.data, QueryDict):
        return request.data.dict()
    if not isinstance(request.data, dict):
        raise Invalid(str(_("The body must be a JSON object of the register's columns.")))
    return request.data


class RegisterViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Rows of one register that the caller may see; staff of the jurisdiction write.

    Writes take the columns of the register's import file (docs/import.md) and are
    validated by the same rules.
    """

    kind: str
    model: type
    related: tuple[str, ...] = ()

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user)
        return queryset.select_related(*self.related).order_by("pk")

    def create(self, request, *args, **kwargs):
        instance = record_create(kind=self.kind, actor=request.user, data=_body(request))
        instance = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = record_update(
            kind=self.kind, actor=request.user, instance=self.get_object(), data=_body(request)
        )
        instance = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_serializer(instance).data)


def _documented(viewset: type[RegisterViewSet]) -> type[RegisterViewSet]:
    """Describe the request bodies of a register's writes in the OpenAPI schema.

    ``extend_schema_view`` wraps the inherited methods for this class alone
    (annotating ``RegisterViewSet.create`` itself would let the last register
    decorated describe them all).
    """
    body = input_serializer(viewset.kind)
    write = extend_schema(request=body, responses=viewset.serializer_class)
    return extend_schema_view(create=write, update=write, partial_update=write)(viewset)


@_documented
class EnterpriseViewSet(RegisterViewSet):
    kind, model, related = "enterprises", Enterprise, ("jurisdiction",)
    serializer_class = EnterpriseSerializer
    filterset_fields = ["sector", "jurisdiction", "uscc"]


@_documented
class WorkerViewSet(RegisterViewSet):
    """Workers; the full ID number only on a worker's own page, to staff."""

    kind, model, related = "workers", Worker, ("enterprise",)
    serializer_class = WorkerSerializer
    filterset_fields = ["enterprise", "id_number", "job", "is_team_leader", "barred_from_duty"]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["full_id_number"] = self.action != "list" and self.request.user.is_staff_role
        return context

    @extend_schema(parameters=[LookupPurpose])
    def retrieve(self, request, *args, **kwargs):
        """A worker's page, written to the audit trail as a lookup of the person.

        Give why you look: `inspection` (one you may see), `purpose` (a reason
        in words), both or neither. The list is not a lookup and writes nothing.
        """
        purpose = purpose_of(request, request.query_params)
        worker = self.get_object()
        person_looked_up(
            actor=request.user,
            lookup=Lookup.WORKER_DETAIL,
            id_number=worker.id_number,
            enterprise=worker.enterprise,
            worker=worker.pk,
            **purpose,
        )
        return Response(self.get_serializer(worker).data)


@_documented
class CertificateViewSet(RegisterViewSet):
    kind, model = "certificates", Certificate
    serializer_class = CertificateSerializer
    filterset_fields = ["id_number", "category", "number"]


@_documented
class TrainingViewSet(RegisterViewSet):
    kind, model, related = "trainings", Training, ("enterprise",)
    serializer_class = TrainingSerializer
    filterset_fields = ["enterprise", "id_number", "kind", "job"]


@_documented
class TrainerViewSet(RegisterViewSet):
    kind, model, related = "trainers", Trainer, ("enterprise",)
    serializer_class = TrainerSerializer
    filterset_fields = ["enterprise", "id_number", "job"]


@_documented
class SkillCertificateViewSet(RegisterViewSet):
    kind, model = "skill_certificates", SkillCertificate
    serializer_class = SkillCertificateSerializer
    filterset_fields = ["id_number", "occupation", "level"]


# A 400 is the report of a refused file, or field errors when the request itself
# is wrong (no file, an unknown kind): either, not one of exactly one.
IMPORT_REFUSED = {
    "anyOf": [
        {"$ref": "#/components/schemas/ImportReport"},
        {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    ]
}


class ImportView(APIView):
    """Import a register file (CSV) and answer with its row-level report.

    200 when the import did what was asked; 400 with the same report when the
    file was refused (nothing was imported).
    """

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request=ImportRequestSerializer,
        responses={200: ImportReportSerializer, 400: IMPORT_REFUSED},
    )
    def post(self, request):
        given = ImportRequestSerializer(data=request.data)
        if not given.is_valid():
            raise Invalid(given.errors)
        upload = given.validated_data["file"]
        report = register_import(
            kind=given.validated_data["kind"],
            stream=upload,
            actor=request.user,
            valid_only=given.validated_data["valid_only"],
            encoding=given.validated_data["encoding"],
            filename=upload.name,
            channel="api",
            max_errors=MAX_REPORTED_ERRORS,
        )
        return Response(
            report.as_dict(),
            status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST,
        )
