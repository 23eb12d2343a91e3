from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        # Register the event kinds and the transitions' payloads wherever they
        # are used (API, pages, Celery tasks, commands), not once the URLs load.
        from inspections import (  # noqa: F401
            documents,
            events,
            order_payloads,
            orders,
            payloads,
            sentences,
        )

        sentences.register()
