"""The phone's signing page of the 现场检查记录: what it posts, what it refuses, who sees it."""

import base64
import io
import re

import pytest
from PIL import Image, ImageDraw

from casework.documents import document_final_sha256, documents_for
from casework.models import AuditEvent, DocumentSignature
from inspections.models import Inspection
from tests.factories import make_inspection, make_user


def data_url(picture: Image.Image, kind="png") -> str:
    out = io.BytesIO()
    picture.save(out, format=kind.upper())
    return f"data:image/{kind};base64," + base64.b64encode(out.getvalue()).decode()


def drawing() -> Image.Image:
    canvas = Image.new("RGBA", (390, 220), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line(
        [(20, 180), (120, 40), (250, 190), (370, 60)], fill="black", width=6
    )
    return canvas


@pytest.fixture
def recorded(login, started, officers):
    client = login(officers[0])
    response = client.post(
        f"/m/inspections/{started.pk}/record/", {"signed_by": "李建国", "version": started.version}
    )
    assert response.status_code == 302
    started.refresh_from_db()
    return started


@pytest.fixture
def record(recorded):
    return documents_for(subject=recorded).get(kind="inspection_record")


def url(inspection) -> str:
    return f"/m/inspections/{inspection.pk}/sign/"


def post(client, inspection, record, follow=False, **fields):
    data = {
        "signer": "李建国",
        "image": data_url(drawing()),
        "signs_sha256": document_final_sha256(record),
        "device": "Pixel 8",
        **fields,
    }
    return client.post(url(inspection), data, follow=follow)


def image_error(content: str) -> bool:
    field = re.search(
        r'<div class="ph-field ph-field--error">\s*<label id="signature-label"', content
    )
    return field is not None


def test_the_recorded_inspection_links_to_the_signing_page(login, recorded, record, officers):
    client = login(officers[0])

    page = client.get(f"/m/inspections/{recorded.pk}/").content.decode()
    assert f'href="{url(recorded)}"' in page and record.number in page

    sign_page = client.get(url(recorded)).content.decode()
    assert 'id="signature-pad"' in sign_page and "signature.js" in sign_page
    assert f'value="{record.sha256}"' in sign_page
    assert f'href="/api/v1/documents/{record.pk}/file/"' in sign_page
    assert "<script>" not in sign_page  # the CSP: scripts only from files


def test_a_drawn_signature_is_placed_and_the_next_signer_signs_the_signed_file(
    login, recorded, record, officers
):
    client = login(officers[0])

    response = post(client, recorded, record)

    assert response.status_code == 302 and response["Location"] == url(recorded)
    signature = DocumentSignature.objects.get()
    assert signature.signer == "李建国" and signature.device == "Pixel 8"
    assert signature.signs_sha256 == record.sha256 and signature.recorded_by == officers[0]
    page = client.get(url(recorded)).content.decode()
    assert f'value="{signature.final_sha256}"' in page
    assert f'href="/api/v1/documents/{record.pk}/signed-file/"' in page
    assert re.search(r'name="signer"[^>]*>', page) and 'value="李建国"' not in page
    second = post(client, recorded, record, signer="张伟")
    assert second.status_code == 302
    assert list(DocumentSignature.objects.values_list("signer", flat=True)) == ["李建国", "张伟"]


@pytest.mark.parametrize(
    "image",
    [
        "",  # nothing drawn: the script did not run
        data_url(Image.new("RGBA", (390, 220), (0, 0, 0, 0))),  # an empty canvas
        data_url(Image.new("RGB", (390, 220), "white"), kind="jpeg"),  # a white one
        "data:image/png;base64,!!!notbase64",
        "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
        "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n broken").decode(),
    ],
)
def test_no_drawing_or_a_broken_one_is_an_error_beside_the_box_and_writes_nothing(
    login, recorded, record, officers, image
):
    client = login(officers[0])
    events = AuditEvent.objects.count()

    response = post(client, recorded, record, image=image)

    assert response.status_code == 200
    content = response.content.decode()
    assert image_error(content)
    assert 'value="李建国"' in content  # the name typed stays
    assert not DocumentSignature.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_missing_name_is_an_error_beside_the_name(login, recorded, record, officers):
    response = post(login(officers[0]), recorded, record, signer="  ")

    assert response.status_code == 200
    assert re.search(r'ph-field--error">\s*<label for="id_signer"', response.content.decode())
    assert not DocumentSignature.objects.exists()


def test_a_stale_file_is_refused_in_words_and_shown_again(login, recorded, record, officers):
    client = login(officers[0])
    assert post(client, recorded, record).status_code == 302

    response = post(
        client, recorded, record, signer="张伟", signs_sha256=record.sha256, follow=True
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert '<li class="error">' in content
    assert f'value="{DocumentSignature.objects.get().final_sha256}"' in content
    assert DocumentSignature.objects.count() == 1


def test_before_the_record_there_is_nothing_to_sign(login, started, officers):
    response = login(officers[0]).get(url(started))

    assert response.status_code == 302
    assert response["Location"] == f"/m/inspections/{started.pk}/"
    assert started.state == Inspection.State.IN_PROGRESS


def test_another_county_and_the_enterprise_get_404(login, recorded, record, enterprise):
    county = login(make_user(role="officer", jurisdiction="450123"))
    enterprise_user = login(make_user(role="enterprise", enterprise=enterprise))

    for client in (county, enterprise_user):
        assert client.get(url(recorded)).status_code == 404
        assert post(client, recorded, record).status_code == 404
    assert not DocumentSignature.objects.exists()


def test_a_planned_inspection_of_the_officer_has_no_signing(login, enterprise, officers):
    planned = make_inspection(enterprise=enterprise, officers=officers)

    assert login(officers[0]).get(url(planned)).status_code == 302


def test_the_receipt_of_an_order_served_in_person_is_signed_on_the_phone(db, login):
    from tests.inspections.test_rectification_api import Case

    case = Case()
    order_id = case.issue()
    client = login(case.officers[0])
    # Not served: no receipt to sign yet.
    assert client.get(f"/m/orders/{order_id}/receipt/sign/").status_code == 302
    case.serve(order_id)
    order_page = client.get(f"/inspections/orders/{order_id}/").content.decode()
    assert f'href="/m/orders/{order_id}/receipt/sign/"' in order_page
    page = client.get(f"/m/orders/{order_id}/receipt/sign/").content.decode()
    assert 'id="signature-pad"' in page and "文书送达回执" in page
    assert 'value="王经理"' in page  # who received it, as the service recorded
    receipt = documents_for(subject=case.inspection.rectification_orders.get()).get(
        kind="service_receipt"
    )
    response = client.post(
        f"/m/orders/{order_id}/receipt/sign/",
        {
            "signer": "王经理",
            "image": data_url(drawing()),
            "signs_sha256": document_final_sha256(receipt),
            "device": "Pixel 8",
        },
    )
    assert response.status_code == 302
    signature = DocumentSignature.objects.get(document=receipt)
    assert (signature.signer, signature.recorded_by) == ("王经理", case.officers[0])
    # Another enterprise's staff cannot open it: 404, as for any order outside the scope.
    stranger = make_user(role="officer", jurisdiction="450123")
    assert login(stranger).get(f"/m/orders/{order_id}/receipt/sign/").status_code == 404
