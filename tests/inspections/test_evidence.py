"""Evidence: stored by SHA-256, sniffed, size-limited, EXIF kept, served by visibility."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from PIL import ExifTags, Image

from casework.audit import audit_verify
from casework.exceptions import Invalid
from casework.models import AuditEvent
from inspections.evidence import evidence_path
from inspections.models import Evidence, Inspection
from inspections.services import evidence_store, worker_check_record
from tests.factories import (
    client_for,
    make_enterprise,
    make_inspection,
    make_started_inspection,
    make_user,
    make_worker,
)

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def stored_files(directory) -> list:
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


def photo_with_gps(colour="red") -> bytes:
    """A real JPEG taken at 22°49'1.2"N 108°19'30"E by a named camera."""
    exif = Image.Exif()
    exif[0x010F] = "HUAWEI"
    exif[0x0110] = "P60 Pro"
    exif.get_ifd(ExifTags.IFD.Exif)[0x9003] = "2026:05:01 10:20:30"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {1: "N", 2: (22.0, 49.0, 1.2), 3: "E", 4: (108.0, 19.0, 30.0), 5: 0, 6: 85.5}
    )
    out = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(user, inspection, content: bytes, name="photo.jpg", **extra):
    body = {"file": SimpleUploadedFile(name, content, content_type="image/jpeg"), **extra}
    return client_for(user).post(
        f"/api/v1/inspections/{inspection.pk}/evidence/", body, format="multipart"
    )


def download(user, evidence_id):
    response = client_for(user).get(f"/api/v1/evidence/{evidence_id}/file/")
    # Reading a streamed response to the end closes it (and its file).
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def nothing_written() -> tuple[int, int]:
    return Evidence.objects.count(), AuditEvent.objects.count()


# --- storing ----------------------------------------------------------------------------


def test_a_photo_is_stored_by_its_sha256_with_gps_and_camera(inspection, officers, evidence_dir):
    # given
    content = photo_with_gps()
    before = AuditEvent.objects.count()

    # when
    response = upload(officers[0], inspection, content, description="Worker at the reactor")

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    sha256 = hashlib.sha256(content).hexdigest()
    assert body["sha256"] == sha256
    assert body["size"] == len(content)
    assert body["content_type"] == "image/jpeg"
    assert body["original_name"] == "photo.jpg"
    path = evidence_dir / sha256[:2] / sha256[2:4] / sha256
    assert evidence_path(sha256) == path
    assert path.read_bytes() == content
    assert stored_files(evidence_dir) == [path]  # no temporary file left behind
    gps = body["metadata"]["gps"]
    assert gps["latitude"] == pytest.approx(22 + 49 / 60 + 1.2 / 3600, abs=1e-6)
    assert gps["longitude"] == pytest.approx(108 + 19 / 60 + 30 / 3600, abs=1e-6)
    assert gps["altitude"] == pytest.approx(85.5)
    assert gps["raw"]["GPSLatitudeRef"] == "N"
    assert gps["raw"]["GPSLongitude"] == [108.0, 19.0, 30.0]
    assert body["metadata"]["camera_make"] == "HUAWEI"
    assert body["metadata"]["camera_model"] == "P60 Pro"
    assert body["metadata"]["taken_at"] == "2026-05-01T10:20:30"
    assert Evidence.objects.get(pk=body["id"]).metadata == body["metadata"]
    event = AuditEvent.objects.get(seq=before + 1)
    assert AuditEvent.objects.count() == before + 1
    assert event.action == "evidence_uploaded"
    assert event.file_hashes == [sha256]
    assert event.payload["sha256"] == sha256
    assert audit_verify().ok
    call_command("verify_audit", stdout=io.StringIO())


def test_a_southern_western_position_is_negative(inspection, officers):
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {1: "S", 2: (33.0, 52.0, 4.0), 3: "W", 4: (70.0, 30.0, 0.0)}
    )
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "JPEG", exif=exif)

    body = upload(officers[0], inspection, out.getvalue()).json()

    assert body["metadata"]["gps"]["latitude"] < 0
    assert body["metadata"]["gps"]["longitude"] == pytest.approx(-70.5)


