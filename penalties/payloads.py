"""Payloads of the penalty case's transitions, registered with the uniform API.

Amounts are checked against the law (``penalties.rules``) per party: a fine
outside the statutory range is refused with the article it breaks, on the
party's ``amount``; nothing is written.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.exceptions import Invalid
from casework.identifiers import normalise_id_number, validate_id_number
from casework.transitions import Payload, register
from inspections.payloads import officers_resolve
from penalties import rules
from penalties.models import PenaltyCase, PenaltyParty

Case = PenaltyCase
MAX_TEXT = 4000
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
        for index, party in enumerate(parties):
            refusal = rules.range_refusal(case.basis, party["kind"], party["amount"])
            if refusal:
                errors[index]["amount"] = [refusal]
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
        case.rule_versions = {**case.rule_versions, "statutory": rules.ART97}
        case.save()
        unit = case.parties.filter(kind=Kind.UNIT).first()
        case.parties.filter(kind=Kind.PERSON).delete()
        for party in parties:
            fields = {
                "name": party["name"],
                "id_number": party.get("id_number", ""),
                "position": party.get("position", ""),
                "proposed_amount": party["amount"],
                "outside_tier_reason": party.get("outside_tier_reason", ""),
            }
            if party["kind"] == Kind.UNIT and unit is not None:
                for name, value in fields.items():
                    setattr(unit, name, value)
                unit.save()
            else:
                PenaltyParty.objects.create(case=case, kind=party["kind"], **fields)

    def audit_payload(self):
        data = dict(self.data)
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


@register(Case, "no_penalty")
class NoPenaltyPayload(Payload):
    reason = _reason(_("Reason"))


@register(Case, "withdraw")
class WithdrawPayload(Payload):
    reason = _reason(_("Reason"))


@register(Case, "transfer")
class TransferPayload(Payload):
    to = serializers.CharField(
        label=_("Transferred to"),
        help_text=_("The authority, or the public security organ for a criminal case."),
        max_length=200,
    )
    reason = _reason(_("Reason"))
