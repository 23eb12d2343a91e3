from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        # Register the transitions' payloads wherever transitions are performed
        # (API, pages, Celery tasks, commands), not only once the URLs load.
        from inspections import payloads  # noqa: F401
