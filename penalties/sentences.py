"""How a penalty case's events read on its timeline, in the reader's language."""

from django.utils.translation import gettext as _

from casework.events import TRANSITION_PERFORMED
from casework.timeline import Sentence, sentence_register
from inspections.sentences import _people
from penalties.events import CASE_FINDING_ADDED, CASE_OPENED
from penalties.models import PenaltyCase, PenaltyParty

CAUSES = {
    "finding_disposed": lambda p: _("with the disposition of finding %(n)s") % {"n": p["finding"]},
    "not_rectified": lambda p: (
        _("as rectification order %(n)s was not rectified") % {"n": p["rectification_order"]}
    ),
    "opened_by_hand": lambda p: _("by hand"),
}


def _opened(event, actor, cache):
    payload = event.payload
    basis = PenaltyCase.Basis(payload["basis"]).label
    cause = CAUSES.get(payload.get("cause"), lambda p: "")(payload)
    text = _("%(actor)s: penalty case proposed under %(basis)s, %(cause)s") % {
        "actor": actor,
        "basis": basis,
        "cause": cause,
    }
    if payload.get("suspension_ordered"):
        text += _("; with the order to suspend production")
    return Sentence(text)


def _finding_added(event, actor, cache):
    return Sentence(
        _("%(actor)s added finding %(n)s to the case")
        % {"actor": actor, "n": event.payload["finding"]}
    )


def _filed(event, actor, cache):
    return Sentence(_("%(actor)s filed the case") % {"actor": actor})


def _investigation(event, actor, cache):
    officers = "、".join(_people(cache, event.payload.get("officers", [])))
    return Sentence(
        _("%(actor)s started the investigation, with %(officers)s")
        % {"actor": actor, "officers": officers}
    )


def _concluded(event, actor, cache):
    parties = event.payload.get("parties", [])
    amounts = "；".join(f"{p['name']} {p['amount']} 元" for p in parties)
    text = _("%(actor)s concluded the investigation and proposed: %(amounts)s") % {
        "actor": actor,
        "amounts": amounts,
    }
    if event.payload.get("review_required"):
        text += _(" (legal review required)")
    return Sentence(text)


def _passed(event, actor, cache):
    return Sentence(
        _("%(actor)s passed the legal review: %(opinion)s")
        % {"actor": actor, "opinion": event.payload.get("opinion", "")}
    )


def _returned(event, actor, cache):
    return Sentence(
        _("%(actor)s returned the case for more investigation: %(opinion)s")
        % {"actor": actor, "opinion": event.payload.get("opinion", "")}
    )


def _approved(event, actor, cache):
    return Sentence(_("%(actor)s approved the proposed penalty") % {"actor": actor})


def _ended(text):
    def render(event, actor, cache):
        return Sentence(text() % {"actor": actor, "reason": event.payload.get("reason", "")})

    return render


def _transferred(event, actor, cache):
    return Sentence(
        _("%(actor)s transferred the case to %(to)s: %(reason)s")
        % {
            "actor": actor,
            "to": event.payload.get("to", ""),
            "reason": event.payload.get("reason", ""),
        }
    )


def _amounts(payload) -> str:
    return "；".join(f"{_party_name(p)} {p['amount']} 元" for p in payload.get("parties", []))


def _party_name(item) -> str:
    party = PenaltyParty.objects.filter(pk=item.get("party")).first()
    return party.name if party is not None else ""


def _notified(event, actor, cache):
    return Sentence(
        _("%(actor)s served the notice of the proposed penalty on %(day)s")
        % {"actor": actor, "day": event.payload.get("served_on", "")}
    )


def _statement(event, actor, cache):
    return Sentence(
        _("%(actor)s stated the party's case: %(text)s")
        % {"actor": actor, "text": event.payload.get("statement", "")}
    )


def _statement_reviewed(event, actor, cache):
    return Sentence(
        _("%(actor)s reviewed the statement (%(opinion)s): %(amounts)s")
        % {
            "actor": actor,
            "opinion": event.payload.get("opinion", ""),
            "amounts": _amounts(event.payload),
        }
    )


def _hearing_requested(event, actor, cache):
    return Sentence(_("%(actor)s requested a hearing") % {"actor": actor})


def _waived(event, actor, cache):
    return Sentence(
        _("%(actor)s waived in writing the statement and the hearing: %(text)s")
        % {"actor": actor, "text": event.payload.get("waiver", "")}
    )


def _elapsed(event, actor, cache):
    return Sentence(_("The party's periods passed without a statement or a request"))


def _decided(event, actor, cache):
    return Sentence(
        _("%(actor)s decided the penalty: %(amounts)s")
        % {"actor": actor, "amounts": _amounts(event.payload)}
    )


def _decision_served(event, actor, cache):
    return Sentence(
        _("%(actor)s served the decision on %(day)s")
        % {"actor": actor, "day": event.payload.get("served_on", "")}
    )


def _on_spot(event, actor, cache):
    return Sentence(
        _("%(actor)s decided a fine of %(amount)s yuan on the spot")
        % {"actor": actor, "amount": event.payload.get("amount", "")}
    )


def _hearing_scheduled(event, actor, cache):
    presider = "、".join(_people(cache, [event.payload.get("presider", "")]))
    return Sentence(
        _("%(actor)s set the hearing for %(day)s, presided by %(presider)s")
        % {"actor": actor, "day": event.payload.get("hearing_on", ""), "presider": presider}
    )


def _hearing_held(event, actor, cache):
    return Sentence(_("%(actor)s recorded the hearing") % {"actor": actor})


def _sent_to_review(event, actor, cache):
    return Sentence(
        _("%(actor)s sent the case for legal review after the hearing") % {"actor": actor}
    )


def register() -> None:
    sentence_register(CASE_OPENED.action, _opened)
    sentence_register(CASE_FINDING_ADDED.action, _finding_added)
    for name, render in (
        ("file", _filed),
        ("start_investigation", _investigation),
        ("conclude", _concluded),
        ("pass", _passed),
        ("return", _returned),
        ("approve", _approved),
        (
            "no_penalty",
            _ended(lambda: _("%(actor)s closed the case without a penalty: %(reason)s")),
        ),
        ("withdraw", _ended(lambda: _("%(actor)s withdrew the case: %(reason)s"))),
        ("transfer", _transferred),
        ("notify", _notified),
        ("submit_statement", _statement),
        ("review_statement", _statement_reviewed),
        ("request_hearing", _hearing_requested),
        ("waive", _waived),
        ("windows_elapse", _elapsed),
        ("decide", _decided),
        ("serve", _decision_served),
        ("decide_on_spot", _on_spot),
        ("schedule_hearing", _hearing_scheduled),
        ("hold_hearing", _hearing_held),
        ("send_to_review", _sent_to_review),
    ):
        sentence_register(TRANSITION_PERFORMED.action, render, transition=name, model=PenaltyCase)
