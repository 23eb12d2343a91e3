"""REST endpoints for the registers."""

from rest_framework import serializers, viewsets

from registry.models import Enterprise


class EnterpriseSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction_id", read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "uscc",
            "name",
            "sector",
            "jurisdiction",
            "address",
            "legal_representative",
            "contact_phone",
        ]


class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    """Enterprises the caller may see."""

    serializer_class = EnterpriseSerializer
    filterset_fields = ["sector", "jurisdiction"]

    def get_queryset(self):
        return Enterprise.objects.visible_to(self.request.user).select_related("jurisdiction")
