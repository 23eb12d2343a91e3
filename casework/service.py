"""Service of documents (送达), one verb for every kind of document.

``service_record`` records how a document reached its addressee; from then on
the document is final (``Document.State.SERVED``). The methods and what each needs:

- ``in_person`` (直接送达): the ``recipient`` who signed for it;
- ``left_at_premises`` (留置送达): a ``witness``;
- ``post`` (邮寄送达): ``served_on`` is the day on the postal receipt;
- ``electronic`` (电子送达): only with the enterprise's signed consent
  (送达地址确认书, a ``ServiceConsent``) signed on or before ``served_on``;
  ``served_on`` is the day it arrived, and the address it went to is logged;
- ``public_notice`` (公告送达): ``served_on`` is the day of the notice; the document
  is deemed served when the period of rule ``public_notice_wait`` (30 calendar
  days, 民事诉讼法第九十五条) has passed, computed on the calendar like every
  legal period: ``effective_on``.

``effective_on`` is the day service takes effect (``served_on`` but for a public
notice): the day a period running from service starts from.

A refusal (Invalid) names each field and rule broken and writes nothing: no
service row, no file, no audit event.
"""

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock, events, filestore
from casework.deadlines import period_compute, rule_in_force, rule_reference
from casework.documents import SERVED_IS_FINAL, _serialise, document_kind
from casework.exceptions import Conflict, Invalid
from casework.models import Document, Enterprise, ServiceConsent, ServiceRecord

Method = ServiceRecord.Method
PUBLIC_NOTICE_RULE = "public_notice_wait"
MAX_NAME = 100
MAX_ADDRESS = 300

# The receipt (送达回执) belongs to service itself: its subject is the document served.
SERVICE_RECEIPT = document_kind(
    "service_receipt",
    title=gettext_lazy("Receipt of service of a document"),  # 文书送达回执
    abbreviation="送达",
    template="documents/service_receipt.html",
)


def _text(value, field: str, limit: int, errors: dict) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[field] = [_("Text is required.")]
        return ""
    value = value.strip()
    if len(value) > limit:
        errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
    return value


def consent_in_force(enterprise: Enterprise | None, on: datetime.date) -> ServiceConsent | None:
    """The enterprise's latest consent to electronic service signed on or before ``on``."""
    if enterprise is None:
        return None
    return (
        ServiceConsent.objects.filter(enterprise=enterprise, signed_on__lte=on)
        .order_by("-signed_on", "-pk")
        .first()
    )


