"""Staff pages of rectification orders: the searchable list and the order's page.

The same services as the API: what a user sees comes from
``RectificationOrder.objects.visible_to``, what they may do from
``casework.transitions``; the page's forms are the transitions' payloads.
"""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from viewflow.forms import Layout, Row

from casework.deadlines import deadlines_for
from casework.labels import deadline_kind_label
from casework.timeline import timeline_for
from casework.transitions import transition_label, transitions_available
from inspections.filters import RectificationOrderFilter
from inspections.flows import order_next_step
from inspections.forms import TransitionForm
from inspections.models import RectificationOrder
from inspections.order_api import BarredWorkerSerializer, RectificationOrderSerializer
from inspections.orders import barred_workers
from inspections.views import _action, _perform, _posted_form, searched_page

SEARCH_LAYOUT = Layout(
    Row("q", "state", "jurisdiction"),
    Row("enterprise", "officer"),
    Row("due_after", "due_before"),
)
# Given on the page through other means (the API takes them as lists of objects).
PAGE_HIDDEN_FIELDS = {"record_reinspection": ("departed",), "report_completion": ("evidence",)}


def _visible(request):
    return RectificationOrder.objects.visible_to(request.user).select_related(
        "enterprise__jurisdiction", "inspection"
    )


def order_list(request):
    """Orders the user may see, searched with the API's filters; counted."""
    context = searched_page(
        request,
        filterset_class=RectificationOrderFilter,
        queryset=_visible(request).order_by("due_date", "pk"),
        drop=("inspection",),
    )
    return render(
        request,
        "inspections/order_list.html",
        {**context, "search_layout": SEARCH_LAYOUT},
    )


def _form(available: dict, user) -> TransitionForm:
    hidden = PAGE_HIDDEN_FIELDS.get(available["name"], ())
    fields = [f for f in available["fields"] if f["name"] not in hidden]
    return TransitionForm(fields, prefix=available["name"], user=user)


def order_detail(request, pk: int):
    visible = _visible(request)
    order = get_object_or_404(visible, pk=pk)
    posted_name, posted_form = None, None
    if request.method == "POST":
        posted_name, posted_form, _prefix = _posted_form(RectificationOrder, request)
        for name in PAGE_HIDDEN_FIELDS.get(posted_name, ()):
            posted_form.fields.pop(name, None)
        if posted_form.is_valid() and _perform(
            request,
            queryset=visible,
            pk=pk,
            name=posted_name,
            form=posted_form,
            now_in=_("%(message)s The order is now “%(state)s”."),
        ):
            return redirect("inspections:order", pk=pk)
    actions = []
    for available in transitions_available(instance=order, user=request.user):
        name = available["name"]
        form = posted_form if name == posted_name else _form(available, request.user)
        actions.append(_action(RectificationOrder, name, available["label"], form))
    if posted_form is not None and posted_name not in {a["name"] for a in actions}:
        label = transition_label(RectificationOrder, posted_name)
        actions.append(_action(RectificationOrder, posted_name, label, posted_form))
    actions.sort(key=lambda action: action["danger"])
    clocks = [
        {"deadline": d, "label": deadline_kind_label(d.kind)}
        for d in deadlines_for(subject=order).order_by("created_at", "pk")
    ]
    facts = RectificationOrderSerializer(order).data
    return render(
        request,
        "inspections/order_detail.html",
        {
            "order": order,
            "facts": facts,
            "documents": facts["documents"],
            "actions": actions,
            "workers": BarredWorkerSerializer(barred_workers(order), many=True).data,
            "findings": order.findings.select_related("worker").prefetch_related("checks"),
            "clocks": clocks,
            "next_step": order_next_step(order),
            "files": order.files.order_by("pk"),
            "timeline": timeline_for(obj=order, related=order.findings.all()),
        },
    )
