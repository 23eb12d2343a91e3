"""Application configs of third-party apps, for the names the administration shows.

django-axes names its app "Axes" without a translation; Casework names it by what it does.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in lockouts")
