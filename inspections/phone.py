"""The officer's phone pages (/m/): today's inspections, start, worker checks, photos, record,
and the signatures drawn on screen on the recorded inspection's 现场检查记录.

A one-column layout of their own, made for a 390-pixel screen. The views are
thin: a form shapes the input, a service decides and writes, and a success
redirects (POST-redirect-GET). What a user may see comes from
``Inspection.objects.visible_to``; anyone but staff gets 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from casework import clock
from casework.documents import document_final_sha256, document_sign, documents_for
from casework.exceptions import Conflict, Forbidden, Invalid, NotVisible
from casework.identifiers import mask_id_number
from casework.service import SERVICE_RECEIPT
from casework.transitions import state_label, transition_label, transition_perform
from inspections.documents import RECORD
from inspections.models import Finding, Inspection, RectificationOrder, WorkerCheck
from inspections.orders import due_date_proposed
from inspections.phone_forms import (
    DisposeForm,
    PhotoForm,
    RecordForm,
    SignatureForm,
    StartForm,
    WorkerCheckForm,
    add_service_errors,
)
from inspections.services import evidence_store, worker_check_record
from registry.models import Worker

app_name = "phone"


def staff_only(view):
    """Send anonymous visitors to the login; answer 404 to anyone but staff."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_staff_role:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _visible(request):
    return Inspection.objects.visible_to(request.user)


def _inspection(request, pk: int) -> Inspection:
    return get_object_or_404(_visible(request).select_related("enterprise"), pk=pk)


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _refusal(request, exc: Conflict | Forbidden) -> None:
    message = str(exc.message)
    if isinstance(exc, Conflict) and exc.state:
        message = _("%(message)s The inspection is now “%(state)s”.") % {
            "message": message,
            "state": state_label(Inspection, exc.state),
        }
    messages.error(request, message)


def _masked(check: WorkerCheck) -> str:
    return mask_id_number(check.id_number)


def _page(request, inspection: Inspection, **forms):
    """Render the inspection page, with bound forms in ``forms`` where a post failed."""
    in_progress = inspection.state == Inspection.State.IN_PROGRESS
    context = {
        "inspection": inspection,
        "officers": inspection.officers.order_by("username"),
        "checks": [
            {"check": check, "masked": _masked(check)}
            for check in inspection.worker_checks.select_related("finding").order_by("-pk")
        ],
        "evidence": inspection.evidence.select_related("finding").order_by("-pk"),
    }
    if inspection.state == Inspection.State.PLANNED:
        context["start_form"] = forms.get("start_form") or StartForm(
            inspection=inspection, user=request.user
        )
    if in_progress:
        context["check_form"] = forms.get("check_form") or WorkerCheckForm()
        context["jobs"] = (
            Worker.objects.filter(enterprise=inspection.enterprise)
            .order_by("job")
            .values_list("job", flat=True)
            .distinct()
        )
        context["record_form"] = forms.get("record_form") or RecordForm()
    if inspection.state in (Inspection.State.IN_PROGRESS, Inspection.State.RECORDED):
        context["photo_form"] = forms.get("photo_form") or PhotoForm(inspection=inspection)
    record = _record_document(inspection)
    if record is not None:
        context["record_document"] = record
        context["record_signatures"] = list(record.signatures.order_by("signed_at", "pk"))
    return render(request, "inspections/phone/inspection.html", context)


def _record_document(inspection: Inspection):
    """The inspection's 现场检查记录 (its latest, a correction included), or None before it."""
    return documents_for(subject=inspection).filter(kind=RECORD.code).order_by("-pk").first()


@staff_only
def home(request):
    today = clock.today()
    inspections = (
        _visible(request)
        .filter(
            Q(state=Inspection.State.PLANNED, planned_on=today)
            | Q(state=Inspection.State.IN_PROGRESS)
            # A recorded inspection stays at hand for the rest of the day (photos, checks).
            | Q(state=Inspection.State.RECORDED, recorded_at__date=today)
        )
        .select_related("enterprise")
        .order_by("state", "planned_on", "pk")
    )
    mine = set(_visible(request).filter(officers=request.user).values_list("pk", flat=True))
    rows = [{"inspection": i, "mine": i.pk in mine} for i in inspections]
    return render(request, "inspections/phone/home.html", {"rows": rows, "today": today})


@staff_only
def inspection_page(request, pk: int):
    return _page(request, _inspection(request, pk))


