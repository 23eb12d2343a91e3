"""Staff pages of inspections: list, page with transitions and timeline, planning.

Views only translate between HTTP and the services: what a user may see comes
from ``Inspection.objects.visible_to``, what they may do from
``casework.transitions``, and every write goes through a service.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from viewflow.forms import Layout, Row

from casework.documents import documents_for
from casework.exceptions import Conflict, Forbidden, Invalid, NotVisible
from casework.identifiers import mask_id_number
from casework.timeline import timeline_for
from casework.transitions import (
    field_descriptions,
    registered,
    state_label,
    transition_custom,
    transition_label,
    transition_perform,
    transitions_available,
)
from inspections.filters import InspectionFilter
from inspections.forms import InspectionPlanForm, TransitionForm
from inspections.models import Finding, Inspection
from inspections.order_api import OrderDocumentSerializer
from inspections.services import inspection_create


def _initial(inspection: Inspection) -> dict:
    """Prefill what the page already knows: the planned officers."""
    return {"officers": [officer.pk for officer in inspection.officers.all()]}


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


SEARCH_LAYOUT = Layout(
    Row("q", "state", "jurisdiction"),
    Row("enterprise", "officer"),
    Row("planned_after", "planned_before"),
)


def searched_page(request, *, filterset_class, queryset, drop=()) -> dict:
    """What a searchable list page shows: the page of rows, the search form, the count."""
    search = filterset_class(request.GET or None, queryset=queryset, request=request)
    for name in drop:  # filters the API takes that the page does not show
        search.form.fields.pop(name, None)
    rows = search.qs if search.is_bound and search.is_valid() else queryset
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    jurisdiction = request.user.jurisdiction
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "search": search,
        "count": page.paginator.count,
        "query": query.urlencode(),
        # Above a district (the city, an administrator): show each row's district.
        "show_district": jurisdiction is None or jurisdiction.children.exists(),
    }


def inspection_list(request):
    """Inspections the user may see, searched with the API's filters; counted."""
    visible = (
        Inspection.objects.visible_to(request.user)
        .select_related("enterprise__jurisdiction")
        .prefetch_related("officers")
        .order_by("-planned_on", "-pk")
    )
    # The page searches by a date range; the API also takes an exact planned_on.
    context = searched_page(
        request, filterset_class=InspectionFilter, queryset=visible, drop=("planned_on",)
    )
    return render(
        request,
        "inspections/inspection_list.html",
        {**context, "search_layout": SEARCH_LAYOUT},
    )


def _perform(request, *, queryset, pk: int, name: str, form: TransitionForm, now_in: str) -> bool:
    """Run a posted transition through the service; True when it was done.

    Conflicts come back as a message; invalid input lands on the form's fields.
    """
    try:
        transition_perform(
            queryset=queryset,
            pk=pk,
            name=name,
            actor=request.user,
            data=form.payload(),
            version=_version(request),
        )
    except NotVisible as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except Conflict as exc:
        submitted = _version(request)
        if submitted is not None and exc.version is not None and exc.version != submitted:
            # Someone else acted first: say so in words, and what they did.
            changed = timeline_for(obj=queryset.get(pk=pk))
            messages.error(
                request,
                _(
                    "Someone else changed this case while you were reading it; it is now "
                    "“%(state)s”. Last change: %(what)s. Nothing was done: look, then try again."
                )
                % {
                    "state": state_label(queryset.model, exc.state),
                    "what": changed[-1].sentence if changed else "—",
                },
            )
            return True
        messages.error(
            request,
            now_in % {"message": exc.message, "state": state_label(queryset.model, exc.state)},
        )
        return True
    except Invalid as exc:
        form.add_payload_errors(exc.errors)
        return False
    label = transition_label(queryset.model, name)
    messages.success(request, _("Done: %(action)s.") % {"action": label})
    return True


def _posted_form(model, request) -> tuple[str, TransitionForm, str]:
    name = request.POST.get("transition", "")
    entry = registered(model).get(name)
    if entry is None:
        raise Http404
    prefix = f"{name}-{request.POST.get('finding', '')}" if model is Finding else name
    form = TransitionForm(
        field_descriptions(entry.payload), data=request.POST, prefix=prefix, user=request.user
    )
    return name, form, prefix


