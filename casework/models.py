"""The spine's data: jurisdictions, enterprises, users with roles, the audit chain, the clock,
the calendar and the legal clocks."""

import datetime

from django.apps import apps
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from casework.deadline_kinds import deadline_kind_label
from casework.identifiers import validate_uscc
from casework.visibility import VisibleQuerySet


class Jurisdiction(models.Model):
    """An administrative division (行政区划) keyed by its division code."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        COUNTY = "county", _("County")

    code = models.CharField(_("division code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised ancestry ("/450100/450103/") so that "this jurisdiction and
    # everything below it" is one indexed prefix match.
    path = models.CharField(_("path"), max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["path"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent else "/") + f"{self.code}/"
        super().save(*args, **kwargs)

    def contains(self, other: "Jurisdiction | None") -> bool:
        """Tell whether ``other`` is this jurisdiction or lies below it."""
        return other is not None and other.path.startswith(self.path)


class Enterprise(models.Model):
    """An enterprise under supervision, identified by its unified social credit code.

    The party of every case and the owner of portal accounts, so it lives in the
    spine; the registers (``registry``) point down at it.
    """

    class Sector(models.TextChoices):
        HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("Hazardous chemicals")
        NON_COAL_MINING = "non_coal_mining", _("Non-coal mining")
        METAL_SMELTING = "metal_smelting", _("Metal smelting")
        METAL_CASTING = "metal_casting", _("Metal casting")
        FIREWORKS = "fireworks", _("Fireworks")
        OTHER = "other", _("Other")

    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    visibility = ("jurisdiction__path", "pk")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A staff member of a bureau, or an enterprise's user of the portal."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("Law-enforcement officer")
        SUPERVISOR = "supervisor", _("Supervisor")
        LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
        ENTERPRISE = "enterprise", _("Enterprise user")
        ADMIN = "admin", _("Administrator")

    STAFF_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.LEGAL_REVIEWER, Role.ADMIN})

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    credential_no = models.CharField(_("enforcement credential number"), max_length=40, blank=True)
    credential_valid_from = models.DateField(_("credential valid from"), null=True, blank=True)
    credential_valid_until = models.DateField(_("credential valid until"), null=True, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="enterprise_user_has_enterprise",
                condition=~models.Q(role="enterprise") | models.Q(enterprise__isnull=False),
            ),
            models.CheckConstraint(
                name="staff_user_has_jurisdiction",
                condition=models.Q(role="enterprise")
                | models.Q(role="admin")
                | models.Q(jurisdiction__isnull=False),
            ),
        ]

    def __str__(self):
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    @property
    def is_enterprise_user(self) -> bool:
        return self.role == self.Role.ENTERPRISE

    @property
    def is_staff_role(self) -> bool:
        return self.role in self.STAFF_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    def credential_valid_on(self, day: datetime.date) -> bool:
        """Tell whether the enforcement credential is valid on ``day``."""
        if self.role != self.Role.OFFICER or not self.credential_no:
            return False
        if self.credential_valid_from and day < self.credential_valid_from:
            return False
        return bool(self.credential_valid_until and day <= self.credential_valid_until)


class AuditEvent(models.Model):
    """One link of the append-only, hash-chained audit trail.

    Written only by ``casework.audit.audit_record``. PostgreSQL refuses UPDATE
    and DELETE on this table (see migration 0002).
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    recorded_at = models.DateTimeField(_("server time"))
    occurred_at = models.DateTimeField(_("clock time"))
    actor = models.ForeignKey(
        User,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True)
    actor_role = models.CharField(_("actor role"), max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    transition = models.CharField(_("transition"), max_length=64, blank=True)
    source_state = models.CharField(_("source state"), max_length=40, blank=True)
    target_state = models.CharField(_("target state"), max_length=40, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    rule_versions = models.JSONField(_("rule versions"), default=dict, blank=True)
    file_hashes = models.JSONField(_("file hashes"), default=list, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The single row naming the chain's last link; locked by every writer."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"#{self.seq} {self.hash[:12]}"


class SimulatedClock(models.Model):
    """The simulated time shared by every process (never in production)."""

    set_to = models.DateTimeField(_("set to"))
    set_at = models.DateTimeField(_("set at (real time)"))
    frozen = models.BooleanField(_("frozen"), default=False)

    class Meta:
        verbose_name = _("simulated clock")

    def __str__(self):
        return f"{self.set_to.isoformat()}{' (frozen)' if self.frozen else ''}"


def _national_or_local_unique(name: str, *fields: str) -> list[models.UniqueConstraint]:
    """Unique per jurisdiction, and once among national rows (jurisdiction NULL)."""
    return [
        models.UniqueConstraint(
            fields=["jurisdiction", *fields],
            condition=models.Q(jurisdiction__isnull=False),
            name=f"{name}_local_unique",
        ),
        models.UniqueConstraint(
            fields=list(fields),
            condition=models.Q(jurisdiction__isnull=True),
            name=f"{name}_national_unique",
        ),
    ]


class CalendarYear(models.Model):
    """A year whose official holiday schedule (国务院办公厅通知) is loaded."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=300)
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        verbose_name = _("official calendar year")
        verbose_name_plural = _("official calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """A non-ordinary day: a holiday, or a make-up working day (调休上班).

    Rows without a jurisdiction are the national base; a jurisdiction's rows
    override it for that jurisdiction and everything below it.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Make-up working day")

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty for the national calendar."),
    )
    date = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = _national_or_local_unique("calendarday", "date")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class PeriodRule(models.Model):
    """One version of a legal period: its length, unit, basis, source and confidence.

    The version in force for a procedural act is the one with the latest
    ``effective_from`` on or before the act's date, a jurisdiction's own version
    winning a tie with the national one.
    """

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", _("working days")
        CALENDAR_DAYS = "calendar_days", _("calendar days")
        MONTHS = "months", _("months")
        DAY_OF_MONTH = "day_of_month", _("day of the following month")

    class Confidence(models.TextChoices):
        VERIFIED = "V", _("Verified in the statute")
        SECONDARY = "S", _("Secondary source; configurable")
        MIXED = "M", _("Reported wording; configurable")

    code = models.CharField(_("code"), max_length=40)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty for the national rule."),
    )
    effective_from = models.DateField(_("effective from"))
    length = models.PositiveIntegerField(_("length"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    party_facing = models.BooleanField(
        _("party-facing"),
        default=False,
        help_text=_("A party's window: computed generously, never shortened."),
    )
    reminder_offsets = models.JSONField(
        _("reminders (working days before due)"), default=list, blank=True
    )
    legal_basis = models.TextField(_("legal basis"))
    source = models.TextField(_("source"), blank=True)
    confidence = models.CharField(_("confidence"), max_length=1, choices=Confidence.choices)

    class Meta:
        verbose_name = _("period rule")
        verbose_name_plural = _("period rules")
        ordering = ["code", "-effective_from"]
        constraints = _national_or_local_unique("periodrule", "code", "effective_from")

    def __str__(self):
        return f"{self.code} {self.length} {self.unit} ({self.effective_from})"


class DeadlineQuerySet(VisibleQuerySet):
    def failing(self):
        """Deadlines the sweep gave up on, or whose reminder it gave up on."""
        return self.filter(
            models.Q(status=Deadline.Status.FAILING)
            | models.Q(pk__in=DeadlineReminder.objects.filter(failing=True).values("deadline_id"))
        )


class Deadline(models.Model):
    """A legal clock: one period running from one event, for one subject."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MET = "met", _("Met")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")
        # Due, but its handler kept failing: no longer retried until an administrator does.
        FAILING = "failing", _("Failing")

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    rule = models.ForeignKey(
        PeriodRule, verbose_name=_("rule version"), on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.TextField(_("legal basis"))
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.CharField(_("subject id"), max_length=64)
    party = models.CharField(_("party"), max_length=200, blank=True)
    start_event = models.CharField(_("start event"), max_length=60)
    started_at = models.DateTimeField(_("start event time"))
    start_date = models.DateField(_("start date"))
    length = models.PositiveIntegerField(_("length"))
    unit = models.CharField(_("unit"), max_length=20, choices=PeriodRule.Unit.choices)
    due_date = models.DateField(_("due date"))
    due_fixed = models.BooleanField(
        _("due date fixed by an officer"),
        default=False,
        help_text=_("Chosen within the rule's longest period; never recomputed."),
    )
    printed_due_date = models.DateField(
        _("due date printed on a served document"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    provisional = models.BooleanField(_("provisional"), default=False)
    party_facing = models.BooleanField(_("party-facing"), default=False)
    explanation_zh = models.TextField(_("explanation (Chinese)"))
    explanation_en = models.TextField(_("explanation (English)"))
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)
    fired_at = models.DateTimeField(_("fired at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    version = models.PositiveIntegerField(_("version"), default=0)

    visibility = ("jurisdiction__path", "enterprise_id")
    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_date", "pk"]
        indexes = [
            # The sweep reads only running (open, not suspended) rows in due order:
            # its cost follows what is due, not what is open or suspended.
            models.Index(
                fields=["due_date", "id"],
                condition=models.Q(status="open", suspended_on__isnull=True),
                name="deadline_running_due",
            ),
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject"),
        ]

    def __str__(self):
        return f"{self.kind} {self.subject_type}:{self.subject_id} → {self.due_date}"


class DeadlineEntry(models.Model):
    """Append-only ledger of what happened to a deadline after it was opened."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", _("Extension")
        SUSPENSION = "suspension", _("Suspension")
        RESUMPTION = "resumption", _("Resumption")
        RECOMPUTATION = "recomputation", _("Recomputation")

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.PROTECT, related_name="ledger"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT
    )
    reason = models.TextField(_("reason"), blank=True)
    due_before = models.DateField(_("due before"), null=True, blank=True)
    due_after = models.DateField(_("due after"), null=True, blank=True)
    explanation_zh = models.TextField(_("explanation (Chinese)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)

    class Meta:
        verbose_name = _("deadline ledger entry")
        verbose_name_plural = _("deadline ledger entries")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_before} → {self.due_after}"


class DeadlineReminder(models.Model):
    """A reminder a number of working days before a deadline; fires once."""

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.PROTECT, related_name="reminders"
    )
    offset = models.PositiveSmallIntegerField(_("working days before due"))
    remind_on = models.DateField(_("remind on"))
    fired_at = models.DateTimeField(_("fired at"), null=True, blank=True)
    # Set when the deadline closes first, so the sweep's index forgets the row.
    cancelled = models.BooleanField(_("cancelled"), default=False)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Set when the attempts reach the limit: no longer retried until an administrator does.
    failing = models.BooleanField(_("failing"), default=False)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "offset"], name="reminder_once_per_offset")
        ]
        indexes = [
            models.Index(
                fields=["remind_on", "id"],
                condition=models.Q(fired_at__isnull=True, cancelled=False, failing=False),
                name="reminder_pending_order",
            )
        ]

    def __str__(self):
        return f"{self.deadline} −{self.offset}"


