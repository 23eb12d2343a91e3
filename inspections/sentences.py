"""How the timeline says the events of inspections and findings (casework.timeline).

Each renderer reads what its event recorded and, for names, the rows it
points at (one query per kind of row per timeline, kept in ``cache``).
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from casework.events import TRANSITION_PERFORMED
from casework.timeline import Sentence, sentence_register
from inspections.events import (
    EVIDENCE_UPLOADED,
    FINDING_CREATED,
    INSPECTION_CREATED,
    ORDER_FINDING_ADDED,
    ORDER_ISSUED,
    WORKER_CHECKED,
    WORKER_CLEARED,
)
from inspections.models import Finding, RectificationOrder, WorkerCheck


def _people(cache: dict, usernames: list[str]) -> list[str]:
    known = cache.setdefault("people", {})
    missing = [u for u in usernames if u not in known]
    if missing:
        for user in get_user_model().objects.filter(username__in=missing):
            known[user.username] = user.get_full_name() or _("an officer")
    return [known.get(u, _("an officer")) for u in usernames]


def _companions(cache: dict, usernames: list[str], actor) -> str:
    """The people named with the actor, the actor left out (else the sentence names them twice)."""
    names = _people(cache, usernames)
    others = [name for name in names if name != str(actor)]
    return "、".join(others or names)


def _check(cache: dict, pk) -> WorkerCheck | None:
    checks = cache.setdefault("checks", {})
    if pk not in checks:
        checks[pk] = WorkerCheck.objects.filter(pk=pk).first()
    return checks[pk]


def _finding(cache: dict, pk) -> Finding | None:
    findings = cache.setdefault("findings", {})
    if pk not in findings:
        findings[pk] = (
            Finding.objects.select_related("worker")
            .prefetch_related("checks")
            .filter(pk=pk)
            .first()
        )
    return findings[pk]


def _inspection_created(event, actor, cache):
    payload = event.payload
    return Sentence(
        _("%(actor)s planned the inspection for %(day)s, with %(officers)s")
        % {
            "actor": actor,
            "day": payload.get("planned_on", ""),
            "officers": "、".join(_people(cache, payload.get("officers", []))),
        }
    )


def _started(event, actor, cache):
    return Sentence(
        _("%(actor)s started the inspection on site, with %(officers)s")
        % {"actor": actor, "officers": "、".join(_people(cache, event.payload.get("officers", [])))}
    )


def _recorded(event, actor, cache):
    payload = event.payload
    if payload.get("refused"):
        return Sentence(
            _("%(actor)s recorded the inspection; the representative refused to sign: %(reason)s")
            % {"actor": actor, "reason": payload.get("refusal_reason", "")}
        )
    return Sentence(
        _("%(actor)s recorded the inspection, signed by %(name)s")
        % {"actor": actor, "name": payload.get("signed_by", "")}
    )


def _worker_checked(event, actor, cache):
    from registry.qualification import reason_label

    payload = event.payload
    check = _check(cache, payload.get("worker_check"))
    who = {
        "actor": actor,
        "name": (check.name if check else "") or _("a person"),
        "id": payload.get("id_number", ""),
        "job": payload.get("job", ""),
    }
    if payload.get("qualified"):
        text = _("%(actor)s checked %(name)s (%(id)s, %(job)s): qualified") % who
        labels = [reason_label(c) for c in payload.get("codes", [])]
        if labels:  # an enterprise-level reason only
            text += _("; found at the enterprise: %(reasons)s") % {"reasons": "、".join(labels)}
        return Sentence(text)
    reasons = "、".join(reason_label(code) for code in payload.get("codes", []))
    return Sentence(
        _("%(actor)s checked %(name)s (%(id)s, %(job)s): not qualified — %(reasons)s")
        % {**who, "reasons": reasons}
    )


def _finding_created(event, actor, cache):
    finding = _finding(cache, int(event.object_id))
    title = finding.title() if finding else ""
    return Sentence(
        _("%(actor)s recorded finding %(n)s: %(title)s")
        % {"actor": actor, "n": event.object_id, "title": title}
    )


def _disposed(event, actor, cache):
    payload = event.payload
    finding = _finding(cache, int(event.object_id))
    disposition = payload.get("disposition", "")
    try:
        how = str(Finding.Disposition(disposition).label)
    except ValueError:
        how = disposition
    text = _("%(actor)s disposed of finding %(n)s (%(title)s): %(how)s") % {
        "actor": actor,
        "n": event.object_id,
        "title": finding.title() if finding else "",
        "how": how,
    }
    if payload.get("due_date"):
        text += _(", to be rectified by %(day)s") % {"day": payload["due_date"]}
    if payload.get("transfer_to"):
        text += _(", transferred to %(authority)s") % {"authority": payload["transfer_to"]}
    return Sentence(text)


def _evidence(event, actor, cache):
    payload = event.payload
    text = _("%(actor)s attached evidence: %(name)s") % {
        "actor": actor,
        "name": payload.get("original_name") or payload.get("sha256", "")[:12],
    }
    if payload.get("finding"):
        text += _(" (finding %(n)s)") % {"n": payload["finding"]}
    return Sentence(text, link=f"/api/v1/evidence/{payload.get('evidence')}/file/")


def _finding_title(cache, payload) -> str:
    finding = _finding(cache, payload.get("finding"))
    return finding.title() if finding else ""


def _order_issued(event, actor, cache):
    return Sentence(
        _("%(actor)s issued rectification order %(n)s for %(title)s, to be rectified by %(day)s")
        % {
            "actor": actor,
            "n": event.object_id,
            "title": _finding_title(cache, event.payload),
            "day": event.payload.get("due_date", ""),
        }
    )


def _order_finding_added(event, actor, cache):
    return Sentence(
        _("%(actor)s added %(title)s to the order; to be rectified by %(day)s")
        % {
            "actor": actor,
            "title": _finding_title(cache, event.payload),
            "day": event.payload.get("due_date", ""),
        }
    )


def _served(event, actor, cache):
    payload = event.payload
    try:
        how = str(RectificationOrder.ServiceMethod(payload.get("method", "")).label)
    except ValueError:
        how = payload.get("method", "")
    text = _("%(actor)s served the order on %(day)s (%(how)s)") % {
        "actor": actor,
        "day": payload.get("served_on", ""),
        "how": how,
    }
    if payload.get("recipient"):
        text += _(", received by %(name)s") % {"name": payload["recipient"]}
    if payload.get("witness"):
        text += _(", witnessed by %(name)s") % {"name": payload["witness"]}
    return Sentence(text)


def _extension_requested(event, actor, cache):
    return Sentence(
        _("%(actor)s asked to extend the due date to %(day)s: %(reason)s")
        % {
            "actor": actor,
            "day": event.payload.get("requested_due_date", ""),
            "reason": event.payload.get("reason", ""),
        }
    )


def _extension_decided(event, actor, cache):
    payload = event.payload
    if payload.get("granted"):
        text = _("%(actor)s granted the extension to %(day)s: %(reason)s")
    else:
        text = _("%(actor)s refused the extension: %(reason)s")
    return Sentence(
        text
        % {
            "actor": actor,
            "day": payload.get("new_due_date", ""),
            "reason": payload.get("reason", ""),
        }
    )


def _completion_reported(event, actor, cache):
    files = len(event.payload.get("evidence", []))
    return Sentence(
        _("%(actor)s reported the rectification complete (%(files)s files): %(summary)s")
        % {"actor": actor, "files": files, "summary": event.payload.get("summary", "")}
    )


def _due_date_passed(event, actor, cache):
    return Sentence(_("The due date passed without a report of completion; re-inspection is due"))


def _reinspected(event, actor, cache):
    payload = event.payload
    officers = _companions(cache, payload.get("officers", []), actor)
    if payload.get("rectified"):
        text = _("%(actor)s re-inspected with %(officers)s: rectified")
    else:
        text = _("%(actor)s re-inspected with %(officers)s: not rectified")
    text = text % {"actor": actor, "officers": officers}
    if payload.get("notes"):
        text += f"（{payload['notes']}）"
    return Sentence(text)


def _withdrawn(event, actor, cache):
    return Sentence(
        _("%(actor)s withdrew the order: %(reason)s")
        % {"actor": actor, "reason": event.payload.get("reason", "")}
    )


def _worker_cleared(event, actor, cache):
    payload = event.payload
    title = _finding_title(cache, payload)
    if payload.get("departed"):
        return Sentence(
            _("%(title)s: cleared, the person has left the job (%(reason)s)")
            % {"title": title, "reason": payload["departed"]}
        )
    return Sentence(
        _("%(title)s: qualified again on re-inspection, cleared for duty") % {"title": title}
    )


def register() -> None:
    sentence_register(ORDER_ISSUED.action, _order_issued)
    sentence_register(ORDER_FINDING_ADDED.action, _order_finding_added)
    sentence_register(WORKER_CLEARED.action, _worker_cleared)
    for name, render in (
        ("serve", _served),
        ("request_extension", _extension_requested),
        ("decide_extension", _extension_decided),
        ("report_completion", _completion_reported),
        ("due_date_pass", _due_date_passed),
        ("record_reinspection", _reinspected),
        ("withdraw", _withdrawn),
    ):
        sentence_register(
            TRANSITION_PERFORMED.action, render, transition=name, model=RectificationOrder
        )
    sentence_register(INSPECTION_CREATED.action, _inspection_created)
    sentence_register(TRANSITION_PERFORMED.action, _started, transition="start")
    sentence_register(TRANSITION_PERFORMED.action, _recorded, transition="record")
    sentence_register(TRANSITION_PERFORMED.action, _disposed, transition="dispose")
    sentence_register(WORKER_CHECKED.action, _worker_checked)
    sentence_register(FINDING_CREATED.action, _finding_created)
    sentence_register(EVIDENCE_UPLOADED.action, _evidence)