def test_identical_content_is_stored_once_for_several_rows(inspection, officers, evidence_dir):
    content = photo_with_gps()

    first = upload(officers[0], inspection, content, name="a.jpg").json()
    second = upload(officers[1], inspection, content, name="b.jpg").json()

    assert first["id"] != second["id"]
    assert first["sha256"] == second["sha256"]
    assert len(stored_files(evidence_dir)) == 1
    assert Evidence.objects.filter(sha256=first["sha256"]).count() == 2


def test_a_pdf_is_accepted_by_its_content_whatever_its_name(inspection, officers):
    response = upload(officers[0], inspection, PDF, name="scan.jpg")

    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "application/pdf"
    assert response.json()["metadata"] == {}


def test_a_text_file_is_refused_naming_the_file_and_storing_nothing(
    inspection, officers, evidence_dir
):
    before = nothing_written()

    response = upload(officers[0], inspection, b"just some notes\n" * 20, name="notes.jpg")

    assert response.status_code == 400
    assert "file" in response.json()
    assert nothing_written() == before
    assert stored_files(evidence_dir) == []


def test_a_refused_type_names_the_detected_type(inspection, officers, evidence_dir):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "hello")

    response = upload(officers[0], inspection, archive.getvalue(), name="photo.jpg")

    assert response.status_code == 400
    assert "application/zip" in response.json()["file"][0]
    assert stored_files(evidence_dir) == []


@override_settings(CASEWORK_EVIDENCE_MAX_BYTES=100)
def test_a_file_above_the_limit_is_refused_and_nothing_is_stored(inspection, officers):
    before = nothing_written()
    content = photo_with_gps()
    assert len(content) > 100

    response = upload(officers[0], inspection, content)

    assert response.status_code == 400
    assert "file" in response.json()
    assert nothing_written() == before


def test_the_limit_holds_while_streaming_whatever_size_is_declared(
    inspection, officers, evidence_dir, settings
):
    # A client may under-declare the size; the bytes are counted as they stream.
    settings.CASEWORK_EVIDENCE_MAX_BYTES = 100
    lying = SimpleUploadedFile("x.pdf", PDF * 3)
    lying.size = 10
    before = nothing_written()

    with pytest.raises(Invalid) as refused:
        evidence_store(inspection=inspection, actor=officers[0], uploaded_file=lying)

    assert "file" in refused.value.errors
    assert nothing_written() == before
    assert stored_files(evidence_dir) == []


# --- attaching and who may upload -------------------------------------------------------


def test_evidence_attaches_to_a_finding_of_the_same_inspection(inspection, officers, enterprise):
    worker = make_worker(enterprise=enterprise)
    finding = worker_check_record(
        inspection=inspection, actor=officers[0], id_number=worker.id_number, job=worker.job
    ).finding
    other = make_started_inspection(enterprise=enterprise, officers=officers)
    before = nothing_written()

    wrong = upload(officers[0], other, PDF, finding=finding.pk)
    right = upload(officers[0], inspection, PDF, finding=finding.pk)

    assert wrong.status_code == 400
    assert "finding" in wrong.json()
    assert right.status_code == 201, right.content
    assert right.json()["finding"] == finding.pk
    assert nothing_written() == (before[0] + 1, before[1] + 1)


def test_a_supervisor_may_upload_but_not_another_officer_or_the_enterprise(inspection, supervisor):
    colleague = make_user(role="officer", jurisdiction="450103")
    own = make_user(role="enterprise", enterprise=inspection.enterprise)
    before = nothing_written()

    assert upload(colleague, inspection, PDF).status_code == 403
    assert upload(own, inspection, PDF).status_code == 403
    assert nothing_written() == before
    assert upload(supervisor, inspection, PDF).status_code == 201


