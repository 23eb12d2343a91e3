"""Admin of the spine: users, jurisdictions, and the audit trail (read-only).

Every column, filter and form says labels, not codes (``casework.labels``);
raw records (an audit event's payload) stay behind a closed toggle. Third-party
models staff do not need are not registered (knox's tokens: deactivating a user
revokes them; axes' access and failure logs, which are switched off).
"""

import json

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from knox.models import AuthToken
from viewflow.workflow import admin as viewflow_admin  # noqa: F401  (registers Process, Task)
from viewflow.workflow.models import Process, Task

from casework import events, labels
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


def labelled_filter(model, field_name: str, label):
    """A list filter on ``field_name`` whose choices are the values present, by ``label``."""

    class LabelledFilter(admin.SimpleListFilter):
        title = model._meta.get_field(field_name).verbose_name
        parameter_name = field_name

        def lookups(self, request, model_admin):
            values = (
                model_admin.get_queryset(request)
                .order_by()
                .values_list(field_name, flat=True)
                .distinct()
            )
            return sorted(((v, label(v)) for v in values if v), key=lambda choice: choice[1])

        def queryset(self, request, queryset):
            value = self.value()
            return queryset.filter(**{field_name: value}) if value else queryset

    return LabelledFilter


def raw_record(value) -> str:
    """A stored JSON value behind a closed toggle: its keys are codes, not words."""
    if value in (None, "", [], {}):
        return "—"
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return format_html(
        "<details><summary>{}</summary><pre>{}</pre></details>",
        _("Raw record"),
        text,
    )


class ObjectLabelAdmin(admin.ModelAdmin):
    """A change form whose title and breadcrumb say ``object_label``, not ``str(obj)``.

    For models whose ``__str__`` holds codes (a rule's code, an event's action).
    """

    change_form_template = "admin/labelled_change_form.html"

    def object_label(self, obj) -> str:
        return str(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            label = self.object_label(obj)
            extra_context = {**(extra_context or {}), "subtitle": label, "object_label": label}
        return super().change_view(request, object_id, form_url, extra_context)


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
class AuditEventAdmin(ObjectLabelAdmin, ReadOnlyAdmin):
    """The audit trail, for reading only: nobody may add, change or delete an event."""

    list_display = (
        "seq",
        "occurred_at",
        "action_label",
        "object_type_label",
        "object_id",
        "actor_username",
        "transition_label",
        "source_state_label",
        "target_state_label",
    )
    list_filter = (
        labelled_filter(AuditEvent, "action", labels.action_label),
        labelled_filter(AuditEvent, "object_type", labels.model_label),
    )
    search_fields = ("=object_id", "actor_username")
    ordering = ("-seq",)
    fields = (
        "seq",
        "recorded_at",
        "occurred_at",
        "actor",
        "actor_username",
        "actor_role_label",
        "action_label",
        "object_type_label",
        "object_id",
        "object_repr",
        "transition_label",
        "source_state_label",
        "target_state_label",
        "payload_raw",
        "rule_versions_raw",
        "file_hashes",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields

    def object_label(self, obj) -> str:
        return f"#{obj.seq} {labels.action_label(obj.action)}"

    @admin.display(description=_("actor role"))
    def actor_role_label(self, obj):
        return labels.role_label(obj.actor_role) or "—"

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj):
        return labels.action_label(obj.action)

    @admin.display(description=_("object type"), ordering="object_type")
    def object_type_label(self, obj):
        return labels.model_label(obj.object_type) or "—"

    @admin.display(description=_("transition"))
    def transition_label(self, obj):
        return labels.transition_label(obj.object_type, obj.transition) or "—"

    @admin.display(description=_("source state"))
    def source_state_label(self, obj):
        return labels.state_label(obj.object_type, obj.source_state) or "—"

    @admin.display(description=_("target state"))
    def target_state_label(self, obj):
        return labels.state_label(obj.object_type, obj.target_state) or "—"

    @admin.display(description=_("payload"))
    def payload_raw(self, obj):
        return raw_record(obj.payload)

    @admin.display(description=_("rule versions"))
    def rule_versions_raw(self, obj):
        return raw_record(obj.rule_versions)


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


def period_rule_label(rule) -> str:
    return _("%(kind)s: %(length)s %(unit)s (from %(date)s)") % {
        "kind": labels.deadline_kind_label(rule.code),
        "length": rule.length,
        "unit": rule.get_unit_display(),
        "date": rule.effective_from,
    }


@admin.register(PeriodRule)
class PeriodRuleAdmin(ObjectLabelAdmin, AuditedAdmin):
    list_display = (
        "kind_label",
        "effective_from",
        "jurisdiction",
        "length",
        "unit",
        "party_facing",
        "confidence",
    )
    list_filter = (
        labelled_filter(PeriodRule, "code", labels.deadline_kind_label),
        "unit",
        "confidence",
        "jurisdiction",
    )
    search_fields = ("code", "legal_basis", "source")
    fields = (
        "code",
        "kind_label",
        "jurisdiction",
        "effective_from",
        "length",
        "unit",
        "party_facing",
        "reminder_offsets",
        "legal_basis",
        "source",
        "confidence",
    )
    readonly_fields = ("kind_label",)

    def object_label(self, obj) -> str:
        return period_rule_label(obj)

    @admin.display(description=_("deadline"), ordering="code")
    def kind_label(self, obj):
        return labels.deadline_kind_label(obj.code) if obj.code else "—"


class DeadlineEntryInline(admin.TabularInline):
    model = DeadlineEntry
    template = "admin/edit_inline/tabular_unnamed.html"  # the kind and dates are columns
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
    # A reminder's own name repeats its deadline's: the rows say no name.
    template = "admin/edit_inline/tabular_unnamed.html"
    extra = 0
    can_delete = False
    readonly_fields = ("offset", "remind_on", "fired_at", "cancelled", "attempts", "failing")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


def deadline_label(deadline) -> str:
    return _("%(kind)s, due %(due)s") % {
        "kind": labels.deadline_kind_label(deadline.kind),
        "due": deadline.due_date,
    }


@admin.register(Deadline)
class DeadlineAdmin(ObjectLabelAdmin, ReadOnlyAdmin):
    list_display = (
        "kind_label",
        "subject_type_label",
        "subject_id",
        "due_date",
        "status",
        "provisional",
        "jurisdiction",
    )
    list_filter = (
        FailingFilter,
        "status",
        labelled_filter(Deadline, "kind", labels.deadline_kind_label),
        "provisional",
        "party_facing",
    )
    search_fields = ("=subject_id", "party")
    date_hierarchy = "due_date"
    inlines = [DeadlineEntryInline, DeadlineReminderInline]
    exclude = ("kind", "rule", "subject_type", "start_event")
    readonly_fields = (
        "kind_label",
        "rule_label",
        "subject_type_label",
        "start_event_label",
        "attempts",
        "last_error",
    )
    actions = ["retry"]

    def object_label(self, obj) -> str:
        return deadline_label(obj)

    def get_fields(self, request, obj=None):
        # The labels where the codes would be, in the model's order.
        fields = list(super().get_fields(request, obj))
        for label in ("kind_label", "rule_label", "subject_type_label", "start_event_label"):
            fields.remove(label)
        fields[0:0] = ["kind_label", "rule_label"]
        at = fields.index("subject_id")
        fields[at:at] = ["subject_type_label"]
        fields.insert(fields.index("started_at"), "start_event_label")
        return fields

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        return labels.deadline_kind_label(obj.kind)

    @admin.display(description=_("subject type"), ordering="subject_type")
    def subject_type_label(self, obj):
        return labels.model_label(obj.subject_type)

    @admin.display(description=_("rule version"))
    def rule_label(self, obj):
        return period_rule_label(obj.rule)

    @admin.display(description=_("start event"))
    def start_event_label(self, obj):
        return labels.start_event_label(obj.start_event)

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

    list_display = ("at", "kind", "deadline_label", "due_before", "due_after", "actor")
    list_filter = ("kind",)
    list_select_related = ("deadline", "actor")
    exclude = ("deadline",)
    readonly_fields = ("deadline_label",)

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "deadline_label"]
        return ["deadline_label", *fields]

    @admin.display(description=_("deadline"))
    def deadline_label(self, obj):
        return deadline_label(obj.deadline)


