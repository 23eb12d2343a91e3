"""REST endpoints of the legal clock: compute a period, list deadlines and their changes."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.dates import validate_real_date
from casework.deadlines import period_compute
from casework.filters import ScopedFilterSet
from casework.labels import deadline_kind_label
from casework.models import Deadline, DeadlineEntry, DeadlineReminder, Jurisdiction, PeriodRule
from casework.workdays import UNITS, PeriodError


class PeriodQuery(serializers.Serializer):
    start = serializers.DateField(
        label=_("Start"),
        help_text=_("The day of the start event (not counted)."),
        validators=[validate_real_date],
    )
    length = serializers.IntegerField(label=_("Length"), min_value=1, max_value=3660)
    unit = serializers.ChoiceField(label=_("Unit"), choices=UNITS)
    jurisdiction = serializers.CharField(
        label=_("Jurisdiction"), required=False, help_text=_("Division code; default national.")
    )

    def validate_jurisdiction(self, code):
        jurisdiction = Jurisdiction.objects.filter(code=code).first()
        if jurisdiction is None:
            raise serializers.ValidationError(_("No jurisdiction has this code."))
        return jurisdiction


class CalendarDeadlineView(APIView):
    """Compute when a period ends on the official working-day calendar."""

    @extend_schema(
        parameters=[PeriodQuery],
        responses=inline_serializer(
            "PeriodResult",
            fields={
                "start": serializers.DateField(),
                "length": serializers.IntegerField(),
                "unit": serializers.CharField(),
                "unit_label": serializers.CharField(),
                "due": serializers.DateField(),
                "provisional": serializers.BooleanField(),
                "explanation": serializers.CharField(),
                "explanation_zh": serializers.CharField(),
                "explanation_en": serializers.CharField(),
                "skipped": serializers.ListField(child=serializers.DictField()),
                "made_up_working_days": serializers.ListField(child=serializers.DateField()),
            },
        ),
    )
    def get(self, request):
        query = PeriodQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        given = query.validated_data
        try:
            result = period_compute(
                jurisdiction=given.get("jurisdiction"),
                start=given["start"],
                length=given["length"],
                unit=given["unit"],
            )
        except PeriodError as exc:
            raise serializers.ValidationError({exc.field: [str(exc)]}) from None
        chinese = (get_language() or "zh-hans").startswith("zh")
        return Response(
            {
                "start": result.start,
                "length": result.length,
                "unit": result.unit,
                "unit_label": str(PeriodRule.Unit(result.unit).label),
                "due": result.due,
                "provisional": result.provisional,
                "explanation": result.explanation_zh if chinese else result.explanation_en,
                "explanation_zh": result.explanation_zh,
                "explanation_en": result.explanation_en,
                "skipped": [{"date": s.day, "reason": s.reason} for s in result.skipped],
                "made_up_working_days": list(result.made_up),
            }
        )


class DeadlineSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    unit_label = serializers.CharField(source="get_unit_display", read_only=True)
    jurisdiction = serializers.CharField(source="jurisdiction_id", read_only=True)
    enterprise = serializers.CharField(source="enterprise.uscc", default=None, read_only=True)
    rule_effective_from = serializers.DateField(source="rule.effective_from", read_only=True)
    failing = serializers.SerializerMethodField(
        help_text="The sweep gave up on it or on one of its reminders; an administrator retries."
    )

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "kind_label",
            "legal_basis",
            "jurisdiction",
            "enterprise",
            "subject_type",
            "subject_id",
            "party",
            "start_event",
            "started_at",
            "start_date",
            "length",
            "unit",
            "unit_label",
            "due_date",
            "due_fixed",
            "printed_due_date",
            "status",
            "status_label",
            "failing",
            "provisional",
            "party_facing",
            "explanation_zh",
            "explanation_en",
            "suspended_on",
            "rule_effective_from",
            "version",
        ]
        read_only_fields = fields

    def get_kind_label(self, deadline) -> str:
        return deadline_kind_label(deadline.kind)

    def get_failing(self, deadline) -> bool:
        return deadline.status == Deadline.Status.FAILING or bool(
            getattr(deadline, "failing_reminder", False)
        )


class DeadlineEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = DeadlineEntry
        fields = [
            "id",
            "deadline",
            "kind",
            "kind_label",
            "at",
            "actor",
            "reason",
            "due_before",
            "due_after",
            "explanation_zh",
            "explanation_en",
        ]
        read_only_fields = fields


class DeadlineFilter(ScopedFilterSet):
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    status = django_filters.ChoiceFilter(
        choices=Deadline.Status.choices,
        method="filter_status",
        help_text="`failing`: the sweep gave up on the deadline or on one of its reminders.",
    )

    class Meta:
        model = Deadline
        fields = ["kind", "status", "provisional", "due_before", "due_after"]

    def filter_status(self, queryset, name, value):
        if value == Deadline.Status.FAILING:
            return queryset.failing()
        return queryset.filter(status=value)


class DeadlineViewSet(viewsets.ReadOnlyModelViewSet):
    """Legal clocks the caller may see; open ones unless `status` says otherwise."""

    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilter

    def get_queryset(self):
        failing_reminder = DeadlineReminder.objects.filter(deadline=OuterRef("pk"), failing=True)
        deadlines = (
            Deadline.objects.visible_to(self.request.user)
            .select_related("enterprise", "rule")
            .annotate(failing_reminder=Exists(failing_reminder))
        )
        if self.action == "list" and "status" not in self.request.query_params:
            deadlines = deadlines.filter(status=Deadline.Status.OPEN)
        return deadlines.order_by("due_date", "pk")

    @extend_schema(
        responses=DeadlineEntrySerializer(many=True),
        parameters=[OpenApiParameter("kind", str, description="ledger entry kind")],
    )
    @action(detail=False, methods=["get"])
    def changes(self, request):
        """Ledger entries of visible deadlines (default: recomputations), newest first."""
        kind = request.query_params.get("kind", DeadlineEntry.Kind.RECOMPUTATION)
        visible = Deadline.objects.visible_to(request.user)
        entries = (
            DeadlineEntry.objects.filter(deadline__in=visible, kind=kind)
            .select_related("actor")
            .order_by("-at", "-pk")
        )
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(DeadlineEntrySerializer(page, many=True).data)
