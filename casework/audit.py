"""The audit trail: one writer function, one verifier, and the vocabulary of actions.

Every action the trail records is an event kind, declared once with
``event_kind`` by the app that owns the event (in its ``events.py``, one small
typed function per kind, imported from the app's ``AppConfig.ready()``).
``audit_record`` refuses an action nobody declared, so the vocabulary cannot drift.

Each event stores the SHA-256 of the previous event's hash together with its own
canonical content, so that altering, deleting, inserting or reordering any event
breaks the chain at that point. Writers serialise on the chain head row
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's immediate transactions already
admit one writer at a time), which keeps the chain linear under concurrency.
"""

import datetime
import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.functional import Promise

from casework import clock
from casework.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64

# The fields that enter an event's hash, in a fixed order.
HASHED_FIELDS = (
    "seq",
    "recorded_at",
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "transition",
    "source_state",
    "target_state",
    "payload",
    "rule_versions",
    "file_hashes",
)


@dataclass(frozen=True)
class EventKind:
    """One action of the vocabulary, with the phrase a timeline shows for it."""

    action: str
    label: str | Promise


_event_kinds: dict[str, EventKind] = {}


def event_kind(action: str, label: str | Promise) -> EventKind:
    """Declare the audit action ``action``; declaring it again with another label is an error."""
    known = _event_kinds.get(action)
    if known is not None and known.label != label:
        raise ValueError(f"audit action {action!r} is already declared as {known.label!r}")
    kind = _event_kinds.setdefault(action, EventKind(action, label))
    return kind


def event_kind_get(action: str) -> EventKind | None:
    return _event_kinds.get(action)


def event_kinds() -> dict[str, EventKind]:
    return dict(_event_kinds)


def _json_safe(value: Any) -> Any:
    """Normalise a value the way the JSON column will give it back."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return value


def event_hash(event: AuditEvent) -> str:
    """Compute the hash an event must carry, from its content and prev_hash."""
    content = {name: _canonical(getattr(event, name)) for name in HASHED_FIELDS}
    material = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder
    )
    return hashlib.sha256((event.prev_hash + material).encode()).hexdigest()


def object_label(obj: models.Model) -> str:
    return obj._meta.label_lower


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    transition: str = "",
    source_state: str = "",
    target_state: str = "",
    payload: dict | None = None,
    rule_versions: dict | None = None,
    file_hashes: Iterable[str] = (),
    occurred_at: datetime.datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain and return it.

    ``occurred_at`` is the clock time of the act (default: the clock's now).
    ``actor`` is a user, a ``casework.actors.SystemActor`` (its cause joins the
    payload) or None for an act of nobody known (a failed login).
    """
    if action not in _event_kinds:
        raise LookupError(
            f"audit action {action!r} is not declared: add it with audit.event_kind "
            "in the events module of the app that owns it"
        )
    # The system names why it acted (a deadline, a rule); a person's reason is the payload.
    cause = getattr(actor, "cause", None)
    if cause:
        payload = {**(payload or {}), "cause": cause}
        rule_versions = {**actor.rule_versions, **(rule_versions or {})}
    if obj is not None:
        object_type = object_type or object_label(obj)
        object_id = object_id or str(obj.pk)
    actor_id = actor.pk if actor is not None and actor.pk else None
    # Inside a caller's transaction no savepoint is taken: an audit failure fails the
    # whole act, which is what it must do (and two statements fewer per event).
    alias = router.db_for_write(AuditEvent)
    connection = connections[alias]
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        statements = _statements(connection.features.has_select_for_update)
        cursor.execute(statements.head_lock)
        head_seq, head_hash = cursor.fetchone()
        event = AuditEvent(
            seq=head_seq + 1,
            recorded_at=timezone.now(),
            occurred_at=occurred_at or clock.now(),
            actor_id=actor_id,
            actor_username=getattr(actor, "username", "") or "",
            actor_role=getattr(actor, "role", "") or "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=str(obj)[:200] if obj is not None else "",
            transition=transition,
            source_state=source_state or "",
            target_state=target_state or "",
            payload=_json_safe(payload or {}),
            rule_versions=_json_safe(rule_versions or {}),
            file_hashes=list(file_hashes),
            prev_hash=head_hash,
        )
        event.hash = event_hash(event)
        cursor.execute(
            statements.insert,
            [f.get_db_prep_save(getattr(event, f.attname), connection) for f in statements.fields],
        )
        event.pk = cursor.fetchone()[0]
        event._state.adding, event._state.db = False, alias
        cursor.execute(statements.head_update, [event.seq, event.hash])
    return event


@dataclass(frozen=True)
class _Statements:
    head_lock: str
    insert: str
    head_update: str
    fields: tuple


# The writer runs for every act of the system; the ORM compiled these same three
# statements anew each time, at several times the cost of running them. Names are
# the models' own (double quotes are standard SQL, read alike by PostgreSQL and SQLite).
_HEAD_SELECT = 'SELECT "seq", "hash" FROM "casework_audithead" WHERE "id" = 1'
_HEAD_UPDATE = 'UPDATE "casework_audithead" SET "seq" = %s, "hash" = %s WHERE "id" = 1'


@functools.cache
def _statements(for_update: bool) -> _Statements:
    fields = tuple(f for f in AuditEvent._meta.concrete_fields if not f.primary_key)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    return _Statements(
        head_lock=_HEAD_SELECT + (" FOR UPDATE" if for_update else ""),
        # Identifiers from the model, values as parameters: nothing from input.
        insert=f'INSERT INTO "casework_auditevent" ({columns}) VALUES ({marks}) RETURNING "id"',  # noqa: S608
        head_update=_HEAD_UPDATE,
        fields=fields,
    )


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    broken_id: int | None = None
    broken_seq: int | None = None
    reason: str = ""


def audit_verify(*, chunk_size: int = 5000) -> Verification:
    """Walk the whole chain; report the first broken link, if any.

    Safe while others write: the head is read first, so every event it names is
    already committed; events beyond it must be named by the head as read again
    at the end (written meanwhile), or they were appended behind its back.
    """
    head = AuditHead.objects.get(pk=1)
    prev_hash, expected_seq, count, last, at_head = GENESIS_HASH, 1, 0, None, None
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if event.seq != expected_seq:
            return Verification(False, count, event.pk, event.seq, "sequence gap or reorder")
        if event.prev_hash != prev_hash:
            return Verification(False, count, event.pk, event.seq, "previous hash mismatch")
        if event_hash(event) != event.hash:
            return Verification(False, count, event.pk, event.seq, "content does not match hash")
        if event.seq == head.seq:
            at_head = event
        prev_hash, expected_seq, count, last = event.hash, expected_seq + 1, count + 1, event
    if count < head.seq:
        return Verification(
            False,
            count,
            last.pk if last else None,
            last.seq if last else None,
            f"chain ends at #{count} but its head names #{head.seq}: events are missing",
        )
    if at_head is not None and at_head.hash != head.hash:
        return Verification(
            False, count, at_head.pk, at_head.seq, "the chain head names another hash"
        )
    if count > head.seq:
        head = AuditHead.objects.get(pk=1)
        if head.seq < count:
            beyond = AuditEvent.objects.get(seq=head.seq + 1)
            return Verification(
                False,
                count,
                beyond.pk,
                beyond.seq,
                f"events after #{head.seq} are not named by the chain head",
            )
    return Verification(True, count)