def _action(model, name: str, label: str, form) -> dict:
    custom = transition_custom(model, name)
    return {
        "name": name,
        "label": label,
        "form": form,
        "confirm": str(custom.get("confirm", "")),
        "danger": bool(custom.get("danger")),
    }


def _findings(inspection: Inspection, user, posted: tuple | None) -> list[dict]:
    """The inspection's findings, each with the transitions the user may take on it."""
    rows = []
    for finding in inspection.findings.order_by("pk"):
        actions = []
        for available in transitions_available(instance=finding, user=user):
            prefix = f"{available['name']}-{finding.pk}"
            if posted and posted[0] == finding.pk and posted[1] == available["name"]:
                form = posted[2]
            else:
                form = TransitionForm(available["fields"], prefix=prefix, user=user)
            actions.append(_action(Finding, available["name"], available["label"], form))
        rows.append(
            {
                "finding": finding,
                "id_number": mask_id_number(finding.id_number) if finding.id_number else "",
                "actions": actions,
            }
        )
    return rows


def inspection_detail(request, pk: int):
    visible = Inspection.objects.visible_to(request.user)
    inspection = get_object_or_404(visible.select_related("enterprise__jurisdiction"), pk=pk)
    posted_name, posted_form, posted_finding = None, None, None
    if request.method == "POST" and request.POST.get("finding"):
        name, form, _prefix = _posted_form(Finding, request)
        findings = Finding.objects.visible_to(request.user).filter(inspection=inspection)
        finding_pk = request.POST["finding"]
        if not finding_pk.isdigit():
            raise Http404
        if form.is_valid() and _perform(
            request,
            queryset=findings,
            pk=int(finding_pk),
            name=name,
            form=form,
            now_in=_("%(message)s The finding is now “%(state)s”."),
        ):
            return redirect("inspections:detail", pk=pk)
        posted_finding = (int(finding_pk), name, form)
    elif request.method == "POST":
        posted_name, posted_form, _prefix = _posted_form(Inspection, request)
        if posted_form.is_valid() and _perform(
            request,
            queryset=visible,
            pk=pk,
            name=posted_name,
            form=posted_form,
            now_in=_("%(message)s The inspection is now “%(state)s”."),
        ):
            return redirect("inspections:detail", pk=pk)

    actions = []
    for available in transitions_available(instance=inspection, user=request.user):
        name = available["name"]
        if name == posted_name:
            form = posted_form
        else:
            form = TransitionForm(
                available["fields"], prefix=name, initial=_initial(inspection), user=request.user
            )
        actions.append(_action(Inspection, name, available["label"], form))
    if posted_form is not None and posted_name not in {a["name"] for a in actions}:
        actions.append(
            _action(Inspection, posted_name, transition_label(Inspection, posted_name), posted_form)
        )
    # What ends the case (cancel) comes last, apart from the others.
    actions.sort(key=lambda action: action["danger"])
    checks = inspection.worker_checks.order_by("pk")
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "officers": inspection.officers.order_by("username"),
            "actions": actions,
            "findings": _findings(inspection, request.user, posted_finding),
            "checks": [{"check": c, "id_number": mask_id_number(c.id_number)} for c in checks],
            "evidence": inspection.evidence.order_by("pk"),
            "documents": OrderDocumentSerializer(
                documents_for(subject=inspection).prefetch_related("signatures").order_by("pk"),
                many=True,
            ).data,
            "timeline": timeline_for(obj=inspection, related=inspection.findings.all()),
        },
    )


def inspection_plan(request):
    form = InspectionPlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = inspection_create(
                actor=request.user,
                enterprise=form.cleaned_data["enterprise"],
                planned_on=form.cleaned_data["planned_on"],
                officers=list(form.cleaned_data["officers"]),
            )
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except Invalid as exc:
            for name, errors in exc.errors.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("The inspection is planned."))
            return redirect("inspections:detail", pk=inspection.pk)
    return render(request, "inspections/inspection_plan.html", {"form": form})
