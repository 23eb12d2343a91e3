"""Admin of inspections, worker checks, findings and evidence, for reading only.

Inspections are planned and moved only through the services, which write the
audit trail; the admin must not become a way around them. Evidence is never
deleted, and resident ID numbers are shown masked.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from casework.admin import ReadOnlyAdmin, raw_record
from casework.identifiers import mask_id_number
from inspections.models import Evidence, Finding, Inspection, WorkerCheck
from registry.models import SpecialOpsCategory


def special_ops_labels(codes) -> str:
    labels = dict(SpecialOpsCategory.choices)
    return "、".join(str(labels.get(code, code)) for code in codes or ()) or "—"


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
    # Codes are said as labels: the categories and the reasons found.
    exclude = ("id_number", "special_ops", "reasons")
    readonly_fields = ("masked_id_number", "special_ops_labels", "reason_labels")

    @admin.display(description=_("special-operations categories"))
    def special_ops_labels(self, obj):
        return special_ops_labels(obj.special_ops)

    @admin.display(description=_("reasons"))
    def reason_labels(self, obj):
        return "；".join(obj.reason_labels) or "—"

    @admin.display(description=_("resident ID number"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("pk", "inspection", "level", "job", "reason_labels", "state", "disposition")
    list_filter = ("state", "level", "disposition")
    list_select_related = ("inspection__enterprise",)
    search_fields = ("=id", "=inspection__id", "job")
    exclude = ("reason_codes",)
    readonly_fields = ("reason_labels",)

    @admin.display(description=_("reasons"))
    def reason_labels(self, obj):
        return "；".join(obj.reason_labels) or "—"


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("pk", "inspection", "finding", "original_name", "content_type", "size")
    list_filter = ("content_type",)
    list_select_related = ("inspection__enterprise", "finding")
    search_fields = ("=sha256", "=inspection__id", "original_name")
    exclude = ("metadata",)
    readonly_fields = ("metadata_raw",)

    @admin.display(description=_("metadata (EXIF, GPS)"))
    def metadata_raw(self, obj):
        return raw_record(obj.metadata)