def _transition(request, inspection: Inspection, name: str, data: dict, form):
    """Perform ``name``; return a response (redirect, or the page with errors)."""
    try:
        transition_perform(
            queryset=_visible(request),
            pk=inspection.pk,
            name=name,
            actor=request.user,
            data=data,
            version=_version(request),
        )
    except NotVisible as exc:
        raise Http404 from exc
    except (Conflict, Forbidden) as exc:
        _refusal(request, exc)
    except Invalid as exc:
        add_service_errors(form, exc.errors)
        return _page(request, inspection, **{f"{name}_form": form})
    else:
        messages.success(
            request, _("Done: %(action)s.") % {"action": transition_label(Inspection, name)}
        )
    return redirect("phone:inspection", pk=inspection.pk)


# The transitions the phone pages perform, each with the form of its payload.
PHONE_TRANSITIONS = {
    "start": lambda request, inspection: StartForm(
        request.POST, inspection=inspection, user=request.user
    ),
    "record": lambda request, inspection: RecordForm(request.POST),
}


@staff_only
def transition(request, pk: int, name: str):
    inspection = _inspection(request, pk)
    if request.method != "POST":
        return redirect("phone:inspection", pk=pk)
    form = PHONE_TRANSITIONS[name](request, inspection)
    if not form.is_valid():
        return _page(request, inspection, **{f"{name}_form": form})
    return _transition(request, inspection, name, form.cleaned_data, form)


@staff_only
def check_create(request, pk: int):
    inspection = _inspection(request, pk)
    if request.method != "POST":
        return redirect("phone:inspection", pk=pk)
    form = WorkerCheckForm(request.POST)
    if form.is_valid():
        try:
            check = worker_check_record(
                inspection=inspection, actor=request.user, **form.service_arguments()
            )
        except (Conflict, Forbidden) as exc:
            _refusal(request, exc)
            return redirect("phone:inspection", pk=pk)
        except Invalid as exc:
            add_service_errors(form, exc.errors)
        else:
            return redirect("phone:check", pk=pk, check_pk=check.pk)
    return _page(request, inspection, check_form=form)


@staff_only
def check_result(request, pk: int, check_pk: int):
    inspection = _inspection(request, pk)
    check = get_object_or_404(inspection.worker_checks.select_related("finding"), pk=check_pk)
    return _check_page(request, inspection, check)


def _check_page(request, inspection: Inspection, check: WorkerCheck, dispose_form=None):
    photo_form = None
    if inspection.state in (Inspection.State.IN_PROGRESS, Inspection.State.RECORDED):
        initial = {"finding": check.finding_id} if check.finding_id else {}
        photo_form = PhotoForm(inspection=inspection, initial=initial)
    return render(
        request,
        "inspections/phone/check.html",
        {
            "inspection": inspection,
            "check": check,
            "masked": _masked(check),
            "worker_reasons": [r for r in check.reasons if r.get("level") != "enterprise"],
            "enterprise_reasons": [r for r in check.reasons if r.get("level") == "enterprise"],
            "photo_form": photo_form,
            "dispose_form": dispose_form or _dispose_form(inspection, check),
            "order": check.finding.rectification_order if check.finding else None,
        },
    )


def _dispose_form(inspection: Inspection, check: WorkerCheck, data=None):
    """The form disposing of the check's open finding, or None (no finding, or not open)."""
    finding = check.finding
    if finding is None or finding.state != Finding.State.OPEN:
        return None
    proposed = due_date_proposed(enterprise=inspection.enterprise, served_on=clock.today())
    return DisposeForm(data, proposed=proposed, prefix="dispose")


@staff_only
def dispose(request, pk: int, check_pk: int):
    """Dispose of the check's finding on site (an order to rectify is issued with it)."""
    inspection = _inspection(request, pk)
    check = get_object_or_404(inspection.worker_checks.select_related("finding"), pk=check_pk)
    form = _dispose_form(inspection, check, request.POST if request.method == "POST" else None)
    if request.method != "POST" or form is None:
        return redirect("phone:check", pk=pk, check_pk=check_pk)
    if form.is_valid():
        try:
            finding = transition_perform(
                queryset=Finding.objects.visible_to(request.user),
                pk=check.finding_id,
                name="dispose",
                actor=request.user,
                data=form.payload(),
                version=_version(request),
            )
        except NotVisible as exc:
            raise Http404 from exc
        except (Conflict, Forbidden) as exc:
            _refusal(request, exc)
        except Invalid as exc:
            add_service_errors(form, exc.errors)
            return _check_page(request, inspection, check, dispose_form=form)
        else:
            messages.success(
                request,
                _("Disposed of: %(disposition)s.")
                % {"disposition": finding.get_disposition_display()},
            )
        return redirect("phone:check", pk=pk, check_pk=check_pk)
    return _check_page(request, inspection, check, dispose_form=form)


