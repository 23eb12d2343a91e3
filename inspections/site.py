"""The inspections application of the staff site (assembled in ``config.urls``)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from casework.frontend import StaffApp
from inspections import order_views, views, workbench


class InspectionsApp(StaffApp):
    app_name = "inspections"
    title = _("Inspections")
    icon = "fact_check"
    menu_template_name = "inspections/menu.html"

    index_path = path("", views.inspection_list, name="index")
    workbench_path = path("workbench/", workbench.workbench, name="workbench")
    plan_path = path("plan/", views.inspection_plan, name="plan")
    detail_path = path("<int:pk>/", views.inspection_detail, name="detail")
    orders_path = path("orders/", order_views.order_list, name="orders")
    order_path = path("orders/<int:pk>/", order_views.order_detail, name="order")
