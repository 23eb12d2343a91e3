"""The enterprise portal: an interface layer above the domain apps.

Its own login and the enterprise's pages. Only enterprise users get portal
pages; staff are told to use the staff login and get 404 for every other portal
page. Each lifecycle adds its pages here, reading through the domain apps'
selectors and writing through their services.
"""

from functools import wraps

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthenticationForm

from casework.models import Enterprise
from casework.timeline import timeline_for
from inspections.models import Inspection


def enterprise_user_required(view):
    """Send anonymous visitors to the portal login; answer 404 to anyone not an enterprise user."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if not (user.is_active and user.is_enterprise_user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


class PortalAuthenticationForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_enterprise_user:
            raise forms.ValidationError(
                _("This login is for enterprise users. Staff sign in at the staff login."),
                code="staff_user",
            )


class PortalLoginView(auth_views.LoginView):
    form_class = PortalAuthenticationForm
    template_name = "portal/login.html"
    next_page = reverse_lazy("portal:home")


@enterprise_user_required
def my_enterprise(request):
    user = request.user
    enterprise = get_object_or_404(Enterprise.objects.visible_to(user), pk=user.enterprise_id)
    inspections = Inspection.objects.visible_to(user).prefetch_related("officers")
    return render(
        request,
        "portal/my_enterprise.html",
        {"enterprise": enterprise, "inspections": inspections},
    )


@enterprise_user_required
def inspection_page(request, pk: int):
    """One inspection of the enterprise, with its timeline (the same selector as the staff page)."""
    inspection = get_object_or_404(
        Inspection.objects.visible_to(request.user).prefetch_related("officers"), pk=pk
    )
    return render(
        request,
        "portal/inspection.html",
        {
            "inspection": inspection,
            "timeline": timeline_for(obj=inspection, related=inspection.findings.all()),
        },
    )
