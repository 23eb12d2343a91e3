"""The discretion benchmarks in the admin: to read; they change only by loading a file."""

from django.contrib import admin

from penalties.models import DiscretionTier


@admin.register(DiscretionTier)
class DiscretionTierAdmin(admin.ModelAdmin):
    list_display = (
        "basis",
        "party_kind",
        "tier",
        "low",
        "high",
        "effective_from",
        "jurisdiction",
        "sample",
    )
    list_filter = ("basis", "party_kind", "tier", "sample", "jurisdiction")
    search_fields = ("circumstances", "source")

    def has_add_permission(self, request):
        return False  # manage.py load_discretion <file>, see docs/discretion.md

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
