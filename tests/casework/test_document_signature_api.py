"""Signing a document on screen through the API, and downloading the signed PDF.

``POST /api/v1/documents/{id}/signatures/`` (multipart) and
``GET /api/v1/documents/{id}/signed-file/``, on the 现场检查记录 that recording
an inspection issues: real files, real PDFs, the same scope as the detail.
"""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from pypdf import PdfReader

from casework import filestore
from casework.documents import document_final_sha256, documents_for
from casework.models import AuditEvent, DocumentSignature
from casework.transitions import transition_perform
from inspections.models import Inspection
from tests.factories import client_for, make_enterprise, make_started_inspection, make_user

pytestmark = pytest.mark.django_db


def drawn_png(lift: int = 0) -> bytes:
    """A stroke on a transparent canvas, as a phone's <canvas> gives it."""
    canvas = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line(
        [(10, 90), (80, 20 + lift), (160, 100), (290, 30)], fill=(0, 0, 0, 255), width=6
    )
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


def upload(content: bytes | None = None, name="signature.png", content_type="image/png"):
    return SimpleUploadedFile(name, drawn_png() if content is None else content, content_type)


def recorded(enterprise, officers):
    """An inspection recorded with 赵六's name: its 现场检查记录 is issued."""
    inspection = make_started_inspection(enterprise=enterprise, officers=officers)
    transition_perform(
        queryset=Inspection.objects.all(),
        pk=inspection.pk,
        name="record",
        actor=officers[0],
        data={"signed_by": "赵六"},
    )
    return documents_for(subject=inspection).get(kind="inspection_record")


@pytest.fixture
def record(enterprise, officers):
    return recorded(enterprise, officers)


def sign(client, document, **fields):
    data = {
        "image": upload(),
        "signer": "赵六",
        "signs_sha256": document_final_sha256(document),
        "device": "Pixel 8; Chrome 131",
        **fields,
    }
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/api/v1/documents/{document.pk}/signatures/", data, format="multipart")


def pdf_text(data: bytes) -> str:
    return "".join(
        "".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )


def test_an_officer_signs_and_gets_the_signature_and_the_signed_pdf(record, officers):
    client = client_for(officers[0])
    issued_sha = record.sha256

    response = sign(client, record)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["signer"] == "赵六" and body["device"] == "Pixel 8; Chrome 131"
    assert body["signs_sha256"] == issued_sha
    assert body["image_sha256"] == hashlib.sha256(drawn_png()).hexdigest()
    signature = DocumentSignature.objects.get()
    assert signature.recorded_by == officers[0]
    assert body["final_sha256"] == signature.final_sha256 != issued_sha

    download = client.get(f"/api/v1/documents/{record.pk}/signed-file/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == signature.final_sha256
    assert "赵六（签名）" in pdf_text(content)
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(content)).pages) == 1
    # The issued file is unchanged and still served as it was.
    original = b"".join(client.get(f"/api/v1/documents/{record.pk}/file/").streaming_content)
    assert hashlib.sha256(original).hexdigest() == issued_sha
    assert AuditEvent.objects.filter(action="document_signed").count() == 1


def test_the_next_signer_signs_the_signed_file_and_the_download_is_the_latest(record, officers):
    client = client_for(officers[0])
    first = sign(client, record).json()

    second = sign(client, record, image=upload(drawn_png(lift=15)), signer="张伟")

    assert second.status_code == 201, second.content
    assert second.json()["signs_sha256"] == first["final_sha256"]
    content = b"".join(client.get(f"/api/v1/documents/{record.pk}/signed-file/").streaming_content)
    assert hashlib.sha256(content).hexdigest() == second.json()["final_sha256"]
    text = pdf_text(content)
    assert "赵六（签名）" in text and "张伟（签名）" in text
    detail = client.get(f"/api/v1/documents/{record.pk}/").json()
    assert [s["signer"] for s in detail["signatures"]] == ["赵六", "张伟"]


