"""How inspections are searched, one filter set for the staff list and the API.

By state, district or county (a jurisdiction and everything below it), enterprise,
planned date range, officer, and free text matching the enterprise's name or
credit code. Every filter naming an object accepts only objects the caller may
see (``casework.filters.ScopedFilterSet``).
"""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from casework.dates import validate_real_date
from casework.filters import ScopedFilterSet
from casework.models import Enterprise, Jurisdiction
from inspections.models import Inspection, RectificationOrder


class OfficerChoice(django_filters.ModelChoiceFilter):
    """An officer, by name (the list of choices is the caller's jurisdiction's officers)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", get_user_model().objects.filter(role="officer"))
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        field = super().field
        field.label_from_instance = lambda user: user.get_full_name() or str(_("Officer"))
        return field


class EnterpriseCaseFilter(ScopedFilterSet):
    """What every list of an enterprise's cases is searched by: text, district, enterprise."""

    q = django_filters.CharFilter(
        label=_("Enterprise name or credit code"), method="filter_text", max_length=100
    )
    jurisdiction = django_filters.ModelChoiceFilter(
        label=_("District or county"),
        queryset=Jurisdiction.objects.all(),
        method="filter_jurisdiction",
    )
    enterprise = django_filters.ModelChoiceFilter(
        label=_("Enterprise"), queryset=Enterprise.objects.all()
    )

    def filter_text(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=text) | Q(enterprise__uscc__iexact=text.upper())
        )

    @extend_schema_field(OpenApiTypes.STR)  # a division code
    def filter_jurisdiction(self, queryset, name, value):
        return queryset.filter(enterprise__jurisdiction__path__startswith=value.path)


class InspectionFilter(EnterpriseCaseFilter):
    state = django_filters.ChoiceFilter(label=_("State"), choices=Inspection.State.choices)
    planned_after = django_filters.DateFilter(
        label=_("Planned on or after"),
        field_name="planned_on",
        lookup_expr="gte",
        validators=[validate_real_date],
    )
    planned_before = django_filters.DateFilter(
        label=_("Planned on or before"),
        field_name="planned_on",
        lookup_expr="lte",
        validators=[validate_real_date],
    )
    officer = OfficerChoice(label=_("Officer"), field_name="officers")

    class Meta:
        model = Inspection
        fields = ["q", "state", "jurisdiction", "enterprise", "planned_on", "officer"]


class RectificationOrderFilter(EnterpriseCaseFilter):
    state = django_filters.ChoiceFilter(label=_("State"), choices=RectificationOrder.State.choices)
    due_after = django_filters.DateFilter(
        label=_("Due on or after"),
        field_name="due_date",
        lookup_expr="gte",
        validators=[validate_real_date],
    )
    due_before = django_filters.DateFilter(
        label=_("Due on or before"),
        field_name="due_date",
        lookup_expr="lte",
        validators=[validate_real_date],
    )
    officer = OfficerChoice(label=_("Officer"), field_name="inspection__officers")

    class Meta:
        model = RectificationOrder
        fields = ["q", "state", "jurisdiction", "enterprise", "inspection", "officer"]
