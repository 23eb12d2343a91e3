"""Admin of the registers, with the register import page."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from casework.admin import AuditedAdmin
from casework.exceptions import Forbidden
from registry.imports import ENCODINGS, IMPORT_KINDS, register_import
from registry.models import Enterprise

# The admin page shows at most this many row errors (and the total count).
MAX_SHOWN_ERRORS = 1000


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Register"), choices=[(k, k) for k in IMPORT_KINDS])
    file = forms.FileField(label=_("CSV file (UTF-8 or GBK, English or Chinese headers)"))
    valid_only = forms.BooleanField(
        label=_("Import the valid rows only (default: all or nothing)"), required=False
    )
    encoding = forms.ChoiceField(label=_("Encoding"), choices=[(e, e) for e in ENCODINGS])


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    list_display = ("name", "uscc", "sector", "jurisdiction", "legal_representative")
    list_filter = ("sector", "jurisdiction")
    list_select_related = ("jurisdiction",)
    search_fields = ("name", "uscc", "legal_representative")
    autocomplete_fields = ("jurisdiction",)
    change_list_template = "registry/admin/enterprise_change_list.html"

    def get_urls(self):
        import_view = self.admin_site.admin_view(self.import_view)
        return [path("import/", import_view, name="registry_import"), *super().get_urls()]

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
            "report_ok": report.ok if report else False,
        }
        return TemplateResponse(request, "registry/admin/import.html", context)
