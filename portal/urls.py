from django.contrib.auth import views as auth_views
from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.my_enterprise, name="home"),
    path("inspections/<int:pk>/", views.inspection_page, name="inspection"),
    path("orders/<int:pk>/", views.order_page, name="order"),
    path("consent/", views.consent_page, name="consent"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="portal:login"), name="logout"),
]
