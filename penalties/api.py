"""``/api/v1/penalty-cases/``: the penalty cases the caller may see, with their parties.

``POST`` opens a case by hand (a continuing refusal under art. 112, for
example); the stage-one and stage-two cases of art. 97 open by themselves with
the disposition and the re-inspection (``penalties.opening``).
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from casework.api import TransitionsMixin
from casework.exceptions import Forbidden, Invalid
from casework.identifiers import mask_id_number
from casework.models import Enterprise
from inspections.models import RectificationOrder
from penalties import rules
from penalties.filters import PenaltyCaseFilter
from penalties.models import PenaltyCase, PenaltyParty
from penalties.opening import open_case

MAX_ID = 2**31 - 1


class PartySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    id_number = serializers.SerializerMethodField()
    proposed_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )
    notified_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )
    reviewed_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )
    decided_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )
    statutory_range = serializers.SerializerMethodField(
        help_text=_("The law's range of the fine for this party: low, high (yuan), article.")
    )

    class Meta:
        model = PenaltyParty
        fields = [
            "id",
            "kind",
            "kind_label",
            "name",
            "id_number",
            "position",
            "proposed_amount",
            "notified_amount",
            "reviewed_amount",
            "decided_amount",
            "tier",
            "tier_label",
            "tier_range",
            "tier_circumstances",
            "outside_tier_reason",
            "statutory_range",
        ]

    tier_label = serializers.SerializerMethodField()
    tier_range = serializers.SerializerMethodField(
        help_text=_("The applied tier's range (yuan), and whether the benchmark is a sample.")
    )
    tier_circumstances = serializers.SerializerMethodField()

    def get_tier_label(self, party) -> str:
        return str(party.tier_rule.get_tier_display()) if party.tier_rule else ""

    def get_tier_range(self, party) -> dict | None:
        tier = party.tier_rule
        if tier is None:
            return None
        return {"low": f"{tier.low:.2f}", "high": f"{tier.high:.2f}", "sample": tier.sample}

    def get_tier_circumstances(self, party) -> str:
        return party.tier_rule.circumstances if party.tier_rule else ""

    def get_id_number(self, party) -> str:
        return mask_id_number(party.id_number) if party.id_number else ""

    def get_statutory_range(self, party) -> dict | None:
        found = rules.statutory_range(party.case.basis, party.kind)
        if found is None:
            return None
        return {
            "low": f"{found.low:.2f}",
            "low_exclusive": found.low_exclusive,
            "high": f"{found.high:.2f}" if found.high is not None else None,
            "article": found.article,
        }


class PenaltyCaseSerializer(serializers.ModelSerializer):
    basis_label = serializers.CharField(source="get_basis_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    enterprise = serializers.SlugRelatedField(slug_field="uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    parties = PartySerializer(many=True, read_only=True)
    findings = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = PenaltyCase
        fields = [
            "id",
            "basis",
            "basis_label",
            "state",
            "state_label",
            "version",
            "enterprise",
            "enterprise_name",
            "inspection",
            "rectification_order",
            "findings",
            "suspension_ordered",
            "parties",
            "facts",
            "review_required",
            "review_opinion",
            "proposed_at",
            "filed_at",
            "concluded_at",
            "reviewed_at",
            "approved_at",
            "closing_reason",
            "transferred_to",
            "rule_versions",
        ]
        read_only_fields = fields


class PenaltyCaseCreate(serializers.Serializer):
    basis = serializers.ChoiceField(choices=PenaltyCase.Basis.choices, label=_("Legal basis"))
    enterprise = serializers.CharField(label=_("Enterprise (credit code)"), max_length=18)
    rectification_order = serializers.IntegerField(
        label=_("Rectification order"), required=False, min_value=1, max_value=MAX_ID
    )


class PenaltyCaseViewSet(TransitionsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Penalty cases the caller may see, newest first; transitions and timeline as elsewhere."""

    serializer_class = PenaltyCaseSerializer
    filterset_class = PenaltyCaseFilter

    def get_queryset(self):
        return (
            PenaltyCase.objects.visible_to(self.request.user)
            .select_related("enterprise")
            .prefetch_related("parties__case", "parties__tier_rule", "findings")
        )

    def get_serializer_class(self):
        return PenaltyCaseCreate if self.action == "create" else PenaltyCaseSerializer

    @extend_schema(request=PenaltyCaseCreate, responses={201: PenaltyCaseSerializer})
    def create(self, request, *args, **kwargs):
        user = request.user
        if not user.has_role("officer", "supervisor"):
            raise Forbidden(_("Only officers and supervisors open a penalty case."))
        given = PenaltyCaseCreate(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        enterprise = (
            Enterprise.objects.visible_to(user).filter(uscc=data["enterprise"].upper()).first()
        )
        if enterprise is None:
            raise Invalid({"enterprise": [str(_("No such enterprise."))]})
        order = None
        if data.get("rectification_order"):
            order = (
                RectificationOrder.objects.visible_to(user)
                .filter(pk=data["rectification_order"], enterprise=enterprise)
                .first()
            )
            if order is None:
                raise Invalid({"rectification_order": [str(_("No such rectification order."))]})
        with transaction.atomic():
            case = open_case(
                basis=data["basis"],
                enterprise=enterprise,
                inspection=order.inspection if order else None,
                order=order,
                actor=user,
                cause="opened_by_hand",
                suspension_ordered=data["basis"] == PenaltyCase.Basis.ART97_STAGE2,
            )
        return Response(PenaltyCaseSerializer(self.get_queryset().get(pk=case.pk)).data, 201)
