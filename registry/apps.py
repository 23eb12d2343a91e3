from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registers")

    def ready(self):
        from registry import events  # noqa: F401  (the registers' audit event kinds)
