"""Forms of the officer's phone pages.

They only shape the input for the services (``transition_perform``,
``worker_check_record``, ``evidence_store``); the rules and their messages stay
there, and ``add_service_errors`` puts those messages next to the fields.
Labels reuse the models' and payloads' own names where there is one.
"""

import base64
import binascii
import io
import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from casework.document_api import MAX_SIGNATURE_PIXELS
from casework.visibility import jurisdiction_q
from inspections.forms import officer_label
from inspections.models import Evidence, Finding, Inspection, WorkerCheck
from registry.models import SpecialOpsCategory


def _flatten(errors) -> list[str]:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _flatten(value)]
    if isinstance(errors, list | tuple):
        return [m for value in errors for m in _flatten(value)]
    return [str(errors)]


def add_service_errors(form: forms.Form, errors: dict) -> None:
    """Show a service's ``Invalid.errors`` next to their fields (the rest above the form)."""
    for name, value in errors.items():
        for message in _flatten(value):
            form.add_error(name if name in form.fields else None, message)


def _label(model, field_name: str):
    return capfirst(model._meta.get_field(field_name).verbose_name)


class StartForm(forms.Form):
    officers = forms.MultipleChoiceField(
        label=_("Officers"),
        help_text=_("At least two officers, with valid credentials that day."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, inspection: Inspection, user, **kwargs):
        planned = list(inspection.officers.all())
        kwargs.setdefault("initial", {"officers": [o.username for o in planned]})
        super().__init__(*args, **kwargs)
        candidates = (
            get_user_model()
            .objects.filter(jurisdiction_q(user, "jurisdiction__path"))
            .filter(role="officer", is_active=True)
        )
        officers = {o.pk: o for o in [*planned, *candidates]}
        self.fields["officers"].choices = [
            (o.username, officer_label(o))
            for o in sorted(officers.values(), key=lambda o: (o.last_name, o.first_name, o.pk))
        ]


class WorkerCheckForm(forms.Form):
    id_number = forms.CharField(
        label=_label(WorkerCheck, "id_number"),
        widget=forms.TextInput(
            attrs={
                # 17 digits and a check character that may be X: a keyboard that
                # capitalises; phone.js switches to the keypad and adds an X key.
                "inputmode": "text",
                "autocapitalize": "characters",
                "autocomplete": "off",
                "autocorrect": "off",
                "spellcheck": "false",
                "enterkeyhint": "next",
            }
        ),
    )
    job = forms.CharField(
        label=_label(WorkerCheck, "job"),
        widget=forms.TextInput(attrs={"list": "ph-jobs", "autocomplete": "off"}),
    )
    special_ops = forms.MultipleChoiceField(
        label=_label(WorkerCheck, "special_ops"),
        choices=SpecialOpsCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_team_leader = forms.BooleanField(label=_label(WorkerCheck, "is_team_leader"), required=False)
    name = forms.CharField(label=_("Name (optional)"), required=False, max_length=100)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "id_number": data["id_number"],
            "job": data["job"],
            "special_ops": data["special_ops"],
            # Unticked means "not declared": the register's flag still counts.
            "is_team_leader": True if data["is_team_leader"] else None,
            "name": data["name"],
        }


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    finding = forms.TypedChoiceField(
        label=_("Attach to"), coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(
        label=_label(Evidence, "description"), required=False, max_length=300
    )

    def __init__(self, *args, inspection: Inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.findings = {
            f.pk: f
            for f in inspection.findings.select_related("worker")
            .prefetch_related("checks")
            .order_by("pk")
        }
        self.fields["finding"].choices = [("", _("The inspection itself"))] + [
            (pk, finding.title()) for pk, finding in self.findings.items()
        ]

    def service_arguments(self) -> dict:
        return {
            "uploaded_file": self.cleaned_data["photo"],
            "finding": self.findings.get(self.cleaned_data["finding"]),
            "description": self.cleaned_data["description"],
        }


class RecordForm(forms.Form):
    signed_by = forms.CharField(label=_("Signed by"), required=False, max_length=100)
    refused = forms.BooleanField(label=_("Signature refused"), required=False)
    refusal_reason = forms.CharField(
        label=_("Reason for refusing to sign"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    witness = forms.CharField(label=_("Witness of the refusal"), required=False, max_length=100)


class DisposeForm(forms.Form):
    """How a finding is disposed of on site; a rectification order needs its due date."""

    disposition = forms.ChoiceField(
        label=_("Disposition"), choices=Finding.Disposition.choices, widget=forms.RadioSelect
    )
    due_date = forms.DateField(
        label=_("Rectification due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Proposed from the bureau's rule table; after today, within the longest period."
        ),
    )
    transfer_to = forms.CharField(
        label=_("Transferred to"),
        required=False,
        max_length=200,
        help_text=_("Only for a transfer: the authority the matter goes to."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, proposed=None, **kwargs):
        kwargs.setdefault(
            "initial",
            {"disposition": Finding.Disposition.ORDER_AND_PENALTY, "due_date": proposed},
        )
        super().__init__(*args, **kwargs)

    def payload(self) -> dict:
        data = {name: self.cleaned_data[name] for name in ("disposition", "transfer_to", "note")}
        if self.cleaned_data.get("due_date"):
            data["due_date"] = self.cleaned_data["due_date"].isoformat()
        return data


# What the <canvas> sends (signature.js): the drawing as a data URL.
DATA_URL = re.compile(r"data:image/(png|jpeg);base64,([A-Za-z0-9+/=\s]+)")
SIGNATURE_UNREADABLE = _("The signature image cannot be read.")
SIGNATURE_EMPTY = _("Draw the signature in the box first.")


def _inked(data: bytes) -> bool | None:
    """Whether the drawing has a stroke; None if it cannot be decoded (the service says so)."""
    try:
        with Image.open(io.BytesIO(data)) as picture:
            if picture.width * picture.height > MAX_SIGNATURE_PIXELS:
                return None
            picture.load()
            rgba = picture.convert("RGBA")
    except Exception:  # any decoder error of untrusted bytes
        return None
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    ink = ImageOps.invert(Image.alpha_composite(white, rgba).convert("L"))
    # Anti-aliasing and JPEG noise are not a stroke: a pixel counts from a quarter grey.
    return ink.point(lambda v: 255 if v > 64 else 0).getbbox() is not None


class SignatureForm(forms.Form):
    """A signature drawn with a finger on the phone, for the service ``document_sign``."""

    signer = forms.CharField(label=_("Name of who signs"), max_length=100)
    image = forms.CharField(label=_("Signature"), required=False, widget=forms.HiddenInput)
    signs_sha256 = forms.CharField(required=False, widget=forms.HiddenInput)
    device = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_image(self) -> SimpleUploadedFile:
        value = self.cleaned_data["image"]
        if not value:
            raise forms.ValidationError(SIGNATURE_EMPTY, code="empty")
        match = DATA_URL.fullmatch(value.strip())
        if match is None:
            raise forms.ValidationError(SIGNATURE_UNREADABLE, code="unreadable")
        try:
            data = base64.b64decode("".join(match.group(2).split()), validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError(SIGNATURE_UNREADABLE, code="unreadable") from None
        inked = _inked(data)
        if inked is None:
            raise forms.ValidationError(SIGNATURE_UNREADABLE, code="unreadable")
        if not inked:
            raise forms.ValidationError(SIGNATURE_EMPTY, code="empty")
        kind = match.group(1)
        return SimpleUploadedFile(f"signature.{kind}", data, content_type=f"image/{kind}")

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "image": data["image"],
            "signer": data["signer"],
            "signs_sha256": data["signs_sha256"],
            "device": data["device"][:200],
        }
