"""The spine's data: jurisdictions, users with roles, the audit chain, the clock."""

import datetime

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        "registry.Enterprise",
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
