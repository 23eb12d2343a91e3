"""Admin of inspections, worker checks, findings and evidence, for reading only.

Inspections are planned and moved only through the services, which write the
audit trail; the admin must not become a way around them. Evidence is never
deleted, and resident ID numbers are shown masked.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from casework.admin import ReadOnlyAdmin
from casework.identifiers import mask_id_number
from inspections.models import Evidence, Finding, Inspection, WorkerCheck


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("pk", "enterprise", "planned_on", "state", "created_by")
    list_filter = ("state",)
    list_select_related = ("enterprise", "created_by")
    search_fields = ("=id", "enterprise__name", "enterprise__uscc")
    date_hierarchy = "planned_on"


@admin.register(WorkerCheck)
class WorkerCheckAdmin(ReadOnlyAdmin):
    list_display = ("pk", "inspection", "masked_id_number", "job", "qualified", "checked_on")
    list_filter = ("qualified",)
    list_select_related = ("inspection__enterprise",)
    # An exact ID number finds the checks; it is never displayed in full.
    search_fields = ("=id_number", "=inspection__id")
    exclude = ("id_number",)
    readonly_fields = ("masked_id_number",)

    @admin.display(description=_("resident ID number"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("pk", "inspection", "level", "job", "reason_codes", "state", "disposition")
    list_filter = ("state", "level", "disposition")
    list_select_related = ("inspection__enterprise",)
    search_fields = ("=id", "=inspection__id", "job")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("pk", "inspection", "finding", "original_name", "content_type", "size")
    list_filter = ("content_type",)
    list_select_related = ("inspection__enterprise", "finding")
    search_fields = ("=sha256", "=inspection__id", "original_name")
