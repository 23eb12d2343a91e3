"""Staff pages of penalty cases: the searchable list and the case's page.

The same services as the API (``casework.transitions``). The case's page shows
its parties with the fines proposed, notified and decided, the tier applied and
its circumstances, the law's range, the periods and the timeline, who acts
next, and a form for each transition the user may take whose payload is flat;
the fines per party of ``conclude``, ``review_statement`` and ``decide`` are
given through the API for now (``AMOUNTS_BY_API``).
"""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from viewflow.forms import Layout, Row

from casework.deadlines import deadlines_for
from casework.labels import deadline_kind_label
from casework.timeline import timeline_for
from casework.transitions import transitions_available
from inspections.forms import TransitionForm
from inspections.views import _action, _perform, _posted_form, searched_page
from penalties.api import PartySerializer
from penalties.filters import PenaltyCaseFilter
from penalties.flows import case_next_step
from penalties.models import PenaltyCase

SEARCH_LAYOUT = Layout(Row("q", "state", "basis"), Row("jurisdiction", "enterprise"))
AMOUNTS_BY_API = {"conclude", "review_statement", "decide"}


def _visible(request):
    return PenaltyCase.objects.visible_to(request.user).select_related("enterprise__jurisdiction")


def case_list(request):
    context = searched_page(
        request,
        filterset_class=PenaltyCaseFilter,
        queryset=_visible(request).order_by("-proposed_at", "-pk"),
        drop=("inspection",),
    )
    return render(request, "penalties/case_list.html", {**context, "search_layout": SEARCH_LAYOUT})


def case_detail(request, pk: int):
    visible = _visible(request)
    case = get_object_or_404(visible, pk=pk)
    posted_name, posted_form = None, None
    if request.method == "POST":
        posted_name, posted_form, _prefix = _posted_form(PenaltyCase, request)
        if posted_name in AMOUNTS_BY_API:
            return redirect("penalties:case", pk=pk)
        if posted_form.is_valid() and _perform(
            request,
            queryset=visible,
            pk=pk,
            name=posted_name,
            form=posted_form,
            now_in=_("%(message)s The case is now “%(state)s”."),
        ):
            return redirect("penalties:case", pk=pk)
    actions, by_api = [], []
    for available in transitions_available(instance=case, user=request.user):
        name = available["name"]
        if name in AMOUNTS_BY_API:
            by_api.append(available["label"])
            continue
        form = (
            posted_form
            if name == posted_name
            else TransitionForm(available["fields"], prefix=name, user=request.user)
        )
        actions.append(_action(PenaltyCase, name, available["label"], form))
    actions.sort(key=lambda action: action["danger"])
    parties = case.parties.select_related("case", "tier_rule")
    clocks = [
        {"deadline": d, "label": deadline_kind_label(d.kind)}
        for d in deadlines_for(subject=case).order_by("created_at", "pk")
    ]
    return render(
        request,
        "penalties/case_detail.html",
        {
            "case": case,
            "parties": PartySerializer(parties, many=True).data,
            "actions": actions,
            "by_api": by_api,
            "clocks": clocks,
            "next_step": case_next_step(case),
            "timeline": timeline_for(obj=case),
        },
    )
