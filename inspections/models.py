"""Inspections (现场检查), worker checks, findings and evidence."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition
from viewflow.workflow.models import Process

from casework import clock
from casework.identifiers import mask_id_number
from casework.transitions import system_only
from casework.visibility import VisibleQuerySet


def _is_officer(instance, user) -> bool:
    return user.has_role("officer")


def _is_inspecting_officer(instance, user) -> bool:
    return user.has_role("officer") and instance.officers.filter(pk=user.pk).exists()


def _is_officer_or_supervisor(instance, user) -> bool:
    return user.has_role("officer", "supervisor")


def _all_findings_disposed(inspection) -> bool:
    return not inspection.findings.filter(state=Finding.State.OPEN).exists()


_all_findings_disposed.message = _("Every finding must be disposed before the inspection closes.")


class Inspection(FSMModelMixin, models.Model):
    """An on-site inspection of one enterprise by at least two officers."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        RECORDED = "recorded", _("Recorded")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    enterprise = models.ForeignKey(
        "casework.Enterprise",
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
    refusal_witness = models.CharField(_("witness of the refusal"), max_length=100, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    visibility = ("enterprise__jurisdiction__path", "enterprise_id")
    objects = VisibleQuerySet.as_manager()

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
        custom={
            "label": _("Record"),
            "confirm": _(
                "Record the inspection? The record and its signature cannot be changed afterwards."
            ),
        },
    )
    def record(self, *, signed_by="", refused=False, refusal_reason="", witness=""):
        self.recorded_at = clock.now()
        self.signed_by = signed_by
        self.signature_refused = refused
        self.refusal_reason = refusal_reason
        self.refusal_witness = witness

    @transition(
        field=state,
        source=State.RECORDED,
        target=State.CLOSED,
        permission=_is_officer_or_supervisor,
        conditions=[_all_findings_disposed],
        custom={
            "label": _("Close"),
            "confirm": _("Close the inspection? Nothing can be added to it afterwards."),
        },
    )
    def close(self):
        self.closed_at = clock.now()

    @transition(
        field=state,
        source=State.PLANNED,
        target=State.CANCELLED,
        permission=_is_officer_or_supervisor,
        custom={
            "label": _("Cancel"),
            "confirm": _("Cancel the inspection? A cancelled inspection cannot be started again."),
            "danger": True,
        },
    )
    def cancel(self, *, reason):
        self.cancelled_at = clock.now()
        self.cancel_reason = reason


