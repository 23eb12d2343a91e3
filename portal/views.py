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
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthenticationForm

from casework import clock
from casework.dates import validate_real_date
from casework.documents import documents_for
from casework.exceptions import Conflict, Forbidden, Invalid
from casework.identifiers import mask_id_number
from casework.models import Enterprise, ServiceConsent
from casework.service import consent_in_force, service_consent_record
from casework.timeline import timeline_for
from casework.transitions import field_descriptions, registered, transitions_available
from inspections.forms import TransitionForm
from inspections.models import Finding, Inspection, RectificationOrder
from inspections.order_api import BarredWorkerSerializer, OrderDocumentSerializer
from inspections.orders import ANSWER_STATES, order_file_store, working_days_left
from inspections.views import _action, _perform
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
    """An order the enterprise must answer, and by when."""

    order: RectificationOrder
    findings: list
    due: datetime.date
    working_days_left: int


def _to_do(enterprise, orders, today) -> list[ToDo]:
    """Served orders still to be answered, soonest due first, with the working days left."""
    waiting = sorted(
        (o for o in orders if o.state == RectificationOrder.State.IN_RECTIFICATION),
        key=lambda o: o.due_date,
    )
    return [
        ToDo(
            order=o,
            findings=sorted(o.findings.all(), key=lambda f: f.pk),
            due=o.due_date,
            working_days_left=working_days_left(enterprise, today, o.due_date),
        )
        for o in waiting
    ]


@dataclass(frozen=True)
class Barred:
    worker: Worker
    masked_id: str
    reasons: str


def _own_enterprise(user) -> Enterprise:
    """The user's enterprise, through the same visibility as every portal read."""
    return get_object_or_404(
        Enterprise.objects.visible_to(user).select_related("jurisdiction"), pk=user.enterprise_id
    )


@enterprise_user_required
def my_enterprise(request):
    user = request.user
    enterprise = _own_enterprise(user)
    inspections = list(
        Inspection.objects.visible_to(user)
        .prefetch_related("officers", "findings__worker", "findings__checks")
        .order_by("-planned_on", "-pk")
    )
    # What the enterprise has been told: orders not yet served are the bureau's drafts.
    orders = list(
        RectificationOrder.objects.visible_to(user)
        .exclude(state=RectificationOrder.State.ISSUED)
        .prefetch_related("findings__worker", "findings__checks")
        .order_by("due_date", "pk")
    )
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
            "to_do": _to_do(enterprise, orders, clock.today()),
            "orders": orders,
            "barred": barred,
            "consent": consent_in_force(enterprise, clock.today()),
        },
    )


class ConsentForm(forms.Form):
    """A signed 送达地址确认书: the channel and address agreed to, the day, the signed paper."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=ServiceConsent.Channel.choices,
        widget=forms.RadioSelect,
    )
    address = forms.CharField(
        label=_("Electronic address"),
        max_length=200,
        help_text=_("The e-mail address, mobile number or platform account documents go to."),
    )
    signed_on = forms.DateField(
        label=_("Signed on"),
        validators=[validate_real_date],
        widget=forms.DateInput(format="%Y-%m-%d"),
    )
    file = forms.FileField(
        label=_("Signed consent (scan or photo)"),
        help_text=_("The signed and stamped paper: PDF, JPEG, PNG, HEIC or WebP."),
    )


@enterprise_user_required
def consent_page(request):
    """The enterprise's consent to electronic service in force, and recording a new one."""
    enterprise = _own_enterprise(request.user)
    form = ConsentForm()
    if request.method == "POST":
        form = ConsentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                service_consent_record(
                    enterprise=enterprise, actor=request.user, **form.cleaned_data
                )
            except Invalid as exc:
                for name, errors in exc.errors.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("The consent to electronic service is on file."))
                return redirect("portal:consent")
    today = clock.today()
    in_force = consent_in_force(enterprise, today)
    return render(
        request,
        "portal/consent.html",
        {
            "enterprise": enterprise,
            "consent": in_force,
            "earlier": ServiceConsent.objects.filter(enterprise=enterprise)
            .exclude(pk=getattr(in_force, "pk", None))
            .order_by("-signed_on", "-pk"),
            "form": form,
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


# What the enterprise is expected to do, or to wait for, in each state of its order.
EXPECTED = {
    RectificationOrder.State.IN_RECTIFICATION: _(
        "Rectify by the due date: have each worker named below trained and assessed, or "
        "certified, then report completion with the files that show it (training "
        "certificates, rosters, photos). If force majeure prevents it, ask for an extension "
        "before the due date."
    ),
    RectificationOrder.State.EXTENSION_REQUESTED: _(
        "Your request for an extension is with the bureau, which answers within 5 working days."
    ),
    RectificationOrder.State.COMPLETION_REPORTED: _(
        "The bureau will re-inspect within 10 days of your report."
    ),
    RectificationOrder.State.REINSPECTION_DUE: _(
        "The due date passed without a report of completion: the bureau will re-inspect."
    ),
    RectificationOrder.State.VERIFIED: _("The re-inspection confirmed the rectification."),
    RectificationOrder.State.CLOSED: _("The re-inspection confirmed the rectification."),
    RectificationOrder.State.NOT_RECTIFIED: _(
        "The re-inspection found the order not rectified; a further penalty may follow."
    ),
    RectificationOrder.State.WITHDRAWN: _("The bureau withdrew the order."),
}


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), required=False, max_length=300)


