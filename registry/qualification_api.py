"""``POST /api/v1/qualification-checks/``: the officer's one-second answer."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from casework import clock
from registry.models import Enterprise, SpecialOpsCategory
from registry.qualification import Qualification, qualification_check
from registry.validators import mask_id_number, validate_id_number


class QualificationQuery(serializers.Serializer):
    enterprise = serializers.CharField(label=_("Enterprise (USCC)"), max_length=18)
    id_number = serializers.CharField(
        label=_("Resident ID number"), max_length=18, validators=[validate_id_number]
    )
    job = serializers.CharField(label=_("Job"), max_length=100)
    on = serializers.DateField(label=_("On"), required=False, help_text=_("Default: today."))
    special_ops = serializers.ListField(
        child=serializers.ChoiceField(choices=SpecialOpsCategory.choices),
        label=_("Special-operations categories"),
        required=False,
        default=list,
    )
    is_team_leader = serializers.BooleanField(
        label=_("Team leader"), required=False, allow_null=True, default=None
    )

    def validate_enterprise(self, uscc):
        enterprise = (
            Enterprise.objects.visible_to(self.context["request"].user)
            .filter(uscc=uscc.strip().upper())
            .first()
        )
        if enterprise is None:
            raise serializers.ValidationError(_("No enterprise with this USCC that you may see."))
        return enterprise


def qualification_as_dict(result: Qualification, *, id_number: str) -> dict:
    """The answer as the API gives it; the ID number is masked."""
    return {
        "id_number": mask_id_number(id_number),
        "qualified": result.qualified,
        "reasons": [reason.as_dict() for reason in result.reasons],
        "worker": result.worker.pk if result.worker else None,
        "special_ops": list(result.special_ops),
        "is_team_leader": result.is_team_leader,
        "rows": list(result.rows),
    }


class QualificationCheckView(APIView):
    """Check a person against the registers for a job at an enterprise on a date."""

    @extend_schema(
        request=QualificationQuery,
        responses=inline_serializer(
            "QualificationResult",
            fields={
                "id_number": serializers.CharField(),
                "qualified": serializers.BooleanField(),
                "reasons": serializers.ListField(child=serializers.DictField()),
                "worker": serializers.IntegerField(allow_null=True),
                "special_ops": serializers.ListField(child=serializers.CharField()),
                "is_team_leader": serializers.BooleanField(),
                "rows": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def post(self, request):
        query = QualificationQuery(data=request.data, context={"request": request})
        query.is_valid(raise_exception=True)
        given = query.validated_data
        result = qualification_check(
            enterprise=given["enterprise"],
            id_number=given["id_number"],
            job=given["job"],
            on=given.get("on") or clock.today(),
            special_ops=given["special_ops"],
            is_team_leader=given["is_team_leader"],
        )
        return Response(qualification_as_dict(result, id_number=given["id_number"]))
