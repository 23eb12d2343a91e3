"""Admin of inspections, for reading only.

Inspections are planned and moved only through the services, which write the
audit trail; the admin must not become a way around them.
"""

from django.contrib import admin

from inspections.models import Inspection


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("pk", "enterprise", "planned_on", "state", "created_by")
    list_filter = ("state",)
    list_select_related = ("enterprise", "created_by")
    search_fields = ("=id", "enterprise__name", "enterprise__uscc")
    date_hierarchy = "planned_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
