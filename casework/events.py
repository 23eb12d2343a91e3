"""The spine's audit events: one typed function per event kind, all through ``audit_record``.

Users and logins, admin changes, state transitions, legal clocks and the
calendar. Each domain app has an ``events.py`` like this one for its own events.
"""

import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.audit import audit_record, event_kind
from casework.models import AuditEvent, Deadline, DeadlineReminder, User

USER_CREATED = event_kind("user_created", _("User created"))
LOGGED_IN = event_kind("logged_in", _("Signed in"))
LOGIN_FAILED = event_kind("login_failed", _("Sign-in failed"))
LOGIN_LOCKED_OUT = event_kind("login_locked_out", _("Sign-in locked after repeated failures"))
LOGGED_OUT = event_kind("logged_out", _("Signed out"))
TOKENS_REVOKED = event_kind("tokens_revoked", _("API tokens revoked"))
ADMIN_ADDED = event_kind("admin_added", _("Added in the administration"))
ADMIN_CHANGED = event_kind("admin_changed", _("Changed in the administration"))
ADMIN_DELETED = event_kind("admin_deleted", _("Deleted in the administration"))
TRANSITION_PERFORMED = event_kind("transition_performed", _("State changed"))
DEADLINE_OPENED = event_kind("deadline_opened", _("Legal clock started"))
DEADLINE_MET = event_kind("deadline_met", _("Legal clock met"))
DEADLINE_CANCELLED = event_kind("deadline_cancelled", _("Legal clock cancelled"))
DEADLINE_EXTENDED = event_kind("deadline_extended", _("Legal clock extended"))
DEADLINE_SUSPENDED = event_kind("deadline_suspended", _("Legal clock suspended"))
DEADLINE_RESUMED = event_kind("deadline_resumed", _("Legal clock resumed"))
DEADLINE_RECOMPUTED = event_kind("deadline_recomputed", _("Legal clock recomputed"))
DEADLINE_FIRED = event_kind("deadline_fired", _("Legal clock expired"))
DEADLINE_FAILING = event_kind("deadline_failing", _("Legal clock could not be handled"))
DEADLINE_RETRIED = event_kind("deadline_retried", _("Legal clock handed back to the sweep"))
REMINDER_FIRED = event_kind("reminder_fired", _("Reminder of a legal clock"))
REMINDER_FAILING = event_kind("reminder_failing", _("Reminder could not be sent"))
CALENDAR_LOADED = event_kind("calendar_loaded", _("Calendar loaded"))


def user_created(*, user: User, actor, payload: dict[str, Any]) -> AuditEvent:
    return audit_record(action=USER_CREATED.action, actor=actor, obj=user, payload=payload)


def logged_in(*, user: User, channel: str) -> AuditEvent:
    return audit_record(action=LOGGED_IN.action, actor=user, payload={"channel": channel})


def login_failed(*, username: str) -> AuditEvent:
    # Never the password: the username tried is what an investigator needs.
    return audit_record(action=LOGIN_FAILED.action, payload={"username": username[:150]})


def login_locked_out(*, username: str, address: str) -> AuditEvent:
    return audit_record(
        action=LOGIN_LOCKED_OUT.action,
        payload={"username": username[:150], "address": address[:64]},
    )


def logged_out(*, user: User, channel: str) -> AuditEvent:
    return audit_record(action=LOGGED_OUT.action, actor=user, payload={"channel": channel})


def tokens_revoked(*, user: User, reason: str, count: int) -> AuditEvent:
    return audit_record(
        action=TOKENS_REVOKED.action, obj=user, payload={"reason": reason, "count": count}
    )


def admin_saved(*, obj: models.Model, actor, added: bool, payload: dict[str, Any]) -> AuditEvent:
    kind = ADMIN_ADDED if added else ADMIN_CHANGED
    return audit_record(action=kind.action, actor=actor, obj=obj, payload=payload)


