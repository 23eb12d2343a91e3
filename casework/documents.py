"""Enforcement documents (执法文书): kinds registered by apps, numbered, rendered, stored.

An app declares each kind it issues once, from its ``AppConfig.ready()``::

    document_kind(
        "rectification_order",
        title=_("Order to rectify within a time limit"),  # 责令限期整改指令书
        abbreviation="责改",
        template="documents/rectification_order.html",
    )

and issues one inside the transaction of the act that produces it::

    document = document_issue(
        kind="rectification_order", subject=inspection, jurisdiction=inspection.jurisdiction,
        enterprise=inspection.enterprise, context={...}, actor=request.user,
    )

``document_issue`` takes the next number of (issuing jurisdiction, kind, year)
under a row lock, renders the template to PDF (``casework.pdf``), stores the
file by its SHA-256 (``casework.filestore``) and writes the audit event with
the hash, all in the caller's transaction: an act that fails leaves no document
and consumes no number, so numbers have no gaps. Numbers read
``<agency prefix><abbreviation>〔<year>〕<sequence>号``, e.g. 南应急责改〔2026〕12号.

Lock order: every writer of documents locks the audit chain's head first, then
the counter or the document. All audit writers lock the head and keep it to
their commit, so taking it first adds no wait and makes a deadlock between a
document writer and an act that already wrote an event impossible.
"""

import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from PIL import Image

from casework import audit, clock, events, filestore, pdf
from casework.exceptions import Conflict, Invalid
from casework.models import (
    AuditHead,
    Document,
    DocumentCounter,
    DocumentPrefix,
    DocumentSignature,
    Jurisdiction,
)

DATE_FORMAT = "{d.year}年{d.month}月{d.day}日"  # GB/T 9704-2012 7.3.5.3: Arabic numerals


@dataclass(frozen=True)
class DocumentKind:
    """One kind of enforcement document: its title, number abbreviation and template."""

    code: str
    title: str | Promise
    abbreviation: str
    template: str


_kinds: dict[str, DocumentKind] = {}


def document_kind(
    code: str, *, title: str | Promise, abbreviation: str, template: str
) -> DocumentKind:
    """Declare a kind of document; declaring it again differently is an error."""
    kind = DocumentKind(code, title, abbreviation, template)
    known = _kinds.get(code)
    if known is not None and known != kind:
        raise ValueError(f"document kind {code!r} is already declared as {known!r}")
    # One abbreviation, one counter: two kinds sharing it would print the same numbers.
    for other in _kinds.values():
        if other.code != code and other.abbreviation == abbreviation:
            raise ValueError(f"abbreviation {abbreviation!r} is already {other.code!r}'s")
    return _kinds.setdefault(code, kind)


def document_kind_get(code: str) -> DocumentKind:
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(
            f"document kind {code!r} is not declared: add it with documents.document_kind "
            "from the AppConfig.ready() of the app that issues it"
        ) from None


def document_kinds() -> dict[str, DocumentKind]:
    return dict(_kinds)


def kind_label(code: str) -> str:
    """The kind's title in the current language, or the code of a kind no longer declared."""
    kind = _kinds.get(code)
    if kind is not None:
        return str(kind.title)
    words = " ".join(code.replace("_", " ").split())
    return words[:1].upper() + words[1:]


def date_zh(day: datetime.date) -> str:
    """A date as official documents print it: 2026年12月3日."""
    return DATE_FORMAT.format(d=day)


def agency_prefix(jurisdiction: Jurisdiction) -> str:
    """The prefix of the jurisdiction's numbers: its ``DocumentPrefix``, else 南应急 from 南宁市."""
    row = DocumentPrefix.objects.filter(jurisdiction=jurisdiction).first()
    if row is not None:
        return row.prefix
    return f"{jurisdiction.name[:1]}应急"


def agency_name(jurisdiction: Jurisdiction) -> str:
    """The issuing bureau's name: 南宁市青秀区应急管理局 (the province is not named)."""
    codes = [c for c in jurisdiction.path.strip("/").split("/") if c]
    names = dict(Jurisdiction.objects.filter(code__in=codes).values_list("code", "name"))
    levels = dict(Jurisdiction.objects.filter(code__in=codes).values_list("code", "level"))
    parts = [names[c] for c in codes if c in names and levels[c] != Jurisdiction.Level.PROVINCE]
    return "".join(parts or [jurisdiction.name]) + "应急管理局"


def number_format(*, prefix: str, abbreviation: str, year: int, sequence: int) -> str:
    return f"{prefix}{abbreviation}〔{year}〕{sequence}号"


def _serialise() -> None:
    """Take the audit head first (see the module's note on lock order)."""
    list(AuditHead.objects.select_for_update().filter(pk=1).values_list("pk", flat=True))