def test_a_stale_hash_is_409_and_writes_nothing(record, officers):
    client = client_for(officers[0])
    issued_sha = record.sha256
    assert sign(client, record).status_code == 201
    events = AuditEvent.objects.count()

    stale = sign(client, record, signer="张伟", signs_sha256=issued_sha)

    assert stale.status_code == 409, stale.content
    assert "detail" in stale.json()
    assert DocumentSignature.objects.count() == 1
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"image": None}, "image"),
        ({"image": upload(b"%PDF-1.7 not an image", "s.pdf", "application/pdf")}, "image"),
        ({"image": upload(drawn_png()[:80])}, "image"),  # a PNG's head: cannot be placed
        ({"signer": None}, "signer"),
        ({"signer": "   "}, "signer"),
        ({"signer": "名" * 101}, "signer"),
        ({"signs_sha256": None}, "signs_sha256"),
        ({"signs_sha256": "abc"}, "signs_sha256"),
        ({"signs_sha256": "z" * 64}, "signs_sha256"),
        ({"device": "d" * 201}, "device"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_writes_nothing(record, officers, fields, named):
    events = AuditEvent.objects.count()

    response = sign(client_for(officers[0]), record, **fields)

    assert response.status_code == 400, response.content
    assert named in response.json()
    assert not DocumentSignature.objects.exists()
    assert AuditEvent.objects.count() == events


def test_documents_outside_the_scope_are_404_like_a_missing_id(record, enterprise, officers):
    county = client_for(make_user(role="officer", jurisdiction="450123"))
    other_enterprise = make_enterprise(jurisdiction="450103", name="另一家公司")
    outsider = client_for(make_user(role="enterprise", enterprise=other_enterprise))
    missing = 987654321

    for client in (county, outsider):
        foreign = sign(client, record)
        absent = client.post(
            f"/api/v1/documents/{missing}/signatures/",
            {"image": upload(), "signer": "赵六", "signs_sha256": record.sha256},
            format="multipart",
        )
        assert foreign.status_code == absent.status_code == 404
        assert foreign.json() == absent.json()
        for suffix in ("signed-file/",):
            seen = client.get(f"/api/v1/documents/{record.pk}/{suffix}")
            unseen = client.get(f"/api/v1/documents/{missing}/{suffix}")
            assert seen.status_code == unseen.status_code == 404
            assert seen.json() == unseen.json()
    assert not DocumentSignature.objects.exists()
    # The city sees the district's documents and may record a signature.
    city = client_for(make_user(role="supervisor", jurisdiction="450100"))
    assert sign(city, record).status_code == 201


def test_the_enterprise_user_may_not_sign_but_downloads_its_signed_file(
    record, enterprise, officers
):
    own = client_for(make_user(role="enterprise", enterprise=enterprise))

    refused = sign(own, record, signer=officers[0].get_full_name() or "张伟")

    assert refused.status_code == 403, refused.content
    assert not DocumentSignature.objects.exists()
    assert sign(client_for(officers[0]), record).status_code == 201
    download = own.get(f"/api/v1/documents/{record.pk}/signed-file/")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == DocumentSignature.objects.get().final_sha256
    filestore.file_read(DocumentSignature.objects.get().final_sha256)  # stored, hash checked


def test_the_signed_file_of_an_unsigned_document_is_404_naming_why(record, officers):
    response = client_for(officers[0]).get(f"/api/v1/documents/{record.pk}/signed-file/")

    assert response.status_code == 404
    assert (
        response.json()["detail"]
        != client_for(officers[0]).get("/api/v1/documents/987654321/signed-file/").json()["detail"]
    )


def test_anonymous_callers_are_refused(record):
    from rest_framework.test import APIClient

    response = sign(APIClient(), record)

    assert response.status_code == 401
    assert not DocumentSignature.objects.exists()


def test_a_giant_picture_is_refused_from_its_header_naming_the_image(record, officers):
    out = io.BytesIO()
    Image.new("1", (5000, 4000), 1).save(out, format="PNG")  # 20 million pixels, a few KB

    response = sign(client_for(officers[0]), record, image=upload(out.getvalue()))

    assert response.status_code == 400, response.content
    assert "image" in response.json()
    assert not DocumentSignature.objects.exists()