def admin_deleted(*, obj: models.Model, actor) -> AuditEvent:
    return audit_record(action=ADMIN_DELETED.action, actor=actor, obj=obj)


def transition_performed(
    *,
    instance: models.Model,
    actor,
    transition: str,
    source: str,
    target: str,
    payload: dict[str, Any],
) -> AuditEvent:
    return audit_record(
        action=TRANSITION_PERFORMED.action,
        actor=actor,
        obj=instance,
        transition=transition,
        source_state=source,
        target_state=target,
        payload=payload,
    )


def deadline_opened(*, deadline: Deadline, actor, rule_reference: str, **payload) -> AuditEvent:
    return audit_record(
        action=DEADLINE_OPENED.action,
        actor=actor,
        obj=deadline,
        target_state=Deadline.Status.OPEN,
        payload=payload,
        rule_versions={deadline.kind: rule_reference},
    )


def deadline_closed(*, deadline: Deadline, actor, source: str, reason: str) -> AuditEvent:
    kind = DEADLINE_MET if deadline.status == Deadline.Status.MET else DEADLINE_CANCELLED
    return audit_record(
        action=kind.action,
        actor=actor,
        obj=deadline,
        source_state=source,
        target_state=deadline.status,
        payload={"reason": reason, "due_date": deadline.due_date},
    )


_CHANGES = {
    "extended": DEADLINE_EXTENDED,
    "suspended": DEADLINE_SUSPENDED,
    "resumed": DEADLINE_RESUMED,
    "recomputed": DEADLINE_RECOMPUTED,
}


def deadline_changed(
    *,
    deadline: Deadline,
    change: str,
    actor,
    before: datetime.date | None,
    after: datetime.date | None,
    reason: str,
    rule_reference: str,
    **extra,
) -> AuditEvent:
    """A change of an open clock: ``change`` is extended, suspended, resumed or recomputed."""
    return audit_record(
        action=_CHANGES[change].action,
        actor=actor,
        obj=deadline,
        source_state=deadline.status,
        target_state=deadline.status,
        payload={"due_before": before, "due_after": after, "reason": reason, **extra},
        rule_versions={deadline.kind: rule_reference},
    )


def deadline_fired(*, deadline: Deadline, actor, now: datetime.datetime) -> AuditEvent:
    return audit_record(
        action=DEADLINE_FIRED.action,
        actor=actor,
        occurred_at=now,
        obj=deadline,
        source_state=Deadline.Status.OPEN,
        target_state=Deadline.Status.MISSED,
        payload={
            "kind": deadline.kind,
            "subject": f"{deadline.subject_type}:{deadline.subject_id}",
            "due_date": deadline.due_date,
        },
        rule_versions={deadline.kind: f"#{deadline.rule_id}"},
    )


def deadline_failing(
    *, deadline: Deadline, actor, attempts: int, error: str, now: datetime.datetime
) -> AuditEvent:
    return audit_record(
        action=DEADLINE_FAILING.action,
        actor=actor,
        occurred_at=now,
        obj=deadline,
        source_state=Deadline.Status.OPEN,
        target_state=Deadline.Status.FAILING,
        payload={"kind": deadline.kind, "attempts": attempts, "error": error},
    )


def deadline_retried(*, deadline: Deadline, actor, source: str) -> AuditEvent:
    return audit_record(
        action=DEADLINE_RETRIED.action,
        actor=actor,
        obj=deadline,
        source_state=source,
        target_state=deadline.status,
    )


def reminder_fired(
    *, reminder: DeadlineReminder, actor, now: datetime.datetime, due_date: datetime.date
) -> AuditEvent:
    return audit_record(
        action=REMINDER_FIRED.action,
        actor=actor,
        occurred_at=now,
        obj=reminder.deadline,
        payload={"offset": reminder.offset, "remind_on": reminder.remind_on, "due_date": due_date},
    )