def service_record(
    *,
    document: Document,
    method: str,
    served_on: datetime.date,
    actor,
    recipient: str = "",
    witness: str = "",
    address: str = "",
    proof: UploadedFile | None = None,
) -> ServiceRecord:
    """Record the service of ``document`` by ``method`` on ``served_on``; the document is final.

    ``proof`` is the scan or photo of the signed receipt (PDF, JPEG, PNG, HEIC,
    WebP), stored by its SHA-256. Invalid names each field and rule broken;
    Conflict if the document is already served.
    """
    errors: dict[str, list] = {}
    recipient = _text(recipient, "recipient", MAX_NAME, errors)
    witness = _text(witness, "witness", MAX_NAME, errors)
    address = _text(address, "address", MAX_ADDRESS, errors)
    if method not in Method.values:
        errors["method"] = [_("Unknown method; use one of: %s.") % ", ".join(Method.values)]
    today = clock.today()
    if not isinstance(served_on, datetime.date) or isinstance(served_on, datetime.datetime):
        errors["served_on"] = [_("A date is required.")]
    elif served_on > today:
        errors["served_on"] = [_("The day of service may not be in the future.")]
    elif served_on < document.issued_on:
        errors["served_on"] = [
            _("The day of service may not be before the document was issued, on %(day)s.")
            % {"day": document.issued_on.isoformat()}
        ]
    date_ok = "served_on" not in errors
    consent = rule = None
    effective_on = served_on
    if method == Method.IN_PERSON and not recipient and "recipient" not in errors:
        errors["recipient"] = [_("Service in person needs the recipient who signed for it.")]
    if method == Method.LEFT_AT_PREMISES and not witness and "witness" not in errors:
        errors["witness"] = [
            _("Leaving a document at the premises (留置送达) needs a witness to it.")
        ]
    if method == Method.ELECTRONIC and date_ok:
        consent = consent_in_force(document.enterprise, served_on)
        if consent is None:
            errors["method"] = [
                _(
                    "Electronic service needs the enterprise's signed consent to it "
                    "(送达地址确认书) on file, signed on or before the day of service."
                )
            ]
        else:
            address = consent.address
    if method == Method.PUBLIC_NOTICE and date_ok:
        try:
            rule = rule_in_force(
                code=PUBLIC_NOTICE_RULE, on=served_on, jurisdiction=document.jurisdiction
            )
        except Invalid as exc:
            errors["method"] = list(exc.errors.get("kind", [str(exc.message)]))
        else:
            effective_on = period_compute(
                jurisdiction=document.jurisdiction,
                start=served_on,
                length=rule.length,
                unit=rule.unit,
            ).due
    if proof is not None and "proof" not in errors:
        try:
            filestore.upload_check(proof, field="proof", accepted=filestore.SCAN_TYPES)
        except Invalid as exc:
            errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    if method == Method.POST and not address and document.enterprise_id:
        address = document.enterprise.address[:MAX_ADDRESS]
    with transaction.atomic():
        _serialise()
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.state != Document.State.ISSUED:
            raise Conflict(SERVED_IS_FINAL, state=locked.state)
        stored = (
            filestore.file_store_upload(proof, field="proof", accepted=filestore.SCAN_TYPES)
            if proof is not None
            else None
        )
        record = ServiceRecord.objects.create(
            document=locked,
            method=method,
            served_on=served_on,
            effective_on=effective_on,
            recipient=recipient,
            witness=witness,
            address=address,
            consent=consent,
            rule=rule,
            proof_sha256=stored.sha256 if stored else "",
            proof_size=stored.size if stored else None,
            proof_content_type=stored.content_type if stored else "",
            recorded_at=clock.now(),
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        locked.state = Document.State.SERVED
        locked.served_at = record.recorded_at
        locked.save(update_fields=["state", "served_at"])
        events.document_served(
            document=locked,
            service=record,
            actor=actor,
            rule_reference=rule_reference(rule) if rule is not None else "",
        )
    document.state, document.served_at = locked.state, locked.served_at
    return record


def service_consent_record(
    *,
    enterprise: Enterprise,
    channel: str,
    address: str,
    signed_on: datetime.date,
    file: UploadedFile | None,
    actor,
) -> ServiceConsent:
    """Put an enterprise's signed consent to electronic service (送达地址确认书) on file.

    ``file`` is the signed paper's scan or photo, stored by its SHA-256.
    """
    errors: dict[str, list] = {}
    address = _text(address, "address", 200, errors)
    if channel not in ServiceConsent.Channel.values:
        errors["channel"] = [
            _("Unknown channel; use one of: %s.") % ", ".join(ServiceConsent.Channel.values)
        ]
    if not address and "address" not in errors:
        errors["address"] = [_("The electronic address the enterprise agreed to is required.")]
    if not isinstance(signed_on, datetime.date) or isinstance(signed_on, datetime.datetime):
        errors["signed_on"] = [_("A date is required.")]
    elif signed_on > clock.today():
        errors["signed_on"] = [_("The day of signing may not be in the future.")]
    if file is None:
        errors["file"] = [_("The signed consent's scan or photo is required.")]
    else:
        try:
            filestore.upload_check(file, field="file", accepted=filestore.SCAN_TYPES)
        except Invalid as exc:
            errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        stored = filestore.file_store_upload(file, field="file", accepted=filestore.SCAN_TYPES)
        consent = ServiceConsent.objects.create(
            enterprise=enterprise,
            channel=channel,
            address=address,
            signed_on=signed_on,
            file_sha256=stored.sha256,
            file_size=stored.size,
            file_content_type=stored.content_type,
            recorded_at=clock.now(),
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        events.service_consent_recorded(consent=consent, actor=actor)
    return consent
