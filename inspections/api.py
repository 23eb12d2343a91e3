"""REST endpoints for inspections."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from casework.api import TransitionsMixin
from inspections.models import Inspection
from inspections.payloads import officers_resolve
from inspections.services import inspection_create
from registry.models import Enterprise


class InspectionSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    officers = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "planned_on",
            "officers",
            "state",
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
    planned_on = serializers.DateField(label=_("Planned on"))
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
                usernames=attrs["officers"], enterprise=attrs["enterprise"], on=None
            )
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"officers": exc.detail}) from None
        return attrs


class InspectionViewSet(TransitionsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections the caller may see; plan one with POST."""

    serializer_class = InspectionSerializer
    filterset_fields = ["state", "planned_on"]

    def get_queryset(self):
        return (
            Inspection.objects.visible_to(self.request.user)
            .select_related("enterprise")
            .prefetch_related("officers")
        )

    def get_serializer_class(self):
        return InspectionCreateSerializer if self.action == "create" else InspectionSerializer

    def create(self, request, *args, **kwargs):
        given = InspectionCreateSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        inspection = inspection_create(actor=request.user, **given.validated_data)
        inspection = self.get_queryset().get(pk=inspection.pk)
        return Response(InspectionSerializer(inspection).data, status=201)
