"""Forms of the inspection pages: transition payloads and planning.

The forms only shape the input (text to lists, strings to dates); the rules
stay in the payload serializers and the services, whose errors are mapped back
onto the fields.
"""

import re
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from casework.dates import validate_real_date
from casework.models import Enterprise
from casework.visibility import jurisdiction_q
from inspections.payloads import officers_resolve


class ListField(forms.CharField):
    """A list typed as text, one item per line or separated by commas or spaces."""

    def to_python(self, value):
        text = super().to_python(value)
        return [item for item in re.split(r"[\s,，、]+", text) if item]

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return " ".join(str(item) for item in value)
        return value


LONG_TEXT = 500  # a text field this long is written in a box of several lines


def form_field(description: dict[str, Any]) -> forms.Field:
    """Build a form field from a payload field description (``field_descriptions``)."""
    options = {
        "label": description["label"],
        "help_text": description.get("help_text", ""),
        "required": description["required"],
    }
    kind = description["type"]
    if description.get("choices"):
        choices = [(c["value"], c["label"]) for c in description["choices"]]
        return forms.ChoiceField(choices=choices, **options)
    if kind == "list":
        return ListField(**options)
    if kind == "boolean":
        return forms.BooleanField(**{**options, "required": False})
    if kind == "date":
        return forms.DateField(**options)
    if kind == "integer":
        return forms.IntegerField(**options)
    if kind == "decimal":
        return forms.DecimalField(**options)
    if (description.get("max_length") or 0) >= LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **options)
    return forms.CharField(**options)


def _messages(errors) -> list[str]:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list | tuple):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]


def officer_label(officer) -> str:
    """An officer as pages show one: name and credential number, never the username."""
    name = officer.get_full_name() or _("Officer")
    return f"{name}（{officer.credential_no}）" if officer.credential_no else str(name)


class OfficersField(forms.ModelMultipleChoiceField):
    """Officers by name and credential number, never by username."""

    def label_from_instance(self, officer):
        return officer_label(officer)


def officers_of(user):
    """The active officers of ``user``'s jurisdiction, by name."""
    return (
        get_user_model()
        .objects.filter(jurisdiction_q(user, "jurisdiction__path"))
        .filter(role="officer", is_active=True)
        .order_by("last_name", "first_name", "username")
    )


class TransitionForm(forms.Form):
    """The payload form of one transition, built from its field descriptions.

    With the ``user`` who fills it, a payload's ``officers`` (usernames, in the
    API) is a choice of the officers of the user's jurisdiction by name and
    credential number: a page never asks for, nor shows, a username.
    """

    def __init__(self, descriptions: list[dict[str, Any]], *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for description in descriptions:
            name = description["name"]
            if name == "officers" and user is not None:
                self.fields[name] = OfficersField(
                    label=description["label"],
                    help_text=_("At least two officers, with valid credentials that day."),
                    required=description["required"],
                    queryset=officers_of(user),
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                self.fields[name] = form_field(description)

    def payload(self) -> dict[str, Any]:
        payload = dict(self.cleaned_data)
        if isinstance(self.fields.get("officers"), OfficersField) and "officers" in payload:
            payload["officers"] = [officer.username for officer in payload["officers"] or ()]
        return payload

    def add_payload_errors(self, errors: dict) -> None:
        """Show the payload's validation errors next to their fields."""
        for name, value in errors.items():
            field = name if name in self.fields else None
            # Viewflow's renderer shows one error per field, so join them.
            self.add_error(field, " ".join(_messages(value)))


class InspectionPlanForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    planned_on = forms.DateField(label=_("Planned on"), validators=[validate_real_date])
    officers = OfficersField(
        label=_("Officers"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least two officers of your jurisdiction, with valid credentials."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["officers"].queryset = officers_of(user)

    def clean(self):
        # The rules of the API's planning (two officers, jurisdiction over the enterprise).
        cleaned = super().clean()
        officers, enterprise = cleaned.get("officers"), cleaned.get("enterprise")
        if officers is not None and enterprise is not None:
            try:
                officers_resolve(
                    usernames=[officer.username for officer in officers],
                    enterprise=enterprise,
                    on=None,
                    caller=self.user,
                )
            except ValidationError as exc:
                self.add_error("officers", list(exc.detail))
        return cleaned
