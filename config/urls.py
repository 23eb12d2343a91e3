"""URL map: staff site, enterprise portal, officer's phone pages, admin, REST API, health.

The staff site is assembled here from the applications the apps offer.
"""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter
from viewflow.contrib.auth import AuthViewset
from viewflow.workflow.flow import FlowViewset

from casework.api import TokenView
from casework.deadlines_api import CalendarDeadlineView, DeadlineViewSet
from casework.document_api import DocumentViewSet
from casework.flows import EscalationFlow
from casework.frontend import StaffSite, WorkflowApp
from casework.health import healthz
from casework.inbox_api import InboxView
from inspections.api import EvidenceViewSet, FindingViewSet, InspectionViewSet
from inspections.flows import RectificationFlow
from inspections.order_api import RectificationOrderViewSet
from inspections.site import InspectionsApp
from penalties.api import PenaltyCaseViewSet
from penalties.flows import PenaltyFlow
from penalties.site import PenaltiesApp
from registry.api import (
    CertificateViewSet,
    EnterpriseViewSet,
    ImportView,
    SkillCertificateViewSet,
    TrainerViewSet,
    TrainingViewSet,
    WorkerViewSet,
)
from registry.qualification_api import QualificationCheckView

router = DefaultRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("workers", WorkerViewSet, basename="worker")
router.register("certificates", CertificateViewSet, basename="certificate")
router.register("trainings", TrainingViewSet, basename="training")
router.register("trainers", TrainerViewSet, basename="trainer")
router.register("skill-certificates", SkillCertificateViewSet, basename="skill-certificate")
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("findings", FindingViewSet, basename="finding")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("rectification-orders", RectificationOrderViewSet, basename="rectification-order")
router.register("penalty-cases", PenaltyCaseViewSet, basename="penalty-case")
router.register("deadlines", DeadlineViewSet, basename="deadline")
router.register("documents", DocumentViewSet, basename="document")

api_urls = [
    path("auth/token", TokenView.as_view(), name="api-token"),
    path("imports/", ImportView.as_view(), name="register-import"),
    path("calendar/deadline/", CalendarDeadlineView.as_view(), name="calendar-deadline"),
    path("inbox/", InboxView.as_view(), name="inbox"),
    path("qualification-checks/", QualificationCheckView.as_view(), name="qualification-check"),
    path("access-log/", include("inspections.access_log")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]

flows = [FlowViewset(RectificationFlow), FlowViewset(PenaltyFlow), FlowViewset(EscalationFlow)]
staff_site = StaffSite(
    viewsets=[WorkflowApp(flow_viewsets=flows), InspectionsApp(), PenaltiesApp()]
)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    # Viewflow's pages load it by this name: their scripts' strings, in the user's language.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", AuthViewset(with_profile_view=False).urls),
    path("portal/", include("portal.urls")),
    path("m/", include("inspections.phone")),  # the officer's phone pages
    path("", staff_site.urls),
]

# Under /api/ these answer JSON, elsewhere Django's pages (casework.errors).
handler400 = "casework.errors.bad_request"
handler403 = "casework.errors.permission_denied"
handler404 = "casework.errors.page_not_found"
handler500 = "casework.errors.server_error"
