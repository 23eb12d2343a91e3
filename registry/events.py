"""Audit events of the registers: one typed function per event kind."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.audit import audit_record, event_kind
from casework.identifiers import mask_id_number
from casework.models import AuditEvent, Enterprise
from registry.lookups import PERSON_OBJECT_TYPE, person_key

REGISTER_ROW_CREATED = event_kind("register_row_created", _("Registered a row"))
REGISTER_ROW_UPDATED = event_kind("register_row_updated", _("Changed a registered row"))
REGISTER_IMPORTED = event_kind("register_imported", _("Imported a register file"))
PERSON_LOOKED_UP = event_kind("person_looked_up", _("Personal records looked up"))


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


def person_looked_up(
    *,
    actor,
    lookup: str,
    id_number: str,
    enterprise: Enterprise | None,
    purpose: str,
    inspection: int | None,
    **refs: int,
) -> AuditEvent:
    """One lookup of a person's records (``registry.lookups``): who, when, whom and why.

    The object is the person, named by the keyed hash of the ID number (empty
    when the lookup concerned no one in particular); the payload keeps the
    number masked. ``made_in`` is the jurisdiction where the caller works (an
    enterprise user: their enterprise's; an administrator bound to none:
    null) and ``jurisdiction`` that of the enterprise whose records were read
    (none: the caller's own); the access log shows the event to those whose
    jurisdiction holds both. ``refs`` name the rows read (``worker=``, ``evidence=``).
    """
    if actor.is_enterprise_user:
        made_in = enterprise.jurisdiction_id if enterprise else None
    else:
        made_in = actor.jurisdiction_id
    return audit_record(
        action=PERSON_LOOKED_UP.action,
        actor=actor,
        object_type=PERSON_OBJECT_TYPE,
        object_id=person_key(id_number) if id_number else "",
        payload={
            "lookup": lookup,
            "id_number": mask_id_number(id_number) if id_number else "",
            "purpose": purpose,
            "inspection": inspection,
            "enterprise": enterprise.uscc if enterprise else "",
            "jurisdiction": enterprise.jurisdiction_id if enterprise else made_in,
            "made_in": made_in,
            **refs,
        },
    )
