"""Admin of the spine: users, jurisdictions, and the audit trail (read-only)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casework import events
from casework.deadlines import deadline_retry
from casework.exceptions import Conflict
from casework.models import (
    AuditEvent,
    CalendarDay,
    CalendarYear,
    Deadline,
    DeadlineEntry,
    DeadlineReminder,
    Jurisdiction,
    PeriodRule,
    User,
)

# Never copied into the audit trail.
SECRET_FIELDS = {"password"}


class AuditedAdmin(admin.ModelAdmin):
    """Write every add, change and delete made in the admin into the audit trail."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changed = [name for name in form.changed_data if name not in SECRET_FIELDS]
            events.admin_saved(
                obj=obj,
                actor=request.user,
                added=not change,
                payload={
                    "changed": changed,
                    "values": {name: str(form.cleaned_data.get(name)) for name in changed},
                },
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            events.admin_deleted(obj=obj, actor=request.user)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


admin.site.site_header = _("Casework administration")
admin.site.site_title = _("Casework")
admin.site.index_title = _("Administration")


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
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
class JurisdictionAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    readonly_fields = ("path",)
    autocomplete_fields = ("parent",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only the services write."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
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


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "source", "loaded_at")


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    """Official days come from `load_calendar`; corrections here are audited."""

    list_display = ("date", "kind", "name", "jurisdiction", "source")
    list_filter = ("kind", "jurisdiction")
    date_hierarchy = "date"
    search_fields = ("name", "source")


@admin.register(PeriodRule)
class PeriodRuleAdmin(AuditedAdmin):
    list_display = (
        "code",
        "effective_from",
        "jurisdiction",
        "length",
        "unit",
        "party_facing",
        "confidence",
    )
    list_filter = ("code", "unit", "confidence", "jurisdiction")
    search_fields = ("code", "legal_basis", "source")


class DeadlineEntryInline(admin.TabularInline):
    model = DeadlineEntry
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "at", "actor", "reason", "due_before", "due_after")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


class FailingFilter(admin.SimpleListFilter):
    """What the sweep gave up on: the deadline itself or one of its reminders."""

    title = _("failing")
    parameter_name = "failing"

    def lookups(self, request, model_admin):
        return [("yes", _("Failing"))]

    def queryset(self, request, queryset):
        return queryset.failing() if self.value() == "yes" else queryset


class DeadlineReminderInline(admin.TabularInline):
    model = DeadlineReminder
    extra = 0
    can_delete = False
    readonly_fields = ("offset", "remind_on", "fired_at", "cancelled", "attempts", "failing")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = (
        "kind",
        "subject_type",
        "subject_id",
        "due_date",
        "status",
        "provisional",
        "jurisdiction",
    )
    list_filter = (FailingFilter, "status", "kind", "provisional", "party_facing")
    search_fields = ("=subject_id", "party")
    date_hierarchy = "due_date"
    inlines = [DeadlineEntryInline, DeadlineReminderInline]
    readonly_fields = ("attempts", "last_error")
    actions = ["retry"]

    @admin.action(description=_("Hand back to the sweep (retry what failed)"))
    def retry(self, request, queryset):
        retried = 0
        for deadline in queryset.failing():
            try:
                deadline_retry(deadline=deadline, actor=request.user)
            except Conflict:
                continue  # retried meanwhile by someone else
            retried += 1
        self.message_user(
            request, _("%(n)d deadline(s) handed back to the sweep.") % {"n": retried}
        )


@admin.register(DeadlineEntry)
class DeadlineEntryAdmin(ReadOnlyAdmin):
    """What changed on deadlines, for example after official calendar data arrived."""

    list_display = ("at", "kind", "deadline", "due_before", "due_after", "actor")
    list_filter = ("kind",)
