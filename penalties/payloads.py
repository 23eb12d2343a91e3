"""Payloads of the penalty case's transitions, registered with the uniform API.

Amounts are checked against the law (``penalties.rules``) per party: a fine
outside the statutory range is refused with the article it breaks, on the
party's ``amount``; nothing is written.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.dates import validate_real_date
from casework.deadlines import period_compute
from casework.exceptions import Forbidden, Invalid
from casework.identifiers import normalise_id_number, validate_id_number
from casework.transitions import Payload, register
from casework.visibility import jurisdiction_q
from casework.workdays import WORKING_DAYS
from inspections.payloads import officers_resolve
from penalties import discretion, rules, windows
from penalties.models import DiscretionTier, PenaltyCase, PenaltyParty

Case = PenaltyCase
MAX_TEXT = 4000
SERVICE_METHODS = [
    ("in_person", _("In person")),
    ("left_at_premises", _("Left at the premises with a witness")),
    ("post", _("By post")),
]
Kind = PenaltyParty.Kind


def _reason(label):
    return serializers.CharField(label=label, max_length=MAX_TEXT)


@register(Case, "file")
class FilePayload(Payload):
    note = serializers.CharField(
        label=_("Note"), required=False, allow_blank=True, max_length=MAX_TEXT
    )

    def apply(self, case):
        case.file(**self.validated_data)
        case.filed_by = self.context["actor"]
        case.save()
        windows.case_filed(case, actor=self.context["actor"])


@register(Case, "start_investigation")
class StartInvestigationPayload(Payload):
    officers = serializers.ListField(
        child=serializers.CharField(max_length=150),
        label=_("Investigating officers"),
        help_text=_("Usernames of at least two officers with credentials valid today."),
        max_length=20,
    )

    def validate_officers(self, usernames):
        case = self.context["instance"]
        return officers_resolve(
            usernames=usernames,
            enterprise=case.enterprise,
            on=timezone.localdate(self.context["now"]),
            caller=self.context["actor"],
        )

    def apply(self, case):
        officers = self.validated_data["officers"]
        case.start_investigation(officers=officers)
        case.save()
        case.investigators.set(officers)

    def audit_payload(self):
        return {"officers": [o.username for o in self.validated_data["officers"]]}


class PartyInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, label=_("Kind of party"))
    name = serializers.CharField(label=_("Name"), max_length=200)
    id_number = serializers.CharField(
        label=_("Resident ID number"), required=False, allow_blank=True, max_length=18
    )
    position = serializers.CharField(
        label=_("Position"), required=False, allow_blank=True, max_length=100
    )
    amount = serializers.DecimalField(
        label=_("Proposed fine (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
    )
    tier = serializers.ChoiceField(
        label=_("Discretion tier"),
        choices=[("", "—"), *DiscretionTier.Tier.choices],
        required=False,
        allow_blank=True,
        help_text=_("Required where a discretion benchmark is in force."),
    )
    outside_tier_reason = serializers.CharField(
        label=_("Reason for an amount outside the tier"),
        required=False,
        allow_blank=True,
        max_length=MAX_TEXT,
    )

    def validate_id_number(self, value):
        if not value:
            return ""
        try:
            validate_id_number(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return normalise_id_number(value)


@register(Case, "conclude")
class ConcludePayload(Payload):
    facts = serializers.CharField(label=_("Facts found"), max_length=MAX_TEXT)
    parties = PartyInput(many=True, label=_("Parties and proposed fines"))

    def validate(self, attrs):
        case = self.context["instance"]
        parties = attrs["parties"]
        errors: list[dict] = [{} for _party in parties]
        units = [p for p in parties if p["kind"] == Kind.UNIT]
        problems = []
        if len(units) != 1:
            problems.append(_("The case has exactly one unit among its parties."))
        today = timezone.localdate(self.context["now"])
        for index, party in enumerate(parties):
            refusal = rules.range_refusal(case.basis, party["kind"], party["amount"])
            if refusal:
                errors[index]["amount"] = [refusal]
                continue
            problems_of_tier, chosen = discretion.tier_check(
                case=case,
                kind=party["kind"],
                tier=party.get("tier", ""),
                amount=party["amount"],
                reason=party.get("outside_tier_reason", ""),
                on=today,
            )
            errors[index].update(problems_of_tier)
            party["tier_rule"] = chosen
            if party["kind"] == Kind.PERSON and not party.get("id_number"):
                errors[index]["id_number"] = [_("A responsible person is named with an ID number.")]
        if problems:
            raise serializers.ValidationError({"parties": problems})
        if any(errors):
            raise serializers.ValidationError({"parties": errors})
        return attrs

    def apply(self, case):
        parties = self.validated_data["parties"]
        required = rules.review_required(case, [(p["kind"], p["amount"]) for p in parties])
        case.conclude(facts=self.validated_data["facts"], parties=parties, review_required=required)
        case.concluded_by = self.context["actor"]
        versions = {"statutory": rules.ART97}
        applied = [p["tier_rule"] for p in parties if p.get("tier_rule") is not None]
        if applied:
            first = applied[0]
            versions["discretion"] = {
                "jurisdiction": first.jurisdiction_id or "national",
                "effective_from": first.effective_from.isoformat(),
                "sample": first.sample,
            }
        case.rule_versions = {**case.rule_versions, **versions}
        case.save()
        unit = case.parties.filter(kind=Kind.UNIT).first()
        case.parties.filter(kind=Kind.PERSON).delete()
        for party in parties:
            fields = {
                "name": party["name"],
                "id_number": party.get("id_number", ""),
                "position": party.get("position", ""),
                "proposed_amount": party["amount"],
                "tier": party.get("tier", ""),
                "tier_rule": party.get("tier_rule"),
                "outside_tier_reason": party.get("outside_tier_reason", ""),
            }
            if party["kind"] == Kind.UNIT and unit is not None:
                for name, value in fields.items():
                    setattr(unit, name, value)
                unit.save()
            else:
                PenaltyParty.objects.create(case=case, kind=party["kind"], **fields)

    def audit_payload(self):
        data = {"facts": self.data["facts"], "parties": []}
        for given, party in zip(self.data["parties"], self.validated_data["parties"], strict=True):
            tier = party.get("tier_rule")
            data["parties"].append({**given, "tier_rule": tier.pk if tier is not None else None})
        data["review_required"] = self.context["instance"].review_required
        return data


class _ReviewPayload(Payload):
    opinion = serializers.CharField(label=_("Legal review opinion"), max_length=MAX_TEXT)

    def apply(self, case):
        getattr(case, self.transition_name)(**self.validated_data)
        case.reviewed_by = self.context["actor"]


@register(Case, "pass")
class PassPayload(_ReviewPayload):
    pass


@register(Case, "return")
class ReturnPayload(_ReviewPayload):
    pass


@register(Case, "approve")
class ApprovePayload(Payload):
    note = serializers.CharField(
        label=_("Note"), required=False, allow_blank=True, max_length=MAX_TEXT
    )

    def validate(self, attrs):
        case = self.context["instance"]
        if case.review_required and case.reviewed_at is None:
            raise Invalid(str(_("The legal review this case requires has not passed yet.")))
        return attrs

    def apply(self, case):
        case.approve(**self.validated_data)
        case.approved_by = self.context["actor"]


class _EndingPayload(Payload):
    def apply(self, case):
        getattr(case, self.transition_name)(**self.validated_data)
        windows.case_ended(case, actor=self.context["actor"], reason=self.transition_name)


@register(Case, "no_penalty")
class NoPenaltyPayload(_EndingPayload):
    reason = _reason(_("Reason"))


@register(Case, "withdraw")
class WithdrawPayload(_EndingPayload):
    reason = _reason(_("Reason"))


@register(Case, "transfer")
class TransferPayload(_EndingPayload):
    to = serializers.CharField(
        label=_("Transferred to"),
        help_text=_("The authority, or the public security organ for a criminal case."),
        max_length=200,
    )
    reason = _reason(_("Reason"))


# -- the notice, the party's answer, the decision -------------------------------------


class _ServicePayload(Payload):
    method = serializers.ChoiceField(choices=SERVICE_METHODS, label=_("Service method"))
    served_on = serializers.DateField(label=_("Served on"), validators=[validate_real_date])
    recipient = serializers.CharField(
        label=_("Received by"), required=False, allow_blank=True, max_length=100
    )
    witness = serializers.CharField(
        label=_("Witness"), required=False, allow_blank=True, max_length=100
    )

    def validate(self, attrs):
        today = timezone.localdate(self.context["now"])
        errors = {}
        if attrs["served_on"] > today:
            errors["served_on"] = [_("The service date cannot be in the future.")]
        if attrs["method"] == "in_person" and not attrs.get("recipient", "").strip():
            errors["recipient"] = [_("Service in person needs the recipient who signed for it.")]
        if attrs["method"] == "left_at_premises" and not attrs.get("witness", "").strip():
            errors["witness"] = [
                _("Leaving a document at the premises (留置送达) needs a witness to it.")
            ]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


@register(Case, "notify")
class NotifyPayload(_ServicePayload):
    def validate(self, attrs):
        attrs = super().validate(attrs)
        case = self.context["instance"]
        if case.approved_at and attrs["served_on"] < timezone.localdate(case.approved_at):
            raise serializers.ValidationError(
                {"served_on": [_("The notice cannot be served before the penalty was approved.")]}
            )
        return attrs

    def apply(self, case):
        data = self.validated_data
        case.notify(service_method=data["method"], served_on=data["served_on"])
        parties = list(case.parties.all())
        case.hearing_eligible = rules.hearing_eligible(
            case, [(p.kind, p.proposed_amount or Decimal("0")) for p in parties]
        )
        case.save()
        for party in parties:
            party.notified_amount = party.proposed_amount
            party.save(update_fields=["notified_amount"])
        windows.notice_served(case, actor=self.context["actor"])


def _window_open(case, kind: str, today) -> bool:
    return any(d.kind == kind and d.due_date >= today for d in windows.open_windows(case))


@register(Case, "submit_statement")
class StatementPayload(Payload):
    statement = serializers.CharField(label=_("Statement and defence"), max_length=MAX_TEXT)

    def validate(self, attrs):
        case = self.context["instance"]
        if not _window_open(case, windows.STATEMENT, timezone.localdate(self.context["now"])):
            raise Invalid(str(_("The period to state your case has passed.")))
        return attrs

    def apply(self, case):
        case.submit_statement(**self.validated_data)
        windows.party_acted(case, actor=self.context["actor"], reason="statement")


@register(Case, "request_hearing")
class HearingRequestPayload(Payload):
    reason = serializers.CharField(
        label=_("Reason"), required=False, allow_blank=True, max_length=MAX_TEXT
    )

    def validate(self, attrs):
        case = self.context["instance"]
        if not _window_open(case, windows.HEARING, timezone.localdate(self.context["now"])):
            raise Invalid(str(_("The period to request a hearing has passed.")))
        return attrs

    def apply(self, case):
        case.request_hearing(**self.validated_data)
        windows.party_acted(case, actor=self.context["actor"], reason="hearing requested")


@register(Case, "waive")
class WaivePayload(Payload):
    waiver = serializers.CharField(
        label=_("Written waiver"),
        help_text=_("In the party's words: that it waives its statement and hearing."),
        max_length=MAX_TEXT,
    )

    def apply(self, case):
        case.waive(**self.validated_data)
        windows.party_acted(case, actor=self.context["actor"], reason="waived in writing")


@register(Case, "windows_elapse")
class WindowsElapsePayload(Payload):
    pass


class AmountInput(serializers.Serializer):
    party = serializers.IntegerField(label=_("Party"), min_value=1, max_value=2**31 - 1)
    amount = serializers.DecimalField(
        label=_("Fine (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0")
    )


def amounts_check(case, given: list[dict], *, ceiling: str, dropping: bool, parties=None) -> dict:
    """Check one amount per party: within the law, never above ``ceiling`` (the notice's).

    ``parties`` are the case's (read from it when not given). Returns party → amount,
    or raises a ValidationError naming each party's ``amount`` that is refused.
    """
    parties = {p.pk: p for p in (case.parties.all() if parties is None else parties)}
    errors: list[dict] = [{} for _item in given]
    seen = set()
    for index, item in enumerate(given):
        party = parties.get(item["party"])
        if party is None or item["party"] in seen:
            errors[index]["party"] = [_("Each party of this case, once.")]
            continue
        seen.add(item["party"])
        amount = item["amount"]
        cap = getattr(party, ceiling)
        if party.reviewed_amount is not None and ceiling == "notified_amount":
            cap = min(cap, party.reviewed_amount) if cap is not None else party.reviewed_amount
        if dropping and amount == 0:
            continue
        refusal = rules.range_refusal(case.basis, party.kind, amount)
        if refusal:
            errors[index]["amount"] = [refusal]
        elif cap is not None and amount > cap:
            errors[index]["amount"] = [
                _("The fine may not exceed the %(cap)s yuan the party was told of (art. 45).")
                % {"cap": f"{cap:.2f}"}
            ]
    if not any(errors) and seen != set(parties):
        raise serializers.ValidationError({"parties": [_("Each party of this case, once.")]})
    if any(errors):
        raise serializers.ValidationError({"parties": errors})
    return {parties[item["party"]]: item["amount"] for item in given}


@register(Case, "review_statement")
class ReviewStatementPayload(Payload):
    opinion = serializers.CharField(label=_("Review of the statement"), max_length=MAX_TEXT)
    parties = AmountInput(
        many=True,
        label=_("Fines after the statement"),
        help_text=_("Per party: the same, lower, or 0 to drop it; never higher (art. 45)."),
    )

    def validate(self, attrs):
        case = self.context["instance"]
        attrs["amounts"] = amounts_check(
            case, attrs["parties"], ceiling="notified_amount", dropping=True
        )
        return attrs

    def apply(self, case):
        amounts = self.validated_data["amounts"]
        case.review_statement(opinion=self.validated_data["opinion"], parties=amounts)
        for party, amount in amounts.items():
            party.reviewed_amount = amount
            party.save(update_fields=["reviewed_amount"])

    def audit_payload(self):
        return {"opinion": self.data["opinion"], "parties": self.data["parties"]}


@register(Case, "decide")
class DecidePayload(Payload):
    parties = AmountInput(many=True, label=_("Fines decided"))

    def validate(self, attrs):
        case = self.context["instance"]
        today = timezone.localdate(self.context["now"])
        if case.waived_at is None and any(d.due_date >= today for d in windows.open_windows(case)):
            raise Invalid(
                str(
                    _(
                        "The party's period to state its case or to ask for a hearing is still "
                        "open, and it has not waived it in writing."
                    )
                )
            )
        attrs["amounts"] = amounts_check(
            case, attrs["parties"], ceiling="notified_amount", dropping=False
        )
        return attrs

    def apply(self, case):
        amounts = self.validated_data["amounts"]
        case.decide(parties=amounts)
        case.decided_by = self.context["actor"]
        case.rule_versions = {**case.rule_versions, "decided_under": rules.ART97}
        for party, amount in amounts.items():
            party.decided_amount = amount
            party.save(update_fields=["decided_amount"])
        windows.decided(case, actor=self.context["actor"], reason="decided")

    def audit_payload(self):
        return {"parties": self.data["parties"]}


@register(Case, "serve")
class ServeDecisionPayload(_ServicePayload):
    def apply(self, case):
        data = self.validated_data
        case.serve(service_method=data["method"], served_on=data["served_on"])
        case.save()
        windows.decision_served(case, actor=self.context["actor"])


@register(Case, "decide_on_spot")
class DecideOnSpotPayload(Payload):
    """The simple procedure (当场处罚): one step from the proposal to the decision."""

    facts = serializers.CharField(label=_("Facts found"), max_length=MAX_TEXT)
    amount = serializers.DecimalField(
        label=_("Fine on the unit (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
    )

    def validate(self, attrs):
        case = self.context["instance"]
        amount = attrs["amount"]
        refusal = rules.range_refusal(case.basis, Kind.UNIT, amount) or rules.on_the_spot_refusal(
            Kind.UNIT, amount
        )
        if refusal:
            raise serializers.ValidationError({"amount": [refusal]})
        return attrs

    def apply(self, case):
        amount = self.validated_data["amount"]
        case.decide_on_spot(facts=self.validated_data["facts"], parties={})
        case.decided_by = self.context["actor"]
        case.rule_versions = {**case.rule_versions, "decided_under": rules.ART51}
        case.save()
        case.parties.filter(kind=Kind.UNIT).update(
            proposed_amount=amount, notified_amount=amount, decided_amount=amount
        )


# -- the hearing ----------------------------------------------------------------------


@register(Case, "schedule_hearing")
class ScheduleHearingPayload(Payload):
    hearing_on = serializers.DateField(label=_("Hearing on"), validators=[validate_real_date])
    notice_served_on = serializers.DateField(
        label=_("Hearing notice served on"),
        help_text=_("At least 7 working days before the hearing (art. 64)."),
        validators=[validate_real_date],
    )
    presider = serializers.CharField(
        label=_("Presider"),
        help_text=_("Username of the staff member who presides; not one who investigated."),
        max_length=150,
    )

    def validate(self, attrs):
        case = self.context["instance"]
        actor = self.context["actor"]
        today = timezone.localdate(self.context["now"])
        presider = (
            get_user_model()
            .objects.filter(jurisdiction_q(actor, "jurisdiction__path"))
            .filter(username=attrs["presider"], is_active=True)
            .exclude(role="enterprise")
            .first()
        )
        if presider is None:
            raise serializers.ValidationError(
                {"presider": [_("No active staff member of your jurisdiction has this username.")]}
            )
        if case.investigators.filter(pk=presider.pk).exists():
            raise Forbidden(_("An officer who investigated the case may not preside its hearing."))
        errors = {}
        if attrs["notice_served_on"] > today:
            errors["notice_served_on"] = [_("The service date cannot be in the future.")]
        else:
            earliest = period_compute(
                jurisdiction=case.enterprise.jurisdiction,
                start=attrs["notice_served_on"],
                length=7,
                unit=WORKING_DAYS,
            ).due
            if attrs["hearing_on"] < earliest:
                errors["hearing_on"] = [
                    _("The hearing is at least 7 working days after its notice: %(day)s or later.")
                    % {"day": earliest.isoformat()}
                ]
        if errors:
            raise serializers.ValidationError(errors)
        attrs["presider"] = presider
        return attrs

    def audit_payload(self):
        data = dict(self.data)
        data["presider"] = self.validated_data["presider"].username
        return data


@register(Case, "hold_hearing")
class HoldHearingPayload(Payload):
    record = serializers.CharField(label=_("Hearing record"), max_length=MAX_TEXT * 5)

    def validate(self, attrs):
        case = self.context["instance"]
        if case.hearing_on and timezone.localdate(self.context["now"]) < case.hearing_on:
            raise Invalid(str(_("The hearing is set for %(day)s.") % {"day": case.hearing_on}))
        return attrs


@register(Case, "send_to_review")
class SendToReviewPayload(Payload):
    note = serializers.CharField(
        label=_("Note"), required=False, allow_blank=True, max_length=MAX_TEXT
    )