class AnswerForm(TransitionForm):
    """A transition of the enterprise; a completion report carries every file sent so far."""

    def __init__(self, descriptions, *args, files_sent=(), **kwargs):
        descriptions = [d for d in descriptions if d["name"] != "evidence"]
        super().__init__(descriptions, *args, **kwargs)
        self.files_sent = list(files_sent)

    def payload(self):
        data = super().payload()
        if "summary" in data:
            data["evidence"] = self.files_sent
        return data


def _file_sent(request, order) -> FileForm | None:
    """Store a posted file; None when it was stored (the page reloads), else the form."""
    upload = FileForm(request.POST, request.FILES)
    if upload.is_valid():
        try:
            order_file_store(
                order=order,
                actor=request.user,
                uploaded_file=upload.cleaned_data["file"],
                description=upload.cleaned_data["description"],
            )
        except Invalid as exc:
            for name, errors in exc.errors.items():
                upload.add_error(name if name in upload.fields else None, errors)
        except (Conflict, Forbidden) as exc:
            upload.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The file was sent to the bureau."))
            return None
    return upload


@enterprise_user_required
def order_page(request, pk: int):
    """One order of the enterprise: what to do by when, the answer forms, the timeline."""
    visible = RectificationOrder.objects.visible_to(request.user).exclude(
        state=RectificationOrder.State.ISSUED
    )
    order = get_object_or_404(visible.select_related("enterprise__jurisdiction"), pk=pk)
    files_sent = list(order.files.order_by("pk"))
    upload, posted_name, posted_form = FileForm(), None, None
    if request.method == "POST" and request.POST.get("transition") == "upload":
        upload = _file_sent(request, order)
        if upload is None:
            return redirect("portal:order", pk=pk)
    elif request.method == "POST":
        posted_name = request.POST.get("transition", "")
        entry = registered(RectificationOrder).get(posted_name)
        if entry is None:
            raise Http404
        posted_form = AnswerForm(
            field_descriptions(entry.payload),
            data=request.POST,
            prefix=posted_name,
            files_sent=[f.pk for f in files_sent],
        )
        if posted_form.is_valid() and _perform(
            request,
            queryset=visible,
            pk=pk,
            name=posted_name,
            form=posted_form,
            now_in=_("%(message)s The order is now “%(state)s”."),
        ):
            return redirect("portal:order", pk=pk)
    actions = []
    for available in transitions_available(instance=order, user=request.user):
        name = available["name"]
        form = posted_form if name == posted_name else AnswerForm(available["fields"], prefix=name)
        actions.append(_action(RectificationOrder, name, available["label"], form))
    today = clock.today()
    left = None
    if order.state in (
        RectificationOrder.State.IN_RECTIFICATION,
        RectificationOrder.State.EXTENSION_REQUESTED,
    ):
        left = working_days_left(order.enterprise, today, order.due_date)
    findings = list(order.findings.select_related("worker").prefetch_related("checks"))
    return render(
        request,
        "portal/order.html",
        {
            "order": order,
            "expected": EXPECTED.get(order.state, ""),
            "documents": OrderDocumentSerializer(
                documents_for(subject=order).filter(state="served").order_by("pk"), many=True
            ).data,
            "working_days_left": left,
            "findings": findings,
            "workers": BarredWorkerSerializer(
                [f for f in findings if f.level == Finding.Level.WORKER], many=True
            ).data,
            "files": files_sent,
            "upload": upload,
            "may_send_files": order.state in ANSWER_STATES,
            "actions": actions,
            "timeline": timeline_for(obj=order, related=findings),
        },
    )
