"""Admin of the spine: users, jurisdictions, and the audit trail (read-only)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from casework.models import AuditEvent, Jurisdiction, User

admin.site.site_header = _("Casework administration")
admin.site.site_title = _("Casework")
admin.site.index_title = _("Administration")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "last_name", "role", "jurisdiction", "enterprise", "is_active")
    list_filter = ("role", "is_active", "jurisdiction")
    list_select_related = ("jurisdiction", "enterprise")
    search_fields = ("username", "first_name", "last_name", "email", "credential_no")
    autocomplete_fields = ("jurisdiction", "enterprise")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Role and jurisdiction"), {"fields": ("role", "jurisdiction", "enterprise")}),
        (
            _("Enforcement credential"),
            {"fields": ("credential_no", "credential_valid_from", "credential_valid_until")},
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and jurisdiction"), {"fields": ("role", "jurisdiction", "enterprise")}),
        (
            _("Enforcement credential"),
            {"fields": ("credential_no", "credential_valid_from", "credential_valid_until")},
        ),
    )


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    readonly_fields = ("path",)
    autocomplete_fields = ("parent",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, for reading only: nobody may add, change or delete an event."""

    list_display = (
        "seq",
        "occurred_at",
        "action",
        "object_type",
        "object_id",
        "actor_username",
        "transition",
        "source_state",
        "target_state",
    )
    list_filter = ("action", "object_type")
    search_fields = ("=object_id", "actor_username")
    ordering = ("-seq",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
