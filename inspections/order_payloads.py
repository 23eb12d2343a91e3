"""Payloads of the rectification order's transitions, registered with the uniform API.

Each validates what a person sends and, in ``apply``, moves the state and runs
what the move starts or stops (``inspections.orders``), in the transition's
transaction.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.dates import validate_real_date
from casework.deadlines import fixed_due_check
from casework.exceptions import Invalid
from casework.identifiers import mask_id_number, normalise_id_number
from casework.transitions import Payload, register
from inspections import orders
from inspections.documents import order_document_serve, review_document_issue
from inspections.models import Evidence, RectificationOrder
from inspections.payloads import officers_resolve

Order = RectificationOrder
MAX_TEXT = 4000
MAX_ID = 2**31 - 1  # what every database stores as a row id


def _today(payload: Payload):
    return timezone.localdate(payload.context["now"])


@register(Order, "serve")
class ServePayload(Payload):
    method = serializers.ChoiceField(choices=Order.ServiceMethod.choices, label=_("Service method"))
    served_on = serializers.DateField(label=_("Served on"), validators=[validate_real_date])
    recipient = serializers.CharField(
        label=_("Received by"),
        help_text=_("Who received the order for the enterprise (in person)."),
        required=False,
        allow_blank=True,
        max_length=100,
    )
    witness = serializers.CharField(
        label=_("Witness"),
        help_text=_("Required when the order is left at the premises."),
        required=False,
        allow_blank=True,
        max_length=100,
    )

    def validate(self, attrs):
        order = self.context["instance"]
        method = attrs["method"]
        served_on = attrs["served_on"]
        recipient = attrs.get("recipient", "").strip()
        witness = attrs.get("witness", "").strip()
        errors = {}
        if served_on > _today(self):
            errors["served_on"] = [_("The service date cannot be in the future.")]
        elif served_on < timezone.localdate(order.issued_at):
            errors["served_on"] = [_("The order cannot be served before it was issued.")]
        elif served_on >= order.due_date:
            errors["served_on"] = [
                _("The order must be served before its due date, %(day)s.")
                % {"day": order.due_date.isoformat()}
            ]
        # Who must sign, witness or consent for each method: the service's rules
        # (casework.service), applied when the order's document is served.
        if errors:
            raise serializers.ValidationError(errors)
        return {
            "method": method,
            "served_on": served_on,
            "recipient": recipient,
            "witness": witness,
        }

    def apply(self, instance):
        data = self.validated_data
        record, _receipt = order_document_serve(instance, actor=self.context["actor"], data=data)
        instance.serve(
            service_method=data["method"],
            served_on=record.effective_on,
            recipient=data["recipient"],
            witness=data["witness"],
        )
        orders.order_served(instance, actor=self.context["actor"])


@register(Order, "request_extension")
class RequestExtensionPayload(Payload):
    requested_due_date = serializers.DateField(
        label=_("Due date asked for"), validators=[validate_real_date]
    )
    reason = serializers.CharField(
        label=_("Reason"),
        help_text=_("Why the order cannot be met in time (for example force majeure)."),
        max_length=MAX_TEXT,
    )

    def validate(self, attrs):
        order = self.context["instance"]
        if attrs["requested_due_date"] <= order.due_date:
            raise serializers.ValidationError(
                {
                    "requested_due_date": [
                        _("Ask for a date after the present due date, %(day)s.")
                        % {"day": order.due_date.isoformat()}
                    ]
                }
            )
        reason = attrs["reason"].strip()
        if not reason:
            raise serializers.ValidationError({"reason": [_("Give the reason.")]})
        return {"requested_due_date": attrs["requested_due_date"], "reason": reason}

    def apply(self, instance):
        instance.request_extension(**self.validated_data)
        orders.extension_requested(instance, actor=self.context["actor"])


@register(Order, "decide_extension")
class DecideExtensionPayload(Payload):
    granted = serializers.BooleanField(label=_("Granted"))
    new_due_date = serializers.DateField(
        label=_("New due date"),
        help_text=_("Required when the extension is granted."),
        required=False,
        allow_null=True,
        validators=[validate_real_date],
    )
    reason = serializers.CharField(label=_("Reason"), max_length=MAX_TEXT)

    def validate(self, attrs):
        order = self.context["instance"]
        granted, new_due_date = attrs["granted"], attrs.get("new_due_date")
        reason = attrs["reason"].strip()
        errors = {}
        if not reason:
            errors["reason"] = [_("Give the reason for the decision.")]
        if granted:
            if new_due_date is None:
                errors["new_due_date"] = [_("A granted extension needs the new due date.")]
            elif new_due_date <= order.due_date:
                errors["new_due_date"] = [
                    _("The new due date must be after %(day)s.")
                    % {"day": order.due_date.isoformat()}
                ]
            else:
                try:
                    fixed_due_check(
                        kind=orders.RECTIFICATION,
                        jurisdiction=order.enterprise.jurisdiction,
                        start=order.served_on,
                        due_date=new_due_date,
                    )
                except Invalid as exc:
                    errors["new_due_date"] = exc.errors["due_date"]
        elif new_due_date is not None:
            errors["new_due_date"] = [_("A new due date is given only with a granted extension.")]
        if errors:
            raise serializers.ValidationError(errors)
        return {"granted": granted, "new_due_date": new_due_date, "reason": reason}

    def apply(self, instance):
        instance.decide_extension(**self.validated_data)
        orders.extension_decided(
            instance, actor=self.context["actor"], reason=self.validated_data["reason"]
        )


@register(Order, "report_completion")
class ReportCompletionPayload(Payload):
    summary = serializers.CharField(
        label=_("What was done"),
        help_text=_("Who was trained or certified, and when."),
        max_length=MAX_TEXT,
    )
    evidence = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        label=_("Files"),
        help_text=_("Files uploaded to the order: certificates, rosters, photos."),
        required=False,
        default=list,
    )

    def validate(self, attrs):
        order = self.context["instance"]
        summary = attrs["summary"].strip()
        errors = {}
        if not summary:
            errors["summary"] = [_("Say what was done.")]
        wanted = list(dict.fromkeys(attrs.get("evidence", [])))
        files = list(Evidence.objects.filter(pk__in=wanted, rectification_order=order))
        if len(files) != len(wanted):
            errors["evidence"] = [_("Only files uploaded to this order may be attached.")]
        if errors:
            raise serializers.ValidationError(errors)
        return {"summary": summary, "evidence": files}

    def apply(self, instance):
        instance.report_completion(summary=self.validated_data["summary"])
        instance.completion_files.set(self.validated_data["evidence"])
        orders.completion_reported(instance, actor=self.context["actor"])

    def audit_payload(self):
        return {
            "summary": self.validated_data["summary"],
            "evidence": [f.pk for f in self.validated_data["evidence"]],
            "sha256": [f.sha256 for f in self.validated_data["evidence"]],
        }


@register(Order, "due_date_pass")
class DueDatePassPayload(Payload):
    def apply(self, instance):
        instance.due_date_pass()
        orders.due_date_passed(instance, actor=self.context["actor"])


class DepartedInput(serializers.Serializer):
    id_number = serializers.CharField(label=_("Resident ID number"))
    reason = serializers.CharField(label=_("Why the person left the job"), max_length=MAX_TEXT)


@register(Order, "record_reinspection")
class RecordReinspectionPayload(Payload):
    rectified = serializers.BooleanField(label=_("Rectified"))
    officers = serializers.ListField(
        child=serializers.CharField(),
        label=_("Officers"),
        help_text=_("Usernames of at least two officers with credentials valid today."),
    )
    notes = serializers.CharField(
        label=_("Notes"), required=False, allow_blank=True, max_length=MAX_TEXT
    )
    departed = DepartedInput(
        many=True,
        label=_("Workers who left the job"),
        help_text=_("A barred worker still not qualified who no longer does the job, and why."),
        required=False,
        default=list,
    )

    def validate_officers(self, usernames):
        order = self.context["instance"]
        officers = officers_resolve(
            usernames=usernames,
            enterprise=order.enterprise,
            on=_today(self),
            caller=self.context["actor"],
        )
        if self.context["actor"] not in officers:
            raise serializers.ValidationError(_("You must be one of the re-inspecting officers."))
        return officers

    def validate(self, attrs):
        order = self.context["instance"]
        departed = {}
        for entry in attrs.get("departed", []):
            reason = entry["reason"].strip()
            if reason:
                departed[normalise_id_number(entry["id_number"])] = reason
        cleared = []
        if attrs["rectified"]:
            qualified, unqualified = orders.workers_recheck(order, _today(self))
            still = [f for f, _codes in unqualified if f.id_number not in departed]
            if still:
                raise serializers.ValidationError(
                    {
                        "rectified": [
                            _(
                                "Still not qualified today: %(who)s. They stay barred; the "
                                "order is verified only when each is qualified or recorded "
                                "as having left the job."
                            )
                            % {"who": "、".join(f.title() for f in still)}
                        ]
                    }
                )
            cleared = qualified + [f for f, _codes in unqualified]
        return {
            "rectified": attrs["rectified"],
            "officers": attrs["officers"],
            "notes": attrs.get("notes", "").strip(),
            "departed": departed,
            "cleared": cleared,
        }

    def apply(self, instance):
        data = self.validated_data
        instance.record_reinspection(rectified=data["rectified"], notes=data["notes"])
        instance.reinspection_officers.set(data["officers"])
        cleared = data["cleared"] if data["rectified"] else []
        departed = data["departed"] if data["rectified"] else {}
        actor = self.context["actor"]
        orders.reinspection_recorded(instance, actor=actor, cleared=cleared, departed=departed)
        review_document_issue(instance, actor=actor, cleared=cleared, departed=departed)

    def audit_payload(self):
        data = self.validated_data
        return {
            "rectified": data["rectified"],
            "officers": [o.username for o in data["officers"]],
            "notes": data["notes"],
            "cleared": [mask_id_number(f.id_number) for f in data["cleared"] if f.id_number],
            "departed": {mask_id_number(k): v for k, v in data["departed"].items()},
        }


@register(Order, "close")
class ClosePayload(Payload):
    pass


@register(Order, "withdraw")
class WithdrawPayload(Payload):
    reason = serializers.CharField(label=_("Reason"), max_length=MAX_TEXT)

    def validate_reason(self, reason):
        if not reason.strip():
            raise serializers.ValidationError(_("Give the reason."))
        return reason.strip()

    def apply(self, instance):
        instance.withdraw(**self.validated_data)
        orders.order_withdrawn(
            instance, actor=self.context["actor"], reason=self.validated_data["reason"]
        )