# --- Third-party models -------------------------------------------------------------------

# Names of django-axes and Viewflow that their own Chinese catalogues lack; listed so
# that makemessages puts them into ours (LOCALE_PATHS come first).
THIRD_PARTY_MESSAGES = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Locked Out"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Workflow"),
    gettext_noop("Process list"),
)

# Tokens die with a deactivation or a password change (casework.logins); the access
# and failure logs are switched off (AXES_DISABLE_ACCESS_LOG): nothing to show.
for unused in (AuthToken, AccessLog, AccessFailureLog):
    if admin.site.is_registered(unused):
        admin.site.unregister(unused)
if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)

# Viewflow's processes and tasks follow the legal state (docs/decisions/0026): editing
# them by hand would move the routing away from it, so the admin does not offer them.
for routing in (Process, Task):
    if admin.site.is_registered(routing):
        admin.site.unregister(routing)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(ObjectLabelAdmin, AxesAccessAttemptAdmin):
    """Failed sign-ins per username and address, and who is locked out (django-axes)."""

    list_display = [
        "attempt_time",
        "ip_address",
        "user_agent",
        "username",
        "path_info",
        "failures_since_start",
        "status",
    ]
    # Axes' "locked out" filter counts against its own limit, not the per-account one.
    list_filter = ("attempt_time", "path_info")
    fieldsets = (
        (None, {"fields": ("username", "path_info", "failures_since_start", "expiration")}),
        (_("Submitted form"), {"fields": ("get_data", "post_data")}),
        (_("Browser and address"), {"fields": ("user_agent", "ip_address", "http_accept")}),
    )

    def object_label(self, obj) -> str:
        return _("Failed sign-ins of %(username)s") % {"username": obj.username or "—"}

    @admin.display(description=_("status"))
    def status(self, obj):
        left = settings.CASEWORK_FAILURES_PER_ACCOUNT - obj.failures_since_start
        if left <= 0:
            return _("Locked out")
        return ngettext("%(n)d attempt left", "%(n)d attempts left", left) % {"n": left}

    @admin.display(description=_("expires at"))
    def expiration(self, obj):
        return obj.expiration.expires_at if hasattr(obj, "expiration") else "—"

    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request,
            ngettext(
                "%(n)d expired attempt cleaned up.", "%(n)d expired attempts cleaned up.", count
            )
            % {"n": count},
        )
