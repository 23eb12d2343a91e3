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

        from django.db.models import Q

        from casework.flows import collection_register, party_tasks_register
        from casework.transitions import transition_observe
        from inspections.flows import order_follow
        from inspections.models import RectificationOrder

        transition_observe(RectificationOrder, order_follow)
        collection_register(RectificationOrder, "rectification-orders")
        party_tasks_register(
            lambda enterprise: Q(process__orderprocess__order__enterprise=enterprise)
        )
