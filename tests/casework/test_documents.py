"""Enforcement documents: numbers without gaps, Chinese PDFs, immutability once served, the API."""

import datetime
import hashlib
import io
import os
import stat

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from pypdf import PdfReader

from casework import clock, documents, filestore
from casework.documents import document_issue, document_kind, document_rerender
from casework.exceptions import Conflict
from casework.models import AuditEvent, Document, DocumentCounter, DocumentPrefix, Jurisdiction
from casework.pdf import LayoutError, layout_parse
from casework.service import service_record
from tests.factories import client_for, make_enterprise, make_user

pytestmark = pytest.mark.django_db

# Test kinds on the shipped templates (the apps declare the real ones from their ready()).
ORDER = document_kind(
    "test_rectification_order",
    title="责令限期整改指令书",
    abbreviation="测改",
    template="documents/rectification_order.html",
)
RECORD = document_kind(
    "test_inspection_record",
    title="现场检查记录",
    abbreviation="测检",
    template="documents/inspection_record.html",
)
REVIEW = document_kind(
    "test_rectification_review",
    title="整改复查意见书",
    abbreviation="测复",
    template="documents/rectification_review.html",
)

OFFICERS = [
    {"name": "张伟", "credential_no": "GX00001"},
    {"name": "王芳", "credential_no": "GX00002"},
]
FINDINGS = [
    {
        "worker_name": "李强",
        "masked_id": "450103********0313",
        "job": "化工操作工",
        "reasons": ["未经岗位安全培训", "无特种作业操作证"],
    }
]


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


@pytest.fixture(autouse=True)
def frozen_clock(db):
    clock.clock_set(to=at(2026, 12, 3), frozen=True)


@pytest.fixture
def company(db):
    return make_enterprise(
        jurisdiction="450103", name="南宁市青秀化工有限公司", address="南宁市青秀区民族大道1号"
    )


@pytest.fixture
def officer(db):
    return make_user(role="officer", jurisdiction="450103")


def order_context(enterprise, **extra):
    return {
        "enterprise": enterprise,
        "inspected_on": datetime.date(2026, 12, 1),
        "findings": FINDINGS,
        "problems": ["危险化学品仓库未设置通风设施"],
        "legal_basis": "《中华人民共和国安全生产法》第二十八条",
        "requirements": ["组织从业人员参加安全培训"],
        "due_date": datetime.date(2026, 12, 31),
        "review_body": "南宁市青秀区人民政府",
        "court": "南宁市青秀区人民法院",
        "officers": OFFICERS,
        **extra,
    }


def issue(enterprise, actor, *, kind=ORDER.code, jurisdiction=None, **extra):
    return document_issue(
        kind=kind,
        subject=enterprise,
        jurisdiction=jurisdiction or enterprise.jurisdiction,
        enterprise=enterprise,
        context=order_context(enterprise, **extra),
        actor=actor,
    )