def _number_take(*, jurisdiction: Jurisdiction, kind: str, year: int) -> int:
    """The next number of (jurisdiction, kind, year), taken under the counter's row lock.

    The year's first number creates the counter with INSERT … ON CONFLICT DO
    NOTHING: a second transaction doing the same waits for the first to commit
    (or roll back) and then finds the row, so the counter is created once.
    """
    counters = DocumentCounter.objects.select_for_update()
    counter = counters.filter(jurisdiction=jurisdiction, kind=kind, year=year).first()
    if counter is None:
        DocumentCounter.objects.bulk_create(
            [DocumentCounter(jurisdiction=jurisdiction, kind=kind, year=year, last=0)],
            ignore_conflicts=True,
        )
        counter = counters.get(jurisdiction=jurisdiction, kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _layout(kind: DocumentKind, context: dict) -> str:
    with translation.override("zh-hans"):
        return render_to_string(kind.template, context)


def _render(*, document: Document, kind: DocumentKind, context: dict) -> tuple[str, bytes]:
    """Render the template with the document's own fields and return (layout, PDF)."""
    full = {
        **context,
        "document_title": str(kind.title),
        "number": document.number,
        "issued_on": document.issued_on,
        "issued_date": date_zh(document.issued_on),
        "agency_name": context.get("agency_name") or agency_name(document.jurisdiction),
        "corrects": document.corrects.number if document.corrects_id else "",
    }
    layout = _layout(kind, full)
    data = pdf_bytes(document=document, layout=layout)
    return layout, data


def pdf_bytes(*, document: Document, layout: str, images: dict[str, bytes] | None = None) -> bytes:
    """The PDF of a rendered layout, with the document's number and title as metadata."""
    try:
        blocks = pdf.layout_parse(layout)
    except pdf.LayoutError as exc:
        raise pdf.LayoutError(f"template of {document.kind}: {exc}") from None
    return pdf.pdf_render(
        blocks,
        title=f"{document.title} {document.number}",
        subject=document.number,
        author=agency_name(document.jurisdiction),
        images=images,
    )


def document_issue(
    *,
    kind: str,
    subject: Model,
    jurisdiction: Jurisdiction,
    context: dict,
    actor,
    enterprise=None,
    corrects: Document | None = None,
) -> Document:
    """Number, render, store and audit a new document of ``kind`` about ``subject``.

    Runs in the caller's transaction (or its own): if that rolls back, nothing
    remains, the number included. ``jurisdiction`` is the issuing agency's (it
    numbers the document and decides who sees it, with ``enterprise``).
    ``corrects`` names an earlier document this one corrects; templates get its
    number as ``corrects``. The template gets ``context`` plus ``number``,
    ``document_title``, ``issued_on`` (a date), ``issued_date`` (2026年12月3日),
    ``agency_name`` (unless given) and ``corrects``.
    """
    registered = document_kind_get(kind)
    if subject.pk is None:
        raise ValueError("a document's subject must be saved first")
    if corrects is not None and corrects.pk is None:
        raise ValueError("the corrected document must be saved")
    now = clock.now()
    today = timezone.localdate(now)
    with translation.override("zh-hans"):
        title = str(registered.title)[:100]  # the paper is Chinese, whoever issues it
    with transaction.atomic():
        _serialise()
        sequence = _number_take(jurisdiction=jurisdiction, kind=kind, year=today.year)
        document = Document(
            kind=kind,
            title=title,
            number=number_format(
                prefix=agency_prefix(jurisdiction),
                abbreviation=registered.abbreviation,
                year=today.year,
                sequence=sequence,
            ),
            year=today.year,
            sequence=sequence,
            jurisdiction=jurisdiction,
            enterprise=enterprise,
            subject_type=audit.object_label(subject),
            subject_id=str(subject.pk),
            issued_on=today,
            generated_at=now,
            generated_by=actor if getattr(actor, "pk", None) else None,
            corrects=corrects,
        )
        document.layout, data = _render(document=document, kind=registered, context=context)
        stored = filestore.file_store_bytes(data)
        document.sha256, document.size = stored.sha256, stored.size
        document.save(force_insert=True)
        events.document_issued(document=document, actor=actor)
    return document


SERVED_IS_FINAL = _(
    "A served document cannot be rendered again or changed: issue a new document that corrects it."
)


SIGNED_IS_FINAL = _(
    "A signed document cannot be rendered again: issue a new document that corrects it."
)


def document_rerender(*, document: Document, context: dict, actor) -> Document:
    """Render an issued, not yet served document again with ``context`` (same number).

    A served or signed document is refused (Conflict): a correction is a new document.
    The earlier file stays stored; the event names both hashes.
    """
    registered = document_kind_get(document.kind)
    with transaction.atomic():
        _serialise()
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.state != Document.State.ISSUED:
            raise Conflict(SERVED_IS_FINAL, state=locked.state)
        if locked.signatures.exists():
            raise Conflict(SIGNED_IS_FINAL, state=locked.state)
        previous = locked.sha256
        locked.layout, data = _render(document=locked, kind=registered, context=context)
        stored = filestore.file_store_bytes(data)
        locked.sha256, locked.size = stored.sha256, stored.size
        locked.generated_at = clock.now()
        locked.generated_by = actor if getattr(actor, "pk", None) else None
        locked.save(update_fields=["layout", "sha256", "size", "generated_at", "generated_by"])
        events.document_rerendered(document=locked, actor=actor, previous_sha256=previous)
    return locked


def document_file(document: Document) -> bytes:
    """The document's stored PDF, checked against its SHA-256."""
    return filestore.file_read(document.sha256)


def document_download_name(document: Document) -> str:
    return filestore.download_name(document.number, "application/pdf", document.sha256)


def documents_for(*, subject: Model) -> QuerySet[Document]:
    """The documents issued about ``subject``, oldest first."""
    return Document.objects.filter(
        subject_type=audit.object_label(subject), subject_id=str(subject.pk)
    ).order_by("generated_at", "pk")


def document_final_sha256(document: Document) -> str:
    """The hash of the document's latest file: the last signed one, else the issued one."""
    last = document.signatures.order_by("-signed_at", "-pk").first()
    return last.final_sha256 if last is not None else document.sha256


def _signed_layout(layout: str, signatures: list[tuple[str, str]]) -> str:
    """``layout`` with each (signer, image hash) placed at the end of its signature block."""
    marks = "".join(
        f'<p>{escape(signer)}（签名）</p><img data-sha256="{sha256}">'
        for signer, sha256 in signatures
    )
    start = layout.find('<div class="signature">')
    end = layout.find("</div>", start)
    if start < 0 or end < 0:
        return f'{layout}<div class="signature">{marks}</div>'
    return layout[:end] + marks + layout[end:]


def _image_check(image: UploadedFile) -> None:
    """Refuse (Invalid naming ``image``) an image that cannot be decoded and placed."""
    try:
        image.seek(0)
        with Image.open(image) as picture:
            picture.load()
    except Exception:  # any decoder error of an untrusted file
        raise Invalid({"image": [str(_("The signature image cannot be read."))]}) from None
    finally:
        image.seek(0)


def document_sign(
    *,
    document: Document,
    image: UploadedFile,
    signer: str,
    signs_sha256: str,
    device: str,
    actor,
) -> DocumentSignature:
    """Place a signature drawn on screen on the document; the signed file is a new file.

    ``signs_sha256`` is the hash of the file the signer was shown: it must be the
    document's latest (``document_final_sha256``), or Conflict (it changed since).
    ``image`` (PNG or JPEG) is stored by its hash; the signed PDF is the
    document's layout with every signature so far placed in its signature block.
    """
    errors: dict[str, list] = {}
    signer = (signer or "").strip() if isinstance(signer, str) else ""
    if not signer:
        errors["signer"] = [str(_("The name of who signs is required."))]
    elif len(signer) > 100:
        errors["signer"] = [str(_("At most %(n)d characters.") % {"n": 100})]
    device = (device or "").strip()[:200] if isinstance(device, str) else ""
    try:
        filestore.upload_check(image, field="image", accepted=filestore.IMAGE_TYPES)
        _image_check(image)
    except Invalid as exc:
        errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        _serialise()
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if signs_sha256 != document_final_sha256(locked):
            raise Conflict(
                _("The document changed since it was shown for signing: show it again."),
                state=locked.state,
            )
        stored_image = filestore.file_store_upload(
            image, field="image", accepted=filestore.IMAGE_TYPES
        )
        placed = [(s.signer, s.image_sha256) for s in locked.signatures.order_by("signed_at", "pk")]
        placed.append((signer, stored_image.sha256))
        images = {sha: filestore.file_read(sha) for _signer, sha in placed}
        final = filestore.file_store_bytes(
            pdf_bytes(document=locked, layout=_signed_layout(locked.layout, placed), images=images)
        )
        signature = DocumentSignature.objects.create(
            document=locked,
            signer=signer,
            signs_sha256=signs_sha256,
            image_sha256=stored_image.sha256,
            signed_at=clock.now(),
            device=device,
            final_sha256=final.sha256,
            final_size=final.size,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        events.document_signed(document=locked, signature=signature, actor=actor)
    return signature
