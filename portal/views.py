"""The enterprise portal: an interface layer above the domain apps.

Its own login and the enterprise's pages. Only enterprise users get portal
pages; staff are told to use the staff login and get 404 for every other portal
page. Each lifecycle adds its pages here, reading through the domain apps'
selectors and writing through their services.
"""

import datetime
from dataclasses import dataclass
from functools import wraps

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthenticationForm

from casework import clock
from casework.calendars import work_calendar_for
from casework.identifiers import mask_id_number
from casework.models import Enterprise
from casework.timeline import timeline_for
from casework.workdays import WORKING_DAYS, units_between
from inspections.models import Finding, Inspection
from registry.models import Worker
from registry.qualification import reason_label


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


@dataclass(frozen=True)
class ToDo:
    """Something the enterprise must do, and by when."""

    finding: Finding
    due: datetime.date
    working_days_left: int


def _to_do(enterprise, findings, today) -> list[ToDo]:
    """Findings ordered to be rectified, soonest first, with the working days left."""
    ordered = sorted(
        (
            f
            for f in findings
            if f.disposition == Finding.Disposition.ORDER_AND_PENALTY and f.due_date
        ),
        key=lambda f: f.due_date,
    )
    if not ordered:
        return []
    calendar = work_calendar_for(
        enterprise.jurisdiction,
        first_year=today.year,
        years=ordered[-1].due_date.year - today.year + 1,
    )
    return [
        ToDo(
            finding=f,
            due=f.due_date,
            working_days_left=units_between(
                calendar=calendar,
                first=today + datetime.timedelta(days=1),
                last=f.due_date,
                unit=WORKING_DAYS,
            ),
        )
        for f in ordered
    ]


@dataclass(frozen=True)
class Barred:
    worker: Worker
    masked_id: str
    reasons: str


@enterprise_user_required
def my_enterprise(request):
    user = request.user
    enterprise = get_object_or_404(
        Enterprise.objects.visible_to(user).select_related("jurisdiction"), pk=user.enterprise_id
    )
    inspections = list(
        Inspection.objects.visible_to(user)
        .prefetch_related("officers", "findings__worker", "findings__checks")
        .order_by("-planned_on", "-pk")
    )
    findings = [f for inspection in inspections for f in inspection.findings.all()]
    barred = [
        Barred(
            worker=worker,
            masked_id=mask_id_number(worker.id_number),
            reasons="、".join(
                reason_label(c.strip()) for c in worker.barred_reason.split(",") if c.strip()
            ),
        )
        for worker in Worker.objects.visible_to(user).filter(barred_from_duty=True).order_by("name")
    ]
    return render(
        request,
        "portal/my_enterprise.html",
        {
            "enterprise": enterprise,
            "inspections": inspections,
            "to_do": _to_do(enterprise, findings, clock.today()),
            "barred": barred,
        },
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
