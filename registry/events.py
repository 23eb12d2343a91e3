"""Audit events of the registers: one typed function per event kind."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.audit import audit_record, event_kind
from casework.models import AuditEvent

REGISTER_ROW_CREATED = event_kind("register_row_created", _("Registered a row"))
REGISTER_ROW_UPDATED = event_kind("register_row_updated", _("Changed a registered row"))
REGISTER_IMPORTED = event_kind("register_imported", _("Imported a register file"))


def register_row_created(
    *, instance: models.Model, actor, kind: str, values: dict[str, Any]
) -> AuditEvent:
    return audit_record(
        action=REGISTER_ROW_CREATED.action,
        actor=actor,
        obj=instance,
        payload={"kind": kind, "values": values},
    )


def register_row_updated(
    *, instance: models.Model, actor, kind: str, changed: dict[str, Any]
) -> AuditEvent:
    return audit_record(
        action=REGISTER_ROW_UPDATED.action,
        actor=actor,
        obj=instance,
        payload={"kind": kind, "changed": changed},
    )


def register_imported(*, actor, kind: str, sha256: str, report: dict[str, Any]) -> AuditEvent:
    """One file import, whatever its outcome; ``report`` is what the trail keeps of it."""
    return audit_record(
        action=REGISTER_IMPORTED.action,
        actor=actor,
        object_type="registry.import",
        object_id=kind,
        payload={"kind": kind, **report},
        file_hashes=[sha256],
    )
