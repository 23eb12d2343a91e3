"""The registers: workers, certificates, trainings, trainers, skill certificates.

Enterprises, the party of every case, live in the spine (``casework.models``).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.identifiers import mask_id_number, validate_id_number
from casework.models import Enterprise
from casework.visibility import VisibleQuerySet


class SpecialOpsCategory(models.TextChoices):
    """The national catalogue of special operations (特种作业目录)."""

    ELECTRICAL = "electrical", _("Electrical work")
    WELDING = "welding", _("Welding and thermal cutting")
    WORK_AT_HEIGHT = "work_at_height", _("Work at height")
    REFRIGERATION = "refrigeration", _("Refrigeration and air conditioning")
    COAL_MINE = "coal_mine", _("Coal mine safety work")
    METAL_NONMETAL_MINE = "metal_nonmetal_mine", _("Metal and non-metal mine safety work")
    OIL_GAS = "oil_gas", _("Oil and gas safety work")
    METALLURGY = "metallurgy", _("Metallurgical (non-ferrous) production safety work")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("Hazardous chemicals safety work")
    FIREWORKS = "fireworks", _("Fireworks safety work")
    OTHER = "other", _("Other recognised special work")


def _persons_visible_to(user) -> Q:
    """People (by ID number) employed by an enterprise the user may see."""
    return Q(id_number__in=Worker.objects.visible_to(user).values("id_number"))


class Worker(models.Model):
    """A person employed by an enterprise, in one job."""

    # The unique (enterprise, id_number) constraint serves lookups by enterprise.
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="workers",
        db_index=False,
    )
    id_number = models.CharField(
        _("resident ID number"), max_length=18, validators=[validate_id_number]
    )
    name = models.CharField(_("name"), max_length=100)
    job = models.CharField(_("job"), max_length=100)
    is_team_leader = models.BooleanField(_("team leader"), default=False)
    special_ops = models.JSONField(_("special-operations categories"), default=list, blank=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    barred_from_duty = models.BooleanField(_("barred from duty"), default=False)
    barred_reason = models.TextField(_("reason for the bar"), blank=True)
    barred_since = models.DateField(_("barred since"), null=True, blank=True)

    visibility = ("enterprise__jurisdiction__path", "enterprise_id")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["enterprise", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "id_number"], name="worker_once_per_enterprise"
            )
        ]
        # A plain index (db_index would add a second, LIKE, index on PostgreSQL).
        indexes = [models.Index(fields=["id_number"], name="worker_id_number")]

    def __str__(self):
        return f"{self.name} ({mask_id_number(self.id_number)})"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class PersonRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(_persons_visible_to(user))


class Certificate(models.Model):
    """A special-operations certificate (特种作业操作证) held by a person."""

    id_number = models.CharField(
        _("resident ID number"), max_length=18, validators=[validate_id_number], db_index=True
    )
    category = models.CharField(_("category"), max_length=32, choices=SpecialOpsCategory.choices)
    number = models.CharField(_("certificate number"), max_length=64, unique=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    review_due_on = models.DateField(_("periodic review due on"), null=True, blank=True)

    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("special-operations certificate")
        verbose_name_plural = _("special-operations certificates")
        ordering = ["id_number", "category", "-valid_until"]
        indexes = [models.Index(fields=["id_number", "category"], name="certificate_person")]

    def __str__(self):
        return f"{self.number} {self.get_category_display()}"


class Training(models.Model):
    """A safety training with its assessment, or a team leader's rotation training."""

    class Kind(models.TextChoices):
        JOB_SAFETY = "job_safety", _("Job safety training and assessment")
        TEAM_LEADER_ROTATION = "team_leader_rotation", _("Team leader rotation training")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="trainings"
    )
    id_number = models.CharField(
        _("resident ID number"), max_length=18, validators=[validate_id_number]
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    job = models.CharField(_("job"), max_length=100, blank=True)
    course = models.CharField(_("course"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    theory_passed = models.BooleanField(_("theory passed"))
    practical_passed = models.BooleanField(_("practical passed"))
    assessed_on = models.DateField(_("assessed on"))

    visibility = ("enterprise__jurisdiction__path", "enterprise_id")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["id_number", "-assessed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "id_number", "kind", "job", "course", "assessed_on"],
                name="training_natural_key",
            )
        ]
        indexes = [
            # The qualification check: the latest assessment of a person for a job.
            models.Index(fields=["id_number", "kind", "job", "assessed_on"], name="training_lookup")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.job} {self.assessed_on}"

    @property
    def passed(self) -> bool:
        """An assessment counts as passed only when theory and practice both passed."""
        return self.theory_passed and self.practical_passed


class Trainer(models.Model):
    """An enterprise's designated internal trainer for a job."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="trainers"
    )
    id_number = models.CharField(
        _("resident ID number"), max_length=18, validators=[validate_id_number]
    )
    job = models.CharField(_("job"), max_length=100)

    visibility = ("enterprise__jurisdiction__path", "enterprise_id")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("internal trainer")
        verbose_name_plural = _("internal trainers")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "id_number", "job"], name="trainer_once_per_job"
            )
        ]

    def __str__(self):
        return f"{self.job}: {mask_id_number(self.id_number)}"


class SkillCertificate(models.Model):
    """A vocational skill certificate (职业技能等级证书), counted for the city's 30 % target."""

    id_number = models.CharField(
        _("resident ID number"), max_length=18, validators=[validate_id_number], db_index=True
    )
    occupation = models.CharField(_("occupation"), max_length=100)
    level = models.CharField(_("level"), max_length=20)
    number = models.CharField(_("certificate number"), max_length=64, unique=True)
    issued_on = models.DateField(_("issued on"))

    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("vocational skill certificate")
        verbose_name_plural = _("vocational skill certificates")

    def __str__(self):
        return f"{self.number} {self.occupation} {self.level}"
