from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenaltiesConfig(AppConfig):
    name = "penalties"
    verbose_name = _("Penalties")

    def ready(self):
        # Event kinds, payloads, sentences and the cases' opening, in every process.
        from django.db.models import Q

        from casework.flows import collection_register, party_tasks_register
        from casework.links import link_register
        from casework.transitions import transition_observe
        from inspections.models import Finding, RectificationOrder
        from penalties import events, flows, opening, payloads, sentences, windows  # noqa: F401
        from penalties.models import PenaltyCase

        sentences.register()
        transition_observe(Finding, opening.finding_disposed)
        transition_observe(RectificationOrder, opening.order_reinspected)
        transition_observe(PenaltyCase, opening.case_filed)
        transition_observe(PenaltyCase, flows.case_follow)
        collection_register(PenaltyCase, "penalty-cases")
        party_tasks_register(
            lambda enterprise: Q(process__caseprocess__case__enterprise=enterprise)
        )
        link_register("penalty_case", opening.penalty_case_of)