def pdf_text(data: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return "".join(text.split())  # lines break anywhere in Chinese


# -- numbers ---------------------------------------------------------------------------------


def test_numbers_increment_within_agency_kind_and_year(company, officer):
    issued = [issue(company, officer) for _ in range(3)]

    assert [d.sequence for d in issued] == [1, 2, 3]
    assert [d.number for d in issued] == [f"青应急测改〔2026〕{n}号" for n in (1, 2, 3)]
    assert {d.year for d in issued} == {2026}
    counter = DocumentCounter.objects.get(jurisdiction="450103", kind=ORDER.code, year=2026)
    assert counter.last == 3


def test_numbers_restart_per_year_kind_and_agency(company, officer):
    issue(company, officer)
    issue(company, officer)
    other_kind = issue(company, officer, kind=RECORD.code)
    county = Jurisdiction.objects.get(code="450123")
    other_agency = issue(company, officer, jurisdiction=county)
    clock.clock_set(to=at(2027, 1, 4), frozen=True)
    next_year = issue(company, officer)

    assert other_kind.number == "青应急测检〔2026〕1号"
    assert other_agency.number == "隆应急测改〔2026〕1号"
    assert (next_year.number, next_year.year, next_year.sequence) == (
        "青应急测改〔2027〕1号",
        2027,
        1,
    )


def test_an_agency_prefix_row_names_the_numbers(company, officer):
    DocumentPrefix.objects.create(jurisdiction_id="450103", prefix="邕青应急")

    assert issue(company, officer).number == "邕青应急测改〔2026〕1号"
    assert documents.agency_prefix(Jurisdiction.objects.get(code="450100")) == "南应急"


def test_a_failed_surrounding_transaction_leaves_no_document_and_consumes_no_number(
    company, officer
):
    events_before = AuditEvent.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        issue(company, officer)
        raise RuntimeError("the transition failed after issuing")

    assert Document.objects.count() == 0
    assert AuditEvent.objects.count() == events_before
    assert issue(company, officer).sequence == 1


def test_two_kinds_may_not_share_an_abbreviation():
    with pytest.raises(ValueError, match="abbreviation"):
        document_kind("test_other", title="x", abbreviation="测改", template="documents/x.html")


def test_an_undeclared_kind_is_refused(company, officer):
    with pytest.raises(LookupError):
        issue(company, officer, kind="nobody_declared_this")
    assert Document.objects.count() == 0


# -- the PDF ---------------------------------------------------------------------------------


def test_the_pdf_carries_the_enterprise_the_number_and_a_chinese_date(company, officer):
    document = issue(company, officer)

    data = documents.document_file(document)
    text = pdf_text(data)
    assert data.startswith(b"%PDF")
    assert "南宁市青秀化工有限公司" in text
    assert "青应急测改〔2026〕1号" in text
    assert "2026年12月3日" in text  # the date of issue, in the signature block
    assert "2026年12月31日前整改完毕" in text
    assert "450103********0313" in text and "李强" in text
    assert "张伟（执法证号：GX00001）" in text
    assert "南宁市青秀区应急管理局" in text
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_the_file_is_stored_by_its_sha256_read_only_and_named_in_the_event(company, officer):
    document = issue(company, officer)

    path = filestore.file_path(document.sha256)
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert len(data) == document.size
    assert stat.S_IMODE(os.stat(path).st_mode) == filestore.FILE_MODE
    event = AuditEvent.objects.get(action="document_issued", object_id=str(document.pk))
    assert event.file_hashes == [document.sha256]
    assert event.payload["number"] == document.number
    assert event.payload["sha256"] == document.sha256
    assert event.actor_id == officer.pk


def test_storing_the_same_content_again_keeps_the_stored_file(company, officer):
    stored = filestore.file_store_bytes(b"%PDF-1.4 same bytes")
    before = os.stat(filestore.file_path(stored.sha256)).st_ino

    again = filestore.file_store_bytes(b"%PDF-1.4 same bytes")

    assert again == stored
    assert os.stat(filestore.file_path(stored.sha256)).st_ino == before


def test_a_value_is_printed_as_text_never_read_as_layout(officer):
    company = make_enterprise(name='<h1>恶意</h1><p class="x">公司</p>')

    text = pdf_text(documents.document_file(issue(company, officer)))

    assert '<h1>恶意</h1><pclass="x">公司</p>' in text


def test_a_template_using_an_unknown_element_fails_loudly():
    with pytest.raises(LayoutError, match="<blink>"):
        layout_parse("<h1>标题</h1><blink>闪</blink>")
    with pytest.raises(LayoutError, match="outside"):
        layout_parse("<h1>标题</h1>散落的文字")


def test_the_four_shipped_templates_render_their_documented_context(company, officer):
    order = issue(company, officer)
    record = document_issue(
        kind=RECORD.code,
        subject=company,
        jurisdiction=company.jurisdiction,
        enterprise=company,
        actor=officer,
        context={
            "enterprise": company,
            "started_at": at(2026, 12, 1, 9),
            "ended_at": at(2026, 12, 1, 11),
            "present": {"name": "赵六", "job": "安全主管"},
            "officers": OFFICERS,
            "recorder": "王芳",
            "observations": ["检查了危险化学品仓库", "核查了从业人员资格"],
            "findings": FINDINGS,
        },
    )
    review = document_issue(
        kind=REVIEW.code,
        subject=company,
        jurisdiction=company.jurisdiction,
        enterprise=company,
        actor=officer,
        context={
            "enterprise": company,
            "order_number": order.number,
            "order_issued_on": order.issued_on,
            "reviewed_on": datetime.date(2026, 12, 3),
            "results": [{**FINDINGS[0], "outcome": "已取得特种作业操作证"}],
            "conclusion": "已按要求整改完毕",
            "rectified": True,
            "officers": OFFICERS,
        },
    )
    receipt = document_issue(
        kind="service_receipt",
        subject=order,
        jurisdiction=company.jurisdiction,
        enterprise=company,
        actor=officer,
        context={
            "served_documents": [{"title": order.title, "number": order.number}],
            "enterprise": company,
            "method": "直接送达",
            "served_on": datetime.date(2026, 12, 3),
            "recipient": "赵六",
            "officers": OFFICERS,
        },
    )

    record_text = pdf_text(documents.document_file(record))
    assert "现场检查记录" in record_text
    assert "2026年12月1日09时00分至2026年12月1日11时00分" in record_text
    assert "核查了从业人员资格" in record_text and "赵六（安全主管）" in record_text
    review_text = pdf_text(documents.document_file(review))
    assert f"《责令限期整改指令书》（{order.number}）" in review_text
    assert "复查意见：已按要求整改完毕。" in review_text
    assert "将依法予以处理" not in review_text
    receipt_text = pdf_text(documents.document_file(receipt))
    assert receipt.number == "青应急送达〔2026〕1号"
    assert f"《责令限期整改指令书》（{order.number}）" in receipt_text
    assert "2026年12月3日" in receipt_text and "直接送达" in receipt_text
    assert receipt.subject_type == "casework.document" and receipt.subject_id == str(order.pk)


def test_a_correction_is_a_new_document_naming_the_one_it_corrects(company, officer):
    first = issue(company, officer)
    service_record(
        document=first,
        method="in_person",
        served_on=first.issued_on,
        recipient="赵六",
        actor=officer,
    )

    correction = document_issue(
        kind=ORDER.code,
        subject=company,
        jurisdiction=company.jurisdiction,
        enterprise=company,
        context=order_context(company, due_date=datetime.date(2027, 1, 15)),
        actor=officer,
        corrects=first,
    )

    assert correction.number == "青应急测改〔2026〕2号"
    assert correction.corrects == first
    assert f"本文书更正{first.number}。" in pdf_text(documents.document_file(correction))
    first.refresh_from_db()
    assert first.state == Document.State.SERVED


# -- immutability ------------------------------------------------------------------------------


def test_an_issued_document_may_be_rendered_again_with_its_number(company, officer):
    document = issue(company, officer)
    before = document.sha256

    again = document_rerender(
        document=document,
        context=order_context(company, due_date=datetime.date(2027, 1, 8)),
        actor=officer,
    )

    assert again.number == document.number and again.sha256 != before
    assert "2027年1月8日前整改完毕" in pdf_text(documents.document_file(again))
    assert filestore.file_path(before).exists()  # the earlier file is kept
    event = AuditEvent.objects.get(action="document_rerendered")
    assert event.payload["previous_sha256"] == before
    assert event.file_hashes == [again.sha256]


def test_a_served_document_cannot_be_rendered_again_or_changed(company, officer):
    document = issue(company, officer)
    service_record(
        document=document,
        method="in_person",
        served_on=document.issued_on,
        recipient="赵六",
        actor=officer,
    )
    events_before = AuditEvent.objects.count()
    served_sha = Document.objects.get(pk=document.pk).sha256

    with pytest.raises(Conflict) as refused:
        document_rerender(document=document, context=order_context(company), actor=officer)
    assert refused.value.state == Document.State.SERVED

    stored = Document.objects.get(pk=document.pk)
    stored.title = "改过的标题"
    with pytest.raises(ValueError, match="served"):
        stored.save()
    with pytest.raises(ValueError, match="never deleted"):
        stored.delete()
    assert Document.objects.get(pk=document.pk).sha256 == served_sha
    assert Document.objects.get(pk=document.pk).title == "责令限期整改指令书"
    assert AuditEvent.objects.count() == events_before


def test_postgresql_itself_refuses_to_change_a_served_document(company, officer):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    document = issue(company, officer)
    service_record(
        document=document,
        method="in_person",
        served_on=document.issued_on,
        recipient="赵六",
        actor=officer,
    )

    with pytest.raises(DatabaseError, match="refused"), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(sha256="0" * 64)
    with pytest.raises(DatabaseError, match="refused"), transaction.atomic():
        Document.objects.filter(pk=document.pk)._raw_delete(Document.objects.db)
    assert Document.objects.get(pk=document.pk).sha256 == document.sha256


# -- API -------------------------------------------------------------------------------------


def test_the_api_lists_and_shows_a_document_with_its_service(company, officer):
    document = issue(company, officer)
    service_record(
        document=document,
        method="in_person",
        served_on=document.issued_on,
        recipient="赵六",
        actor=officer,
    )
    client = client_for(officer)

    listed = client.get("/api/v1/documents/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    detail = client.get(f"/api/v1/documents/{document.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert listed.status_code == 200
    assert [row["number"] for row in listed.json()["results"]] == [document.number]
    body = detail.json()
    assert body["kind"] == ORDER.code and body["kind_label"] == "责令限期整改指令书"
    assert body["number"] == document.number and body["sha256"] == document.sha256
    assert body["state"] == "served" and body["served_at"]
    assert body["enterprise"] == company.uscc
    assert body["service"]["method"] == "in_person"
    assert body["service"]["served_on"] == "2026-12-03"
    assert body["service"]["recipient"] == "赵六"
    english = client.get(f"/api/v1/documents/{document.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["state_label"] == "Served"
    assert english["service"]["method_label"] == "In person"


def test_the_file_endpoint_returns_the_stored_pdf_named_by_its_number(company, officer):
    document = issue(company, officer)

    response = client_for(officer).get(f"/api/v1/documents/{document.pk}/file/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert ".pdf" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert documents.document_download_name(document) == "青应急测改〔2026〕1号.pdf"


def test_an_enterprise_user_sees_only_its_own_documents_and_404_for_others(company, officer):
    own = issue(company, officer)
    other_company = make_enterprise(jurisdiction="450103", name="另一家公司")
    other = issue(other_company, officer)
    user = make_user(role="enterprise", enterprise=company)
    client = client_for(user)

    listed = client.get("/api/v1/documents/").json()
    assert [row["id"] for row in listed["results"]] == [own.pk]
    assert client.get(f"/api/v1/documents/{own.pk}/file/").status_code == 200
    missing = 987654321
    for suffix in ("", "file/"):
        foreign = client.get(f"/api/v1/documents/{other.pk}/{suffix}")
        absent = client.get(f"/api/v1/documents/{missing}/{suffix}")
        assert foreign.status_code == absent.status_code == 404
        assert foreign.json() == absent.json()
        assert other.number not in foreign.content.decode()


def test_an_officer_of_another_county_gets_404_and_the_city_sees_all(company, officer):
    document = issue(company, officer)
    county = client_for(make_user(role="officer", jurisdiction="450123"))
    city = client_for(make_user(role="supervisor", jurisdiction="450100"))

    assert county.get(f"/api/v1/documents/{document.pk}/").status_code == 404
    assert county.get(f"/api/v1/documents/{document.pk}/file/").status_code == 404
    assert county.get("/api/v1/documents/").json()["count"] == 0
    assert city.get(f"/api/v1/documents/{document.pk}/").status_code == 200
    assert city.get("/api/v1/documents/", {"kind": ORDER.code}).json()["count"] == 1
    assert city.get("/api/v1/documents/", {"kind": RECORD.code}).json()["count"] == 0


# -- signatures ------------------------------------------------------------------------------


def signature_png(lift: int = 0) -> bytes:
    """A drawn signature: a stroke on a white 120×40 canvas, as a phone sends it."""
    from PIL import Image, ImageDraw

    canvas = Image.new("RGB", (120, 40), "white")
    ImageDraw.Draw(canvas).line(
        [(5, 30), (40, 8 + lift), (70, 32), (115, 10)], fill="black", width=3
    )
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


PNG = signature_png()


def all_images(data: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)


def drawn(content=PNG):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("signature.png", content, content_type="image/png")


def test_a_drawn_signature_gives_a_new_signed_file_bound_to_what_was_signed(company, officer):
    document = issue(company, officer)
    issued_sha = document.sha256

    first = documents.document_sign(
        document=document,
        image=drawn(),
        signer="赵六",
        signs_sha256=issued_sha,
        device="iPad; Safari 18",
        actor=officer,
    )

    assert first.signs_sha256 == issued_sha
    assert first.image_sha256 == hashlib.sha256(PNG).hexdigest()
    assert first.signed_at == clock.now() and first.device == "iPad; Safari 18"
    signed = filestore.file_read(first.final_sha256)
    assert first.final_sha256 != issued_sha and len(signed) == first.final_size
    assert all_images(signed) == 1
    assert "赵六（签名）" in pdf_text(signed)
    assert Document.objects.get(pk=document.pk).sha256 == issued_sha  # the issued file stays
    event = AuditEvent.objects.get(action="document_signed")
    assert event.file_hashes == [issued_sha, first.image_sha256, first.final_sha256]

    # The next signer signs the signed file; both signatures are on the result.
    second = documents.document_sign(
        document=document,
        image=drawn(signature_png(lift=12)),
        signer="张伟",
        signs_sha256=first.final_sha256,
        device="",
        actor=officer,
    )
    both = filestore.file_read(second.final_sha256)
    assert all_images(both) == 2
    assert "张伟（签名）" in pdf_text(both) and "赵六（签名）" in pdf_text(both)
    assert documents.document_final_sha256(document) == second.final_sha256
    detail = client_for(officer).get(f"/api/v1/documents/{document.pk}/").json()
    assert [s["signer"] for s in detail["signatures"]] == ["赵六", "张伟"]


def test_a_signature_on_a_file_no_longer_current_is_refused(company, officer):
    document = issue(company, officer)
    documents.document_sign(
        document=document,
        image=drawn(),
        signer="赵六",
        signs_sha256=document.sha256,
        device="",
        actor=officer,
    )
    events_before = AuditEvent.objects.count()

    with pytest.raises(Conflict):
        documents.document_sign(
            document=document,
            image=drawn(),
            signer="张伟",
            signs_sha256=document.sha256,  # the unsigned file: stale
            device="",
            actor=officer,
        )
    with pytest.raises(Conflict):
        document_rerender(document=document, context=order_context(company), actor=officer)
    assert document.signatures.count() == 1
    assert AuditEvent.objects.count() == events_before


def test_a_signature_needs_a_signer_and_an_image(company, officer):
    from casework.exceptions import Invalid

    document = issue(company, officer)

    with pytest.raises(Invalid) as refused:
        documents.document_sign(
            document=document,
            image=drawn(PNG[:60]),  # a PNG's head, broken: not an image one can place
            signer=" ",
            signs_sha256=document.sha256,
            device="",
            actor=officer,
        )
    assert set(refused.value.errors) == {"signer", "image"}
    assert not document.signatures.exists()
