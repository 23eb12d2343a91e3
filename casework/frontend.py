"""The parts of the staff site (Viewflow's frontend) that every app shares.

Staff work in the "Casework" site: the workflow app (inbox, queue, archive) and
one Viewflow ``Application`` per domain app, which each app offers and
``config.urls`` assembles into a ``StaffSite``. Enterprise users have the portal
and are sent there from any staff page; anonymous visitors go to the login.
"""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy
from django.views.generic import RedirectView
from viewflow.middleware import SiteMiddleware as ViewflowSiteMiddleware
from viewflow.urls import Application, Site
from viewflow.workflow.flow.viewset import NestedFlowsApp, WorkflowAppViewset

# Strings of Viewflow's pages that its own zh_Hans catalogue leaves untranslated;
# listed here so that makemessages puts them into ours.
VIEWFLOW_MESSAGES = (
    gettext_noop("Applications"),
    gettext_noop("Inbox"),
    gettext_noop("Queue"),
    gettext_noop("Archive"),
    gettext_noop("Processes"),
    gettext_noop("Back"),
    gettext_noop("Task"),
    gettext_noop("Process"),
    gettext_noop("Brief"),
    gettext_noop("Process brief"),
    gettext_noop("Created"),
    gettext_noop("Finished"),
    gettext_noop("Yesterday"),
    gettext_noop("Select all"),
    gettext_noop("Pick an action"),
    gettext_noop("GO"),
    gettext_noop("New process"),
    gettext_noop("Assign selected tasks"),
    gettext_noop("Unassign selected tasks"),
    gettext_noop("Reset password"),
    gettext_noop("Flow"),
    gettext_noop("Status"),
)
# The states of Viewflow's processes and tasks (fields our process models inherit).
VIEWFLOW_STATUSES = (
    pgettext_lazy("STATUS", "New"),
    pgettext_lazy("STATUS", "Done"),
    pgettext_lazy("STATUS", "Canceled"),
)


def is_staff_user(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff_role


class WorkflowApp(WorkflowAppViewset):
    """Inbox, queue and archive over every flow; shown to staff even before any flow exists."""

    title = _("Tasks")
    # Home: the workbench, which the inspections app offers (named, not imported).
    index_path = path("", RedirectView.as_view(pattern_name="inspections:workbench"), name="index")

    def __init__(self, flow_viewsets=(), **kwargs):
        super().__init__(list(flow_viewsets), **kwargs)
        if not self.flow_classes:
            # The "Processes" app lists flows; with none it has no index to go to.
            self.viewsets = [v for v in self.viewsets if not isinstance(v, NestedFlowsApp)]
            self._children = [v for v in self._children if not isinstance(v, NestedFlowsApp)]

    def has_view_permission(self, user, obj=None):
        return is_staff_user(user)


class StaffApp(Application):
    """An application of the staff site: shown to active staff only."""

    def has_view_permission(self, user, obj=None):
        return is_staff_user(user)


class StaffSite(Site):
    title = _("Casework")
    primary_color = "#1f4e79"
    secondary_color = "#c62828"
    # Home: the workbench, which the inspections app offers (named, not imported).
    index_path = path("", RedirectView.as_view(pattern_name="inspections:workbench"), name="index")

    def has_view_permission(self, user, obj=None):
        return is_staff_user(user)


API_PREFIX = "/api/"


class SiteMiddleware(ViewflowSiteMiddleware):
    """Viewflow's site middleware, sending everyone but staff away from the staff site.

    The API (``/api/``) belongs to no site and no app: nothing to do there.
    """

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if request.path_info.startswith(API_PREFIX):
            return None
        match = request.resolver_match
        extra = getattr(match.url_name, "extra", {}) if match else {}
        if isinstance(extra.get("site"), StaffSite):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user.is_enterprise_user:
                return redirect("portal:home")
        return super().process_view(request, callback, callback_args, callback_kwargs)

    def process_template_response(self, request, response):
        if request.path_info.startswith(API_PREFIX):
            return response
        return super().process_template_response(request, response)
