"""The registers: enterprises (workers, certificates and trainings follow)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.visibility import staff_or_enterprise_q


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EnterpriseQuerySet":
        return self.filter(
            staff_or_enterprise_q(user, path_lookup="jurisdiction__path", enterprise_lookup="pk")
        )


class Enterprise(models.Model):
    """An enterprise under supervision, identified by its unified social credit code."""

    class Sector(models.TextChoices):
        HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("Hazardous chemicals")
        NON_COAL_MINING = "non_coal_mining", _("Non-coal mining")
        METAL_SMELTING = "metal_smelting", _("Metal smelting")
        METAL_CASTING = "metal_casting", _("Metal casting")
        FIREWORKS = "fireworks", _("Fireworks")
        OTHER = "other", _("Other")

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    jurisdiction = models.ForeignKey(
        "casework.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self):
        return self.name
