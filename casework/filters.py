"""Filters that refer to objects accept only objects the caller may see.

``?inspection=<id>`` of an inspection in another county must answer exactly as
``?inspection=<id that does not exist>``: 400 "select a valid choice". Every
filter on a related object (``ModelChoiceFilter`` and its multiple form, which
django-filter makes for each foreign key in ``filterset_fields``) is therefore
limited to what ``visible_to(request.user)`` gives, in every filter set of the
API: the default filter backend builds its automatic filter sets on
``ScopedFilterSet``, and declared filter sets derive from it (a test holds
every list endpoint to it).
"""

import django_filters
from django.contrib.auth import get_user_model
from django_filters.rest_framework import DjangoFilterBackend

from casework.models import Jurisdiction
from casework.visibility import jurisdiction_q, nothing


def visible(model, user):
    """The objects of ``model`` that ``user`` may name in a filter."""
    if model is Jurisdiction:
        if getattr(user, "is_enterprise_user", False):
            enterprise = getattr(user, "enterprise", None)
            if enterprise is None:
                return Jurisdiction.objects.filter(nothing())
            return Jurisdiction.objects.filter(pk=enterprise.jurisdiction_id)
        return Jurisdiction.objects.filter(jurisdiction_q(user, "path"))
    if model is get_user_model():
        # Staff of the caller's jurisdiction and below; an enterprise user names nobody.
        return model.objects.filter(jurisdiction_q(user, "jurisdiction__path"))
    manager = model._default_manager
    if not hasattr(manager, "visible_to"):
        raise TypeError(f"{model.__name__} has no visible_to(): it cannot be a filter's choice")
    return manager.visible_to(user)


_RELATED = (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)


class ScopedFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        for declared in self.filters.values():  # this instance's deep copies
            if isinstance(declared, _RELATED):
                # What the filter allows (an officer, say), among what the caller may see.
                declared.queryset = declared.queryset & visible(declared.queryset.model, user)
                declared.__dict__.pop("_field", None)  # a form field built before


class ScopedFilterBackend(DjangoFilterBackend):
    filterset_base = ScopedFilterSet