# -- enforcement documents and their service (casework.documents, casework.service) ----------


class DocumentPrefix(models.Model):
    """The agency prefix of a jurisdiction's document numbers (南应急 in 南应急责改〔2026〕12号).

    Without a row the prefix is derived from the jurisdiction's name
    (``casework.documents.agency_prefix``).
    """

    jurisdiction = models.OneToOneField(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    prefix = models.CharField(_("document number prefix"), max_length=20)

    class Meta:
        verbose_name = _("document number prefix")
        verbose_name_plural = _("document number prefixes")

    def __str__(self):
        return f"{self.jurisdiction_id} {self.prefix}"


class DocumentCounter(models.Model):
    """The last number given to a kind of document by one agency in one year.

    Locked (``SELECT … FOR UPDATE``) by each issue, inside the issuing transaction:
    a number is consumed only when the document is committed.
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document number counter")
        verbose_name_plural = _("document number counters")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "kind", "year"], name="documentcounter_unique"
            )
        ]

    def __str__(self):
        return f"{self.jurisdiction_id} {self.kind} {self.year}: {self.last}"


class Document(models.Model):
    """An enforcement document (执法文书): numbered, rendered as PDF, stored by its SHA-256.

    Issued documents may be rendered again until served; a served one never
    changes (PostgreSQL refuses UPDATE of a served row and any DELETE, see
    migration 0005). A correction is a new document naming the one it corrects.
    """

    class State(models.TextChoices):
        ISSUED = "issued", _("Issued")
        SERVED = "served", _("Served")

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    title = models.CharField(_("title"), max_length=100)
    number = models.CharField(_("document number"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("issuing jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.CharField(_("subject id"), max_length=64)
    layout = models.TextField(_("rendered layout"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    issued_on = models.DateField(_("issued on"))
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey(
        User,
        verbose_name=_("generated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    served_at = models.DateTimeField(_("service recorded at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ISSUED)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )

    visibility = ("jurisdiction__path", "enterprise_id")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("enforcement document")
        verbose_name_plural = _("enforcement documents")
        ordering = ["-generated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "kind", "year", "sequence"],
                name="document_sequence_unique",
            )
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="document_subject")]

    def __str__(self):
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        # Storage never overwrites: a served document is final (checked against the
        # stored row, not this instance's possibly stale state).
        if self.pk is not None:
            stored = Document.objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if stored == Document.State.SERVED:
                raise ValueError(f"document {self.number} is served and cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("documents are never deleted: their numbers have no gaps")


class ServiceConsent(models.Model):
    """An enterprise's signed consent to electronic service (送达地址确认书)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("Text message")
        PLATFORM = "platform", _("Online service platform")

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="service_consents",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    address = models.CharField(_("electronic address"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    file_sha256 = models.CharField(_("signed file SHA-256"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"))
    file_content_type = models.CharField(_("content type"), max_length=100)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    visibility = ("enterprise__jurisdiction__path", "enterprise_id")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent to electronic service")
        verbose_name_plural = _("consents to electronic service")
        ordering = ["-signed_on", "-pk"]

    def __str__(self):
        return f"{self.enterprise_id} {self.channel} {self.address}"


class ServiceRecord(models.Model):
    """How and when a document was served (送达); one per document, never changed."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        LEFT_AT_PREMISES = "left_at_premises", _("Left at the premises")
        POST = "post", _("By post")
        ELECTRONIC = "electronic", _("Electronic")
        PUBLIC_NOTICE = "public_notice", _("Public notice")

    document = models.OneToOneField(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="service"
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    served_on = models.DateField(_("served on"))
    effective_on = models.DateField(_("service takes effect on"))
    recipient = models.CharField(_("recipient"), max_length=100, blank=True)
    witness = models.CharField(_("witness"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    consent = models.ForeignKey(
        ServiceConsent,
        verbose_name=_("consent to electronic service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule = models.ForeignKey(
        PeriodRule,
        verbose_name=_("rule version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proof_sha256 = models.CharField(_("proof SHA-256"), max_length=64, blank=True)
    proof_size = models.PositiveBigIntegerField(_("proof size (bytes)"), null=True, blank=True)
    proof_content_type = models.CharField(_("proof content type"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")

    def __str__(self):
        return f"{self.document_id} {self.method} {self.served_on}"


class DocumentSignature(models.Model):
    """A signature drawn on screen, bound to the SHA-256 of the file it signs.

    The image is stored by its hash; placing it on the document gives a new final
    file whose hash is recorded here (the signed file is never replaced).
    """

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="signatures"
    )
    signer = models.CharField(_("signer"), max_length=100)
    signs_sha256 = models.CharField(_("SHA-256 of the signed file"), max_length=64)
    image_sha256 = models.CharField(_("signature image SHA-256"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    device = models.CharField(_("device"), max_length=200, blank=True)
    final_sha256 = models.CharField(_("SHA-256 of the signed document"), max_length=64)
    final_size = models.PositiveBigIntegerField(_("size (bytes)"))
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("document signature")
        verbose_name_plural = _("document signatures")
        ordering = ["signed_at", "pk"]

    def __str__(self):
        return f"{self.document_id} {self.signer} {self.final_sha256[:12]}"


class ClockEscalation(Process):
    """A supervisor's task for an agency clock at risk (one working day left) or missed.

    A Viewflow process (``casework.flows.EscalationFlow``); one per clock and level.
    """

    class Level(models.TextChoices):
        AT_RISK = "at_risk", _("At risk")
        MISSED = "missed", _("Missed")

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.PROTECT, related_name="escalations"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)

    class Meta:
        verbose_name = _("deadline escalation")
        verbose_name_plural = _("deadline escalations")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "level"], name="one_escalation_per_level")
        ]

    def case_subject(self) -> tuple[str, str]:
        return self.deadline.subject_type, self.deadline.subject_id

    @property
    def case_title(self) -> str:
        """The case the clock belongs to, by its name (``str`` of the subject)."""
        try:
            model = apps.get_model(self.deadline.subject_type)
        except (LookupError, ValueError):
            return ""
        subject = model._default_manager.filter(pk=self.deadline.subject_id).first()
        return str(subject) if subject is not None else ""

    @property
    def summary(self) -> str:
        said = {
            "kind": deadline_kind_label(self.deadline.kind),
            "due": date_format(self.deadline.due_date),
            "enterprise": self.deadline.enterprise or "",
        }
        if self.level == self.Level.MISSED:
            return _("%(kind)s of %(enterprise)s was missed (due %(due)s)") % said
        return _("%(kind)s of %(enterprise)s: one working day left (due %(due)s)") % said
