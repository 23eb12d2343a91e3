"""URL map: staff site, enterprise portal, admin, REST API, health."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from casework.api import TokenView
from casework.deadlines_api import CalendarDeadlineView, DeadlineViewSet
from casework.health import healthz
from inspections.api import InspectionViewSet
from registry.api import EnterpriseViewSet
from registry.qualification_api import QualificationCheckView

router = DefaultRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("deadlines", DeadlineViewSet, basename="deadline")

api_urls = [
    path("auth/token", TokenView.as_view(), name="api-token"),
    path("calendar/deadline/", CalendarDeadlineView.as_view(), name="calendar-deadline"),
    path("qualification-checks/", QualificationCheckView.as_view(), name="qualification-check"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("casework.frontend")),
]
