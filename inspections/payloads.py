"""Payloads of the inspection transitions, registered with the uniform API."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.dates import validate_real_date
from casework.deadlines import fixed_due_check
from casework.exceptions import Invalid
from casework.transitions import Payload, register
from casework.visibility import jurisdiction_q
from inspections.models import Finding, Inspection

MIN_OFFICERS = 2


def officers_resolve(*, usernames: list[str], enterprise, on, caller) -> list:
    """Return the officers named, or raise naming every one that cannot inspect on ``on``.

    Each must be an active officer whose jurisdiction covers the enterprise and
    whose enforcement credential is valid on that day. An officer outside the
    caller's jurisdiction is answered as an unknown username: the refusal does
    not tell who works elsewhere.
    """
    if len(set(usernames)) < MIN_OFFICERS:
        raise serializers.ValidationError(
            _("At least %(n)d different officers are required.") % {"n": MIN_OFFICERS}
        )
    found = {
        u.username: u
        for u in get_user_model()
        .objects.select_related("jurisdiction")
        .filter(jurisdiction_q(caller, "jurisdiction__path"))
        .filter(username__in=usernames, is_active=True, role="officer")
    }
    problems = []
    for username in dict.fromkeys(usernames):
        officer = found.get(username)
        if officer is None:
            problems.append(
                _("%(u)s is not an active officer in your jurisdiction.") % {"u": username}
            )
        elif officer.jurisdiction is None or not officer.jurisdiction.contains(
            enterprise.jurisdiction
        ):
            problems.append(_("%(u)s has no jurisdiction over this enterprise.") % {"u": username})
        elif on is not None and not officer.credential_valid_on(on):
            problems.append(
                _("%(u)s has no enforcement credential valid on %(day)s.")
                % {"u": username, "day": on.isoformat()}
            )
    if problems:
        raise serializers.ValidationError(problems)
    return [found[u] for u in dict.fromkeys(usernames)]


@register(Inspection, "start")
class StartPayload(Payload):
    officers = serializers.ListField(
        child=serializers.CharField(),
        label=_("Officers"),
        help_text=_("Usernames of at least two officers with credentials valid today."),
    )

    def validate_officers(self, usernames):
        inspection = self.context["instance"]
        today = timezone.localdate(self.context["now"])
        officers = officers_resolve(
            usernames=usernames,
            enterprise=inspection.enterprise,
            on=today,
            caller=self.context["actor"],
        )
        if self.context["actor"] not in officers:
            raise serializers.ValidationError(_("You must be one of the inspecting officers."))
        return officers

    def apply(self, instance):
        officers = self.validated_data["officers"]
        instance.start(officers=officers)
        instance.officers.set(officers)

    def audit_payload(self):
        return {"officers": [o.username for o in self.validated_data["officers"]]}


@register(Inspection, "record")
class RecordPayload(Payload):
    signed_by = serializers.CharField(
        label=_("Signed by"),
        help_text=_("Name of the enterprise's representative who signed the record."),
        required=False,
        allow_blank=True,
        max_length=100,
    )
    refused = serializers.BooleanField(label=_("Signature refused"), required=False, default=False)
    refusal_reason = serializers.CharField(
        label=_("Reason for refusing to sign"), required=False, allow_blank=True
    )
    witness = serializers.CharField(
        label=_("Witness of the refusal"),
        help_text=_("Who saw the representative refuse to sign (required with a refusal)."),
        required=False,
        allow_blank=True,
        max_length=100,
    )

    def validate(self, attrs):
        signed_by = attrs.get("signed_by", "").strip()
        reason = attrs.get("refusal_reason", "").strip()
        witness = attrs.get("witness", "").strip()
        errors = {}
        if attrs.get("refused"):
            if signed_by:
                errors["signed_by"] = [_("A refused record has no signatory.")]
            if not reason:
                errors["refusal_reason"] = [_("Give the reason when the signature is refused.")]
            if not witness:
                errors["witness"] = [_("A refusal to sign is recorded with a witness.")]
        elif not signed_by:
            errors["signed_by"] = [_("Name who signed, or set refused with a reason.")]
        elif witness:
            errors["witness"] = [_("A witness is named only with a refusal.")]
        if errors:
            raise serializers.ValidationError(errors)
        return {
            "signed_by": signed_by,
            "refused": attrs.get("refused", False),
            "refusal_reason": reason,
            "witness": witness,
        }

    def apply(self, instance):
        from inspections.documents import inspection_record_issue

        super().apply(instance)
        inspection_record_issue(instance, actor=self.context["actor"])


@register(Inspection, "close")
class ClosePayload(Payload):
    pass


@register(Inspection, "cancel")
class CancelPayload(Payload):
    reason = serializers.CharField(label=_("Reason"), max_length=2000)


# While the inspection is open for them: findings are made in progress and
# disposed of before the inspection closes.


@register(Finding, "dispose")
class DisposePayload(Payload):
    disposition = serializers.ChoiceField(
        choices=Finding.Disposition.choices, label=_("Disposition")
    )
    due_date = serializers.DateField(
        label=_("Rectification due date"),
        help_text=_("Required for a rectification order; a day after today."),
        required=False,
        allow_null=True,
        validators=[validate_real_date],
    )
    transfer_to = serializers.CharField(
        label=_("Transferred to"),
        help_text=_("The authority the matter is transferred to."),
        required=False,
        allow_blank=True,
        max_length=200,
    )
    note = serializers.CharField(label=_("Note"), required=False, allow_blank=True)

    def validate(self, attrs):
        disposition = attrs["disposition"]
        due_date = attrs.get("due_date")
        transfer_to = attrs.get("transfer_to", "").strip()
        errors = {}
        if disposition == Finding.Disposition.ORDER_AND_PENALTY:
            today = timezone.localdate(self.context["now"])
            if due_date is None:
                errors["due_date"] = [_("A rectification order needs a due date.")]
            elif due_date <= today:
                errors["due_date"] = [_("The due date must be after today.")]
            else:
                try:
                    # Served today at the earliest: the longest period runs from today.
                    fixed_due_check(
                        kind="rectification",
                        jurisdiction=self.context["instance"].inspection.enterprise.jurisdiction,
                        start=today,
                        due_date=due_date,
                    )
                except Invalid as exc:
                    errors["due_date"] = exc.errors["due_date"]
        elif due_date is not None:
            errors["due_date"] = [_("A due date is given only with a rectification order.")]
        if disposition == Finding.Disposition.TRANSFER:
            if not transfer_to:
                errors["transfer_to"] = [_("Name the authority the matter is transferred to.")]
        elif transfer_to:
            errors["transfer_to"] = [_("An authority is named only with a transfer.")]
        if errors:
            raise serializers.ValidationError(errors)
        return {
            "disposition": disposition,
            "due_date": due_date,
            "transfer_to": transfer_to,
            "note": attrs.get("note", "").strip(),
        }

    def apply(self, instance):
        super().apply(instance)
        if instance.disposition == Finding.Disposition.ORDER_AND_PENALTY:
            from inspections.documents import order_document_write
            from inspections.orders import order_for_finding

            order = order_for_finding(
                finding=instance, due_date=instance.due_date, actor=self.context["actor"]
            )
            # The order's document lists the finding: link it before rendering.
            instance.save(update_fields=["rectification_order"])
            order_document_write(order, actor=self.context["actor"])