def reminder_failing(
    *, reminder: DeadlineReminder, actor, attempts: int, error: str, now: datetime.datetime
) -> AuditEvent:
    return audit_record(
        action=REMINDER_FAILING.action,
        actor=actor,
        occurred_at=now,
        obj=reminder.deadline,
        payload={"offset": reminder.offset, "attempts": attempts, "error": error},
    )


def calendar_loaded(
    *, actor, jurisdiction_code: str, years: list[int], days: int, sha256: str
) -> AuditEvent:
    return audit_record(
        action=CALENDAR_LOADED.action,
        actor=actor,
        object_type="casework.calendarday",
        object_id=jurisdiction_code,
        payload={"years": years, "days": days},
        file_hashes=[sha256] if sha256 else [],
    )


# -- enforcement documents and their service (casework.documents, casework.service) ----------

DOCUMENT_ISSUED = event_kind("document_issued", _("Document issued"))
DOCUMENT_RERENDERED = event_kind("document_rerendered", _("Document rendered again"))
DOCUMENT_SERVED = event_kind("document_served", _("Document served"))
DOCUMENT_SIGNED = event_kind("document_signed", _("Document signed"))
SERVICE_CONSENT_RECORDED = event_kind(
    "service_consent_recorded", _("Consent to electronic service recorded")
)


def document_issued(*, document, actor) -> AuditEvent:
    return audit_record(
        action=DOCUMENT_ISSUED.action,
        actor=actor,
        obj=document,
        target_state=document.state,
        payload={
            "kind": document.kind,
            "number": document.number,
            "subject": f"{document.subject_type}:{document.subject_id}",
            "sha256": document.sha256,
            "size": document.size,
            "corrects": document.corrects.number if document.corrects_id else None,
        },
        file_hashes=[document.sha256],
    )


def document_rerendered(*, document, actor, previous_sha256: str) -> AuditEvent:
    return audit_record(
        action=DOCUMENT_RERENDERED.action,
        actor=actor,
        obj=document,
        source_state=document.state,
        target_state=document.state,
        payload={
            "number": document.number,
            "previous_sha256": previous_sha256,
            "sha256": document.sha256,
        },
        file_hashes=[document.sha256],
    )


def document_served(*, document, service, actor, rule_reference: str = "") -> AuditEvent:
    payload = {
        "number": document.number,
        "sha256": document.sha256,
        "method": service.method,
        "served_on": service.served_on,
        "effective_on": service.effective_on,
        "recipient": service.recipient,
        "witness": service.witness,
        "address": service.address,
    }
    if service.consent_id:
        payload["consent"] = service.consent_id
        payload["consent_sha256"] = service.consent.file_sha256
    if service.proof_sha256:
        payload["proof_sha256"] = service.proof_sha256
    return audit_record(
        action=DOCUMENT_SERVED.action,
        actor=actor,
        obj=document,
        source_state="issued",
        target_state=document.state,
        payload=payload,
        rule_versions={"public_notice_wait": rule_reference} if rule_reference else {},
        file_hashes=[h for h in (document.sha256, service.proof_sha256) if h],
    )


def document_signed(*, document, signature, actor) -> AuditEvent:
    return audit_record(
        action=DOCUMENT_SIGNED.action,
        actor=actor,
        obj=document,
        payload={
            "number": document.number,
            "signer": signature.signer,
            "signs_sha256": signature.signs_sha256,
            "image_sha256": signature.image_sha256,
            "final_sha256": signature.final_sha256,
            "device": signature.device,
        },
        file_hashes=[signature.signs_sha256, signature.image_sha256, signature.final_sha256],
    )


def service_consent_recorded(*, consent, actor) -> AuditEvent:
    return audit_record(
        action=SERVICE_CONSENT_RECORDED.action,
        actor=actor,
        obj=consent,
        payload={
            "enterprise": consent.enterprise_id,
            "channel": consent.channel,
            "address": consent.address,
            "signed_on": consent.signed_on,
        },
        file_hashes=[consent.file_sha256],
    )
