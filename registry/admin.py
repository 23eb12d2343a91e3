"""Admin of the registers."""

from django.contrib import admin

from casework.admin import AuditedAdmin
from registry.models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    list_display = ("name", "uscc", "sector", "jurisdiction", "legal_representative")
    list_filter = ("sector", "jurisdiction")
    list_select_related = ("jurisdiction",)
    search_fields = ("name", "uscc", "legal_representative")
    autocomplete_fields = ("jurisdiction",)
