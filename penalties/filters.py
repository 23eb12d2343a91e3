"""Searching penalty cases: the filters every enterprise's cases share, plus basis and state."""

import django_filters
from django.utils.translation import gettext_lazy as _

from inspections.filters import EnterpriseCaseFilter
from penalties.models import PenaltyCase


class PenaltyCaseFilter(EnterpriseCaseFilter):
    state = django_filters.ChoiceFilter(label=_("State"), choices=PenaltyCase.State.choices)
    basis = django_filters.ChoiceFilter(label=_("Legal basis"), choices=PenaltyCase.Basis.choices)

    class Meta:
        model = PenaltyCase
        fields = ["q", "state", "basis", "jurisdiction", "enterprise", "inspection"]