def test_evidence_is_refused_before_the_inspection_starts(enterprise, officers, evidence_dir):
    planned = make_inspection(enterprise=enterprise, officers=officers)
    before = nothing_written()

    response = upload(officers[0], planned, PDF)

    assert response.status_code == 409
    assert response.json()["state"] == "planned"
    assert nothing_written() == before
    assert stored_files(evidence_dir) == []


def test_evidence_may_still_be_added_once_recorded(inspection, officers):
    from casework.transitions import transition_perform

    transition_perform(
        queryset=Inspection.objects.all(),
        pk=inspection.pk,
        name="record",
        actor=officers[0],
        data={"refused": True, "refusal_reason": "The manager left.", "witness": "Li Na"},
    )

    assert upload(officers[1], inspection, PDF).status_code == 201


# --- serving ----------------------------------------------------------------------------


def test_the_file_is_served_to_those_who_may_see_the_inspection(inspection, officers, supervisor):
    content = photo_with_gps()
    evidence_id = upload(officers[0], inspection, content, name="现场照片.jpg").json()["id"]
    city_officer = make_user(role="officer", jurisdiction="450100")
    own = make_user(role="enterprise", enterprise=inspection.enterprise)

    for user in (officers[1], supervisor, city_officer, own):
        response, served = download(user, evidence_id)
        assert response.status_code == 200, user.username
        assert served == content
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in response["Content-Disposition"]
        assert "%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.jpg" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content", "served_as"),
    [
        ("x.html", "photo", "x.jpg"),
        ("scan.jpg", "pdf", "scan.pdf"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("C:\\Users\\a\\evil.svg.html", "photo", "evil.svg.jpg"),
        ("noextension", "photo", "noextension.jpg"),
    ],
)
def test_a_download_is_named_by_the_stored_type_never_the_uploaders_extension(
    inspection, officers, name, content, served_as
):
    body = photo_with_gps() if content == "photo" else PDF
    evidence_id = upload(officers[0], inspection, body, name=name).json()["id"]

    response, _served = download(officers[0], evidence_id)

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{served_as}"'


def test_a_photo_without_exif_stores_no_none_strings(inspection, officers):
    plain = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(plain, "JPEG")

    metadata = upload(officers[0], inspection, plain.getvalue()).json()["metadata"]

    assert metadata == {"width": 8, "height": 8}
    assert "None" not in json.dumps(metadata)


def test_another_county_and_another_enterprise_get_404(inspection, officers):
    evidence_id = upload(officers[0], inspection, PDF, name="scan.pdf").json()["id"]
    other_county = make_user(role="officer", jurisdiction="450123")
    stranger = make_user(role="enterprise", enterprise=make_enterprise())

    for user in (other_county, stranger):
        response, served = download(user, evidence_id)
        assert response.status_code == 404
        assert PDF not in served
        client = client_for(user)
        assert client.get(f"/api/v1/evidence/{evidence_id}/").status_code == 404
        assert client.get(f"/api/v1/inspections/{inspection.pk}/evidence/").status_code == 404
        assert upload(user, inspection, PDF).status_code == 404


def test_the_lists_show_the_evidence_and_there_is_no_way_to_delete_it(inspection, officers):
    evidence_id = upload(officers[0], inspection, PDF, name="scan.pdf").json()["id"]
    client = client_for(officers[1])

    listed = client.get(f"/api/v1/inspections/{inspection.pk}/evidence/")
    collection = client.get("/api/v1/evidence/", {"inspection": inspection.pk})
    deleted = client.delete(f"/api/v1/evidence/{evidence_id}/")

    assert [e["id"] for e in listed.json()] == [evidence_id]
    assert listed.json()[0]["file"] == f"/api/v1/evidence/{evidence_id}/file/"
    assert [e["id"] for e in collection.json()["results"]] == [evidence_id]
    assert deleted.status_code == 405
    assert Evidence.objects.filter(pk=evidence_id).exists()
