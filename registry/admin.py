"""Admin of the registers, with the register import page."""

import json

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from casework.exceptions import Forbidden, Invalid
from casework.identifiers import mask_id_number
from casework.models import Enterprise
from registry import services
from registry.import_templates import columns_of, template_csv, template_filename
from registry.imports import ENCODINGS, IMPORT_KINDS, register_import
from registry.models import (
    Certificate,
    SkillCertificate,
    SpecialOpsCategory,
    Trainer,
    Training,
    Worker,
)

# The admin page shows at most this many row errors (and the total count).
MAX_SHOWN_ERRORS = 1000


def register_label(kind: str) -> str:
    """A register as a person names it (its rows' plural name), not its code."""
    return str(services.REGISTERS[kind].model._meta.verbose_name_plural)


def _kind_choices():
    return [(kind, register_label(kind)) for kind in IMPORT_KINDS]


def _encoding_choices():
    return [(e, _("Detect (UTF-8, then GBK)") if e == "auto" else e.upper()) for e in ENCODINGS]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Register"), choices=_kind_choices)
    file = forms.FileField(label=_("CSV file (UTF-8 or GBK, English or Chinese headers)"))
    valid_only = forms.BooleanField(
        label=_("Import the valid rows only (default: all or nothing)"), required=False
    )
    encoding = forms.ChoiceField(label=_("Encoding"), choices=_encoding_choices)


class SpecialOpsField(forms.MultipleChoiceField):
    """The categories as ticked labels; a JSON list of codes (as the API sends) is read too."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs = {k: v for k, v in kwargs.items() if k in ("label", "help_text", "initial")}
        super().__init__(choices=SpecialOpsCategory.choices, required=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, str) and value.startswith("["):
            value = json.loads(value)
        return super().prepare_value(value)

    def to_python(self, value):
        if isinstance(value, list | tuple) and len(value) == 1 and str(value[0]).startswith("["):
            try:
                value = json.loads(value[0])
            except ValueError:
                raise forms.ValidationError(_("Tick the categories.")) from None
        return super().to_python(value)


class RegisterAdmin(admin.ModelAdmin):
    """Admin pages that write through the register services.

    A row saved here is validated by the same rules as the import and the API
    (``registry.services``), within the user's jurisdiction, and audited there.
    Register rows are never deleted here.
    """

    kind: str = ""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        kind, actor = self.kind, request.user

        class RegisterForm(form):
            def clean(self):
                cleaned = super().clean()
                if self.errors:
                    return cleaned
                try:
                    services.record_validate(
                        kind=kind, actor=actor, data=_register_data(kind, cleaned)
                    )
                except Invalid as exc:
                    for column, messages_ in exc.errors.items():
                        name = FORM_FIELD.get(column, column)
                        self.add_error(name if name in self.fields else None, messages_)
                return cleaned

        return RegisterForm

    def save_model(self, request, obj, form, change):
        data = _register_data(self.kind, form.cleaned_data)
        if change:
            stored = type(obj).objects.get(pk=obj.pk)
            saved = services.record_update(
                kind=self.kind, actor=request.user, instance=stored, data=data
            )
        else:
            saved = services.record_create(kind=self.kind, actor=request.user, data=data)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


# Register columns whose form field has another name.
FORM_FIELD = {"enterprise_uscc": "enterprise"}


def _register_data(kind: str, cleaned: dict) -> dict:
    """The form's values as the columns of the register."""
    data = {}
    for column in services.REGISTERS[kind].column_names:
        if column == "enterprise_uscc":
            enterprise = cleaned.get("enterprise")
            data[column] = enterprise.uscc if enterprise else ""
        elif column == "jurisdiction":
            jurisdiction = cleaned.get("jurisdiction")
            data[column] = jurisdiction.code if jurisdiction else ""
        elif column in cleaned:
            value = cleaned[column]
            data[column] = "" if value is None else value
    return data


class MaskedIdNumber:
    """List columns show resident ID numbers masked; search takes the exact number."""

    search_fields = ("=id_number",)

    @admin.display(description=_("resident ID number"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)


@admin.register(Worker)
class WorkerAdmin(MaskedIdNumber, RegisterAdmin):
    kind = "workers"
    list_display = (
        "name",
        "masked_id_number",
        "enterprise",
        "job",
        "is_team_leader",
        "barred_from_duty",
    )
    list_filter = ("barred_from_duty", "is_team_leader")
    list_select_related = ("enterprise",)
    search_fields = ("=id_number", "name", "enterprise__name")
    autocomplete_fields = ("enterprise",)
    readonly_fields = ("barred_from_duty", "barred_reason", "barred_since")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "special_ops":
            return SpecialOpsField(label=db_field.verbose_name, help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Certificate)
class CertificateAdmin(MaskedIdNumber, RegisterAdmin):
    kind = "certificates"
    list_display = ("number", "masked_id_number", "category", "valid_until", "review_due_on")
    list_filter = ("category",)
    search_fields = ("=id_number", "number")


@admin.register(Training)
class TrainingAdmin(MaskedIdNumber, RegisterAdmin):
    kind = "trainings"
    list_display = (
        "masked_id_number",
        "enterprise",
        "kind",
        "job",
        "assessed_on",
        "theory_passed",
        "practical_passed",
    )
    list_filter = ("kind", "theory_passed", "practical_passed")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise",)


@admin.register(Trainer)
class TrainerAdmin(MaskedIdNumber, RegisterAdmin):
    kind = "trainers"
    list_display = ("masked_id_number", "enterprise", "job")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise",)


@admin.register(SkillCertificate)
class SkillCertificateAdmin(MaskedIdNumber, RegisterAdmin):
    kind = "skill_certificates"
    list_display = ("number", "masked_id_number", "occupation", "level", "issued_on")
    search_fields = ("=id_number", "number")


@admin.register(Enterprise)
class EnterpriseAdmin(RegisterAdmin):
    kind = "enterprises"
    list_display = ("name", "uscc", "sector", "jurisdiction", "legal_representative")
    list_filter = ("sector", "jurisdiction")
    list_select_related = ("jurisdiction",)
    search_fields = ("name", "uscc", "legal_representative")
    autocomplete_fields = ("jurisdiction",)
    change_list_template = "registry/admin/enterprise_change_list.html"

    def get_urls(self):
        import_view = self.admin_site.admin_view(self.import_view)
        template_view = self.admin_site.admin_view(self.import_template_view)
        return [
            path("import/", import_view, name="registry_import"),
            path(
                "import/template/<str:kind>.csv",
                template_view,
                name="registry_import_template",
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request, kind):
        """The template file of a register: Chinese headers and one example row."""
        if kind not in IMPORT_KINDS:
            raise Http404
        response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{template_filename(kind)}"'
        return response

    def import_view(self, request):
        """Upload a register file and show the import's report."""
        report = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = register_import(
                    kind=form.cleaned_data["kind"],
                    stream=upload,
                    actor=request.user,
                    valid_only=form.cleaned_data["valid_only"],
                    encoding=form.cleaned_data["encoding"],
                    filename=upload.name,
                    channel="admin",
                    max_errors=MAX_SHOWN_ERRORS,
                )
            except Forbidden as exc:
                messages.error(request, exc.message)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a register"),
            "form": form,
            "report": report.as_dict() if report else None,
            "report_kind": register_label(report.kind) if report else "",
            "report_ok": report.ok if report else False,
            "registers": [
                {"kind": kind, "label": register_label(kind), "columns": columns_of(kind)}
                for kind in IMPORT_KINDS
            ],
        }
        return TemplateResponse(request, "registry/admin/import.html", context)
