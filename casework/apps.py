from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")

    def ready(self):
        # Registration happens here, in every process (web, worker, beat, a
        # command run with --skip-checks), never because a URLconf was imported:
        # the spine's event kinds, its sweep handlers and login auditing.
        from casework import deadlines, documents, events, service, signals, sweeps  # noqa: F401
