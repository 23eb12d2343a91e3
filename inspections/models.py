"""Inspections (现场检查); worker checks, findings and orders follow."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from casework import clock
from casework.visibility import staff_or_enterprise_q


def _is_officer(instance, user) -> bool:
    return user.has_role("officer")


def _is_inspecting_officer(instance, user) -> bool:
    return user.has_role("officer") and instance.officers.filter(pk=user.pk).exists()


def _is_officer_or_supervisor(instance, user) -> bool:
    return user.has_role("officer", "supervisor")


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "InspectionQuerySet":
        return self.filter(
            staff_or_enterprise_q(
                user,
                path_lookup="enterprise__jurisdiction__path",
                enterprise_lookup="enterprise_id",
            )
        )


class Inspection(FSMModelMixin, models.Model):
    """An on-site inspection of one enterprise by at least two officers."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        RECORDED = "recorded", _("Recorded")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    planned_on = models.DateField(_("planned on"))
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("officers"), related_name="inspections"
    )
    state = FSMField(
        _("state"), default=State.PLANNED, choices=State.choices, protected=True, db_index=True
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=100, blank=True)
    signature_refused = models.BooleanField(_("signature refused"), default=False)
    refusal_reason = models.TextField(_("reason for refusing to sign"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-planned_on", "-pk"]

    def __str__(self):
        return _("Inspection %(pk)s of %(enterprise)s") % {
            "pk": self.pk,
            "enterprise": self.enterprise,
        }

    @transition(
        field=state,
        source=State.PLANNED,
        target=State.IN_PROGRESS,
        permission=_is_officer,
        custom={"label": _("Start")},
    )
    def start(self, *, officers):
        self.started_at = clock.now()

    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.RECORDED,
        permission=_is_inspecting_officer,
        custom={"label": _("Record")},
    )
    def record(self, *, signed_by="", refused=False, refusal_reason=""):
        self.recorded_at = clock.now()
        self.signed_by = signed_by
        self.signature_refused = refused
        self.refusal_reason = refusal_reason

    @transition(
        field=state,
        source=State.RECORDED,
        target=State.CLOSED,
        permission=_is_officer_or_supervisor,
        custom={"label": _("Close")},
    )
    def close(self):
        self.closed_at = clock.now()

    @transition(
        field=state,
        source=State.PLANNED,
        target=State.CANCELLED,
        permission=_is_officer_or_supervisor,
        custom={"label": _("Cancel")},
    )
    def cancel(self, *, reason):
        self.cancelled_at = clock.now()
        self.cancel_reason = reason