@staff_only
def photo_upload(request, pk: int):
    inspection = _inspection(request, pk)
    if request.method != "POST":
        return redirect("phone:inspection", pk=pk)
    form = PhotoForm(request.POST, request.FILES, inspection=inspection)
    if form.is_valid():
        try:
            evidence = evidence_store(
                inspection=inspection, actor=request.user, **form.service_arguments()
            )
        except (Conflict, Forbidden) as exc:
            _refusal(request, exc)
            return redirect("phone:inspection", pk=pk)
        except Invalid as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(
                request,
                _("Photo attached: %(name)s.")
                % {"name": evidence.original_name or evidence.sha256[:12]},
            )
            return redirect(reverse("phone:inspection", args=[pk]) + "#photos")
    return _page(request, inspection, photo_form=form)


@staff_only
def sign_page(request, pk: int):
    """The recorded inspection's 现场检查记录, signed with a finger (document_sign)."""
    inspection = _inspection(request, pk)
    document = _record_document(inspection)
    if document is None:
        messages.error(request, _("The inspection is not recorded yet: record it, then sign."))
        return redirect("phone:inspection", pk=pk)
    return _sign(
        request,
        document=document,
        enterprise=inspection.enterprise,
        suggested=inspection.signed_by,
        here=reverse("phone:sign", kwargs={"pk": pk}),
        back=reverse("phone:inspection", kwargs={"pk": pk}),
        extra={"inspection": inspection},
    )


# The documents a party signs on the officer's phone: the inspection record and the
# receipt of a document served in person.
SIGNED_ON_THE_PHONE = {RECORD.code, SERVICE_RECEIPT.code}


@staff_only
def receipt_sign_page(request, pk: int):
    """The receipt of an order served in person (送达回执), signed by who received it."""
    order = get_object_or_404(RectificationOrder.objects.visible_to(request.user), pk=pk)
    document = (
        documents_for(subject=order).filter(kind=SERVICE_RECEIPT.code).order_by("-pk").first()
    )
    if document is None:
        messages.error(request, _("The order is not served yet: serve it, then sign the receipt."))
        return redirect("inspections:order", pk=pk)
    return _sign(
        request,
        document=document,
        enterprise=order.enterprise,
        suggested=order.service_recipient,
        here=reverse("phone:receipt-sign", kwargs={"pk": pk}),
        back=order.get_absolute_url(),
        extra={},
    )


def _sign(request, *, document, enterprise, suggested: str, here: str, back: str, extra: dict):
    signatures = list(document.signatures.order_by("signed_at", "pk"))
    if request.method == "POST":
        form = SignatureForm(request.POST)
        if form.is_valid():
            try:
                signature = document_sign(
                    document=document, actor=request.user, **form.service_arguments()
                )
            except (Conflict, Forbidden) as exc:
                messages.error(request, str(exc.message))
                return redirect(here)
            except Invalid as exc:
                add_service_errors(form, exc.errors)
            else:
                messages.success(
                    request,
                    _("Signed by %(name)s: the signed document is on file.")
                    % {"name": signature.signer},
                )
                return redirect(here)
    else:
        signed = {s.signer for s in signatures}
        form = SignatureForm(initial={"signer": suggested if suggested not in signed else ""})
    latest = f"/api/v1/documents/{document.pk}/{'signed-file' if signatures else 'file'}/"
    return render(
        request,
        "inspections/phone/sign.html",
        {
            **extra,
            "document": document,
            "enterprise": enterprise,
            "signatures": signatures,
            "signs_sha256": document_final_sha256(document),
            "latest_file": latest,
            "form": form,
            "back": back,
        },
    )


urlpatterns = [
    path("", home, name="home"),
    path("inspections/<int:pk>/", inspection_page, name="inspection"),
    path("inspections/<int:pk>/start/", transition, {"name": "start"}, name="start"),
    path("inspections/<int:pk>/checks/", check_create, name="check-create"),
    path("inspections/<int:pk>/checks/<int:check_pk>/", check_result, name="check"),
    path("inspections/<int:pk>/checks/<int:check_pk>/dispose/", dispose, name="dispose"),
    path("inspections/<int:pk>/photos/", photo_upload, name="photo"),
    path("inspections/<int:pk>/record/", transition, {"name": "record"}, name="record"),
    path("inspections/<int:pk>/sign/", sign_page, name="sign"),
    path("orders/<int:pk>/receipt/sign/", receipt_sign_page, name="receipt-sign"),
]