class WorkerCheck(models.Model):
    """One worker checked on site against the registers; kept whatever the verdict."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.PROTECT,
        related_name="worker_checks",
    )
    worker = models.ForeignKey(
        "registry.Worker",
        verbose_name=_("worker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checks",
    )
    id_number = models.CharField(_("resident ID number"), max_length=18)
    name = models.CharField(_("name"), max_length=100, blank=True)
    job = models.CharField(_("job"), max_length=100)
    special_ops = models.JSONField(_("special-operations categories"), default=list, blank=True)
    is_team_leader = models.BooleanField(_("team leader"), default=False)
    checked_on = models.DateField(_("checked on"))
    qualified = models.BooleanField(_("qualified"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    finding = models.ForeignKey(
        "Finding",
        verbose_name=_("finding"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checks",
        help_text=_("Checks of the same person for the same job share one open finding."),
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("worker check")
        verbose_name_plural = _("worker checks")
        ordering = ["checked_at", "pk"]
        # The access log finds a person's checks by number (inspections.access_log).
        indexes = [models.Index(fields=["id_number"], name="workercheck_id_number")]

    def __str__(self):
        verdict = _("qualified") if self.qualified else _("not qualified")
        return f"{self.job} {verdict}"

    @property
    def reason_labels(self) -> list[str]:
        """The reasons found, as a person reads them, in the active language."""
        from registry.qualification import reason_label

        return [reason_label(reason.get("code", "")) for reason in self.reasons]


def _inspection_takes_dispositions(finding) -> bool:
    return finding.inspection.state in (Inspection.State.IN_PROGRESS, Inspection.State.RECORDED)


_inspection_takes_dispositions.message = _(
    "Findings are disposed of only while the inspection is in progress or recorded."
)


def _is_staff_officer_or_supervisor(instance, user) -> bool:
    return user.has_role("officer", "supervisor")


class Finding(FSMModelMixin, models.Model):
    """One unqualified worker, or one enterprise-level gap, with its legal basis."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DISPOSED = "disposed", _("Disposed")

    class Level(models.TextChoices):
        WORKER = "worker", _("Worker")
        ENTERPRISE = "enterprise", _("Enterprise")

    class Disposition(models.TextChoices):
        CORRECTED_ON_SITE = "corrected_on_site", _("Corrected on site")
        ORDER_AND_PENALTY = "order_and_penalty", _("Rectification order and penalty case")
        TRANSFER = "transfer", _("Transfer to another authority")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="findings"
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    id_number = models.CharField(_("resident ID number"), max_length=18, blank=True)
    worker = models.ForeignKey(
        "registry.Worker",
        verbose_name=_("worker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    job = models.CharField(_("job"), max_length=100, blank=True)
    reason_codes = models.JSONField(_("reason codes"), default=list)
    legal_basis = models.TextField(_("legal basis"))
    description = models.TextField(_("description"), blank=True)
    state = FSMField(
        _("state"), default=State.OPEN, choices=State.choices, protected=True, db_index=True
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    disposition = models.CharField(
        _("disposition"), max_length=24, choices=Disposition.choices, blank=True
    )
    due_date = models.DateField(_("rectification due date"), null=True, blank=True)
    transfer_to = models.CharField(_("transferred to"), max_length=200, blank=True)
    disposition_note = models.TextField(_("note on the disposition"), blank=True)
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    rectification_order = models.ForeignKey(
        "RectificationOrder",
        verbose_name=_("rectification order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    created_at = models.DateTimeField(_("created at"))

    visibility = ("inspection__enterprise__jurisdiction__path", "inspection__enterprise_id")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "pk"]

    def __str__(self):
        return _("Finding %(pk)s: %(codes)s") % {
            "pk": self.pk,
            "codes": "、".join(self.reason_labels),
        }

    @property
    def reason_labels(self) -> list[str]:
        """The reasons as a person reads them, in the active language."""
        from registry.qualification import reason_label

        return [reason_label(code) for code in self.reason_codes]

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number) if self.id_number else ""

    def title(self) -> str:
        """The finding named as a person would: who, at which job, and why."""
        labels = "、".join(self.reason_labels)
        if self.level != self.Level.WORKER:
            return f"{self.job}：{labels}" if self.job else labels
        name = self.worker.name if self.worker_id else ""
        if not name:
            name = next((check.name for check in self.checks.all() if check.name), "")
        who = name or mask_id_number(self.id_number)
        return f"{who}（{self.job}）：{labels}" if self.job else f"{who}：{labels}"

    @transition(
        field=state,
        source=State.OPEN,
        target=State.DISPOSED,
        permission=_is_staff_officer_or_supervisor,
        conditions=[_inspection_takes_dispositions],
        custom={
            "label": _("Dispose"),
            "confirm": _("Dispose of this finding as chosen? The disposition cannot be changed."),
        },
    )
    def dispose(self, *, disposition, due_date=None, transfer_to="", note=""):
        self.disposition = disposition
        self.due_date = due_date
        self.transfer_to = transfer_to
        self.disposition_note = note
        self.disposed_at = clock.now()


class Evidence(models.Model):
    """A file attached to an inspection or a finding, stored by its SHA-256; never deleted."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="evidence"
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("finding"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    rectification_order = models.ForeignKey(
        "RectificationOrder",
        verbose_name=_("rectification order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
        help_text=_("Set for a file the enterprise sent with its answer to the order."),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("detected type"), max_length=100)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    metadata = models.JSONField(_("metadata (EXIF, GPS)"), default=dict, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    visibility = ("inspection__enterprise__jurisdiction__path", "inspection__enterprise_id")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.original_name or self.sha256[:12]} ({self.content_type})"


def _is_enterprise_user(instance, user) -> bool:
    return (
        getattr(user, "is_enterprise_user", False) and user.enterprise_id == instance.enterprise_id
    )


def _is_supervisor(instance, user) -> bool:
    return user.has_role("supervisor")


def _not_past_due(order) -> bool:
    return clock.today() <= order.due_date


_not_past_due.message = _("An extension is asked for on or before the due date.")


class RectificationOrder(FSMModelMixin, models.Model):
    """An order to rectify by a due date (责令限期整改), for one enterprise and inspection.

    The legal state lives here; the flow (``inspections.flows``) only routes the
    work. Findings disposed as an order and penalty point at it; the workers they
    bar stay barred until a re-inspection confirms their qualification.
    """

    class State(models.TextChoices):
        ISSUED = "issued", _("Issued")
        IN_RECTIFICATION = "in_rectification", _("In rectification")
        EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
        COMPLETION_REPORTED = "completion_reported", _("Completion reported")
        REINSPECTION_DUE = "reinspection_due", _("Re-inspection due")
        VERIFIED = "verified", _("Verified")
        NOT_RECTIFIED = "not_rectified", _("Not rectified")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATES = (
        State.ISSUED,
        State.IN_RECTIFICATION,
        State.EXTENSION_REQUESTED,
        State.COMPLETION_REPORTED,
        State.REINSPECTION_DUE,
    )

    class ServiceMethod(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        LEFT_AT_PREMISES = "left_at_premises", _("Left at the premises with a witness")
        POST = "post", _("By post")
        ELECTRONIC = "electronic", _("Electronically, with the enterprise's consent")
        PUBLIC_NOTICE = "public_notice", _("By public notice")

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.PROTECT,
        related_name="rectification_orders",
    )
    enterprise = models.ForeignKey(
        "casework.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="rectification_orders",
    )
    state = FSMField(
        _("state"), default=State.ISSUED, choices=State.choices, protected=True, db_index=True
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    due_date = models.DateField(_("due date"))
    original_due_date = models.DateField(_("due date first set"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"))
    served_on = models.DateField(_("served on"), null=True, blank=True)
    service_method = models.CharField(
        _("service method"), max_length=20, choices=ServiceMethod.choices, blank=True
    )
    service_recipient = models.CharField(_("received by"), max_length=100, blank=True)
    service_witness = models.CharField(_("witness"), max_length=100, blank=True)
    extension_requested_due_date = models.DateField(_("due date asked for"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extension_requested_at = models.DateTimeField(
        _("extension asked for at"), null=True, blank=True
    )
    extension_granted = models.BooleanField(_("extension granted"), null=True, blank=True)
    extension_decision_reason = models.TextField(_("reason for the decision"), blank=True)
    completion_summary = models.TextField(_("completion report"), blank=True)
    completion_reported_at = models.DateTimeField(
        _("completion reported at"), null=True, blank=True
    )
    completion_files = models.ManyToManyField(
        Evidence, verbose_name=_("files of the completion report"), blank=True, related_name="+"
    )
    rectified = models.BooleanField(_("rectified"), null=True, blank=True)
    reinspected_at = models.DateTimeField(_("re-inspected at"), null=True, blank=True)
    reinspection_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("re-inspecting officers"),
        blank=True,
        related_name="reinspections",
    )
    reinspection_notes = models.TextField(_("re-inspection notes"), blank=True)
    escalation_owed = models.BooleanField(
        _("stage-two penalty owed"),
        default=False,
        help_text=_("Not rectified by the due date: Work Safety Law art. 97, second stage."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawing"), blank=True)

    visibility = ("enterprise__jurisdiction__path", "enterprise_id")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        ordering = ["-issued_at", "-pk"]

    def __str__(self):
        return _("Rectification order %(pk)s of %(enterprise)s") % {
            "pk": self.pk,
            "enterprise": self.enterprise,
        }

    def get_absolute_url(self) -> str:
        return reverse("inspections:order", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @transition(
        field=state,
        source=State.ISSUED,
        target=State.IN_RECTIFICATION,
        permission=_is_officer_or_supervisor,
        custom={
            "label": _("Serve"),
            "confirm": _(
                "Record the service of the order? The order and its due date cannot be "
                "changed once served."
            ),
        },
    )
    def serve(self, *, service_method, served_on, recipient="", witness=""):
        # Not ``method``: django-fsm's own argument of that name comes first.
        self.service_method = service_method
        self.served_on = served_on
        self.service_recipient = recipient
        self.service_witness = witness

    @transition(
        field=state,
        source=State.IN_RECTIFICATION,
        target=State.EXTENSION_REQUESTED,
        permission=_is_enterprise_user,
        conditions=[_not_past_due],
        custom={
            "label": _("Ask for an extension"),
            "confirm": _("Send the request for an extension to the bureau?"),
        },
    )
    def request_extension(self, *, requested_due_date, reason):
        self.extension_requested_due_date = requested_due_date
        self.extension_reason = reason
        self.extension_requested_at = clock.now()
        self.extension_granted = None
        self.extension_decision_reason = ""

    @transition(
        field=state,
        source=State.EXTENSION_REQUESTED,
        target=State.IN_RECTIFICATION,
        permission=_is_supervisor,
        custom={
            "label": _("Decide on the extension"),
            "confirm": _("Decide on the extension? The enterprise is told at once."),
        },
    )
    def decide_extension(self, *, granted, new_due_date=None, reason=""):
        self.extension_granted = granted
        self.extension_decision_reason = reason
        if granted:
            self.due_date = new_due_date

    @transition(
        field=state,
        source=State.IN_RECTIFICATION,
        target=State.COMPLETION_REPORTED,
        permission=_is_enterprise_user,
        custom={
            "label": _("Report completion"),
            "confirm": _("Report the rectification as complete? The bureau will re-inspect."),
        },
    )
    def report_completion(self, *, summary):
        self.completion_summary = summary
        self.completion_reported_at = clock.now()

    @transition(
        field=state,
        source=State.IN_RECTIFICATION,
        target=State.REINSPECTION_DUE,
        permission=system_only,
        custom={"label": _("Due date passed"), "system": True},
    )
    def due_date_pass(self):
        pass

    @transition(
        field=state,
        source=[State.COMPLETION_REPORTED, State.REINSPECTION_DUE],
        target=RETURN_VALUE(State.VERIFIED, State.NOT_RECTIFIED),
        permission=_is_officer,
        custom={
            "label": _("Record the re-inspection"),
            "confirm": _(
                "Record the re-inspection? Workers confirmed qualified are cleared for duty; "
                "an order not rectified is escalated to a second-stage penalty."
            ),
        },
    )
    def record_reinspection(self, *, rectified, notes=""):
        self.rectified = rectified
        self.reinspection_notes = notes
        self.reinspected_at = clock.now()
        if not rectified:
            self.escalation_owed = True
            return self.State.NOT_RECTIFIED
        return self.State.VERIFIED

    @transition(
        field=state,
        source=State.VERIFIED,
        target=State.CLOSED,
        permission=_is_officer_or_supervisor,
        custom={
            "label": _("Close the order"),
            "confirm": _("Close the order? Nothing can be added to it afterwards."),
        },
    )
    def close(self):
        self.closed_at = clock.now()

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=State.WITHDRAWN,
        permission=_is_supervisor,
        custom={
            "label": _("Withdraw"),
            "confirm": _("Withdraw the order? Its clocks stop and it cannot be taken up again."),
            "danger": True,
        },
    )
    def withdraw(self, *, reason):
        self.withdrawn_at = clock.now()
        self.withdraw_reason = reason


class OrderProcess(Process):
    """The routing of one order's work (``inspections.flows.RectificationFlow``): one per order."""

    order = models.OneToOneField(
        RectificationOrder,
        verbose_name=_("rectification order"),
        on_delete=models.PROTECT,
        related_name="process",
    )

    class Meta:
        verbose_name = _("rectification order process")
        verbose_name_plural = _("rectification order processes")

    def case_subject(self) -> tuple[str, str]:
        return RectificationOrder._meta.label_lower, str(self.order_id)

    @property
    def summary(self) -> str:
        return str(self.order)
