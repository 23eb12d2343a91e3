from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenaltiesConfig(AppConfig):
    name = "penalties"
    verbose_name = _("Penalties")

    def ready(self):
        # Event kinds, payloads, sentences and the cases' opening, in every process.
        from casework.links import link_register
        from casework.transitions import transition_observe
        from inspections.models import Finding, RectificationOrder
        from penalties import events, opening, payloads, sentences, windows  # noqa: F401
        from penalties.models import PenaltyCase

        sentences.register()
        transition_observe(Finding, opening.finding_disposed)
        transition_observe(RectificationOrder, opening.order_reinspected)
        transition_observe(PenaltyCase, opening.case_filed)
        link_register("penalty_case", opening.penalty_case_of)
