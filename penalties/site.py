"""The penalties application of the staff site (assembled in ``config.urls``)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from casework.frontend import StaffApp
from penalties import views


class PenaltiesApp(StaffApp):
    app_name = "penalties"
    title = _("Penalty cases")
    icon = "gavel"
    menu_template_name = "penalties/menu.html"

    index_path = path("", views.case_list, name="index")
    case_path = path("<int:pk>/", views.case_detail, name="case")
