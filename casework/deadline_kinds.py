"""The names of deadline kinds (the rule codes of ``calendar_data/period-rules.csv``).

Apart from ``casework.labels`` so that the models can name a clock without
importing what imports them.
"""

from django.utils.translation import gettext_lazy

DEADLINE_KINDS = {
    "statement_window": gettext_lazy("Statement and defence period"),
    "hearing_request_window": gettext_lazy("Hearing request period"),
    "hearing_notice": gettext_lazy("Hearing notice period"),
    "extension_answer": gettext_lazy("Answer to an extension request"),
    "rectification": gettext_lazy("Rectification period"),
    "rectification_proposal": gettext_lazy("Proposed rectification period"),
    "reinspection": gettext_lazy("Re-inspection period"),
    "decision": gettext_lazy("Penalty decision period"),
    "service": gettext_lazy("Service period"),
    "publication": gettext_lazy("Publication of penalty information"),
    "retraction": gettext_lazy("Withdrawal of a publication"),
    "payment": gettext_lazy("Fine payment period"),
    "demand_wait": gettext_lazy("Waiting period after a demand"),
    "enforcement_window": gettext_lazy("Period to apply for compulsory enforcement"),
    "quarterly_report": gettext_lazy("Quarterly report due"),
}


def readable(code: str) -> str:
    """A code nobody labelled, as words: ``some_new_kind`` → ``Some new kind``."""
    words = " ".join(str(code).replace("_", " ").replace(".", " ").split())
    return words[:1].upper() + words[1:].lower() if words else "—"


def deadline_kind_label(kind: str) -> str:
    """The name of a deadline kind (a period rule's code)."""
    label = DEADLINE_KINDS.get(kind)
    return str(label) if label is not None else readable(kind)
