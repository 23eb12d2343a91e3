"""Service of documents (送达): each method's rule, refusals that write nothing, deemed service."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from casework import clock, filestore
from casework.deadlines import period_compute
from casework.documents import document_issue, document_kind
from casework.exceptions import Conflict, Invalid
from casework.models import AuditEvent, Document, PeriodRule, ServiceConsent, ServiceRecord
from casework.service import service_consent_record, service_record
from tests.factories import make_enterprise, make_user

pytestmark = pytest.mark.django_db

NOTICE = document_kind(
    "test_service_notice",
    title="测试文书",
    abbreviation="测送",
    template="documents/rectification_review.html",
)

# The smallest valid PNG (1×1): a photo of a signed receipt, as far as the type goes.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


@pytest.fixture(autouse=True)
def frozen_clock(db):
    clock.clock_set(to=at(2026, 12, 3), frozen=True)


@pytest.fixture
def company(db):
    return make_enterprise(jurisdiction="450103", name="南宁市青秀化工有限公司")


@pytest.fixture
def officer(db):
    return make_user(role="officer", jurisdiction="450103")


def issue(company, officer):
    return document_issue(
        kind=NOTICE.code,
        subject=company,
        jurisdiction=company.jurisdiction,
        enterprise=company,
        context={"enterprise": company, "conclusion": "测试", "rectified": True},
        actor=officer,
    )


@pytest.fixture
def document(company, officer):
    return issue(company, officer)


def png(name="receipt.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def assert_refused(field, call, document):
    """``call`` is refused naming ``field``, and nothing is written."""
    events_before = AuditEvent.objects.count()
    with pytest.raises(Invalid) as refused, translation.override("en"):
        call()
    assert list(refused.value.errors) == [field], refused.value.errors
    assert all(str(m) for m in refused.value.errors[field])
    assert AuditEvent.objects.count() == events_before
    assert not ServiceRecord.objects.exists()
    stored = Document.objects.get(pk=document.pk)
    assert (stored.state, stored.served_at) == (Document.State.ISSUED, None)
    return refused.value.errors[field]


# -- refusals, one per rule ---------------------------------------------------------------------


def test_in_person_service_needs_the_recipient(document, officer):
    messages = assert_refused(
        "recipient",
        lambda: service_record(
            document=document, method="in_person", served_on=document.issued_on, actor=officer
        ),
        document,
    )
    assert "recipient" in str(messages[0])


def test_a_blank_recipient_is_no_recipient(document, officer):
    assert_refused(
        "recipient",
        lambda: service_record(
            document=document,
            method="in_person",
            served_on=document.issued_on,
            recipient="   ",
            actor=officer,
        ),
        document,
    )


def test_leaving_it_at_the_premises_needs_a_witness(document, officer):
    messages = assert_refused(
        "witness",
        lambda: service_record(
            document=document,
            method="left_at_premises",
            served_on=document.issued_on,
            recipient="拒收的赵六",
            actor=officer,
        ),
        document,
    )
    assert "witness" in str(messages[0])


def test_an_unknown_method_is_refused(document, officer):
    assert_refused(
        "method",
        lambda: service_record(
            document=document,
            method="carrier_pigeon",
            served_on=document.issued_on,
            actor=officer,
        ),
        document,
    )


def test_the_day_of_service_may_not_be_in_the_future(document, officer):
    messages = assert_refused(
        "served_on",
        lambda: service_record(
            document=document,
            method="post",
            served_on=datetime.date(2026, 12, 4),
            actor=officer,
        ),
        document,
    )
    assert "future" in str(messages[0])


def test_the_day_of_service_may_not_be_before_the_issue(document, officer):
    messages = assert_refused(
        "served_on",
        lambda: service_record(
            document=document,
            method="post",
            served_on=datetime.date(2026, 12, 2),
            actor=officer,
        ),
        document,
    )
    assert "2026-12-03" in str(messages[0])


def test_a_day_of_service_that_is_no_date_is_refused(document, officer):
    assert_refused(
        "served_on",
        lambda: service_record(
            document=document, method="post", served_on="2026-12-03", actor=officer
        ),
        document,
    )


def test_a_proof_that_is_not_a_scan_is_refused_and_not_stored(document, officer, evidence_dir):
    text = SimpleUploadedFile(
        "receipt.png", b"just some text, not a scan", content_type="image/png"
    )

    assert_refused(
        "proof",
        lambda: service_record(
            document=document,
            method="in_person",
            served_on=document.issued_on,
            recipient="赵六",
            proof=text,
            actor=officer,
        ),
        document,
    )
    assert not filestore.file_path(
        hashlib.sha256(b"just some text, not a scan").hexdigest()
    ).exists()


def test_electronic_service_without_a_consent_on_file_is_refused(document, officer):
    messages = assert_refused(
        "method",
        lambda: service_record(
            document=document, method="electronic", served_on=document.issued_on, actor=officer
        ),
        document,
    )
    assert "送达地址确认书" in str(messages[0])


def test_a_consent_signed_after_the_day_of_service_does_not_count(company, officer):
    clock.clock_set(to=at(2026, 11, 2), frozen=True)
    document = issue(company, officer)
    clock.clock_set(to=at(2026, 12, 3), frozen=True)
    service_consent_record(
        enterprise=company,
        channel="email",
        address="safety@example.cn",
        signed_on=datetime.date(2026, 11, 20),
        file=png("consent.png"),
        actor=officer,
    )

    assert_refused(
        "method",
        lambda: service_record(
            document=document,
            method="electronic",
            served_on=datetime.date(2026, 11, 10),
            actor=officer,
        ),
        document,
    )


def test_several_broken_rules_are_named_together(document, officer):
    with pytest.raises(Invalid) as refused:
        service_record(
            document=document,
            method="in_person",
            served_on=datetime.date(2027, 1, 1),
            proof=SimpleUploadedFile("x.png", b"", content_type="image/png"),
            actor=officer,
        )
    assert set(refused.value.errors) == {"served_on", "recipient", "proof"}


# -- services that succeed --------------------------------------------------------------------


def test_in_person_service_freezes_the_document_and_audits_the_proofs_hash(document, officer):
    record = service_record(
        document=document,
        method="in_person",
        served_on=document.issued_on,
        recipient="赵六",
        proof=png(),
        actor=officer,
    )

    stored = Document.objects.get(pk=document.pk)
    assert stored.state == Document.State.SERVED
    assert stored.served_at == clock.now()
    assert (record.served_on, record.effective_on) == (document.issued_on, document.issued_on)
    assert record.proof_sha256 == hashlib.sha256(PNG).hexdigest()
    assert record.proof_content_type == "image/png"
    assert filestore.file_path(record.proof_sha256).read_bytes() == PNG
    event = AuditEvent.objects.get(action="document_served")
    assert event.object_id == str(document.pk)
    assert event.file_hashes == [document.sha256, record.proof_sha256]
    assert event.payload["method"] == "in_person"
    assert event.payload["recipient"] == "赵六"
    assert event.target_state == "served"


def test_a_served_document_cannot_be_served_again(document, officer):
    service_record(document=document, method="post", served_on=document.issued_on, actor=officer)
    events_before = AuditEvent.objects.count()

    with pytest.raises(Conflict):
        service_record(
            document=document,
            method="in_person",
            served_on=document.issued_on,
            recipient="赵六",
            actor=officer,
        )
    assert ServiceRecord.objects.get().method == "post"
    assert AuditEvent.objects.count() == events_before


def test_left_at_premises_with_a_witness_is_served(document, officer):
    record = service_record(
        document=document,
        method="left_at_premises",
        served_on=document.issued_on,
        witness="社区工作人员孙七",
        actor=officer,
    )
    assert record.witness == "社区工作人员孙七"
    assert Document.objects.get(pk=document.pk).state == Document.State.SERVED


def test_electronic_service_with_a_consent_goes_to_its_address_and_logs_it(
    company, document, officer
):
    consent = service_consent_record(
        enterprise=company,
        channel="email",
        address="safety@example.cn",
        signed_on=datetime.date(2026, 11, 1),
        file=png("consent.png"),
        actor=officer,
    )

    record = service_record(
        document=document, method="electronic", served_on=document.issued_on, actor=officer
    )

    assert record.consent == consent
    assert record.address == "safety@example.cn"
    event = AuditEvent.objects.get(action="document_served")
    assert event.payload["address"] == "safety@example.cn"
    assert event.payload["consent_sha256"] == consent.file_sha256
    assert AuditEvent.objects.filter(action="service_consent_recorded").count() == 1


def test_a_consent_needs_its_signed_file_a_channel_and_an_address(company, officer):
    with pytest.raises(Invalid) as refused:
        service_consent_record(
            enterprise=company,
            channel="fax",
            address="",
            signed_on=datetime.date(2026, 12, 4),
            file=None,
            actor=officer,
        )
    assert set(refused.value.errors) == {"channel", "address", "signed_on", "file"}
    assert not ServiceConsent.objects.exists()


def test_public_notice_is_deemed_served_when_the_rules_period_has_passed(document, officer):
    rule = PeriodRule.objects.get(code="public_notice_wait", effective_from="2022-01-01")
    assert (rule.length, rule.unit) == (30, "calendar_days")

    record = service_record(
        document=document, method="public_notice", served_on=document.issued_on, actor=officer
    )

    # 30 days after Thursday 3 December 2026 is Saturday 2 January 2027: the period
    # ends on the next working day, as every legal period does.
    expected = period_compute(
        jurisdiction=document.jurisdiction,
        start=document.issued_on,
        length=30,
        unit="calendar_days",
    ).due
    assert record.effective_on == expected
    assert record.effective_on > datetime.date(2027, 1, 2)
    assert record.served_on == document.issued_on
    assert record.rule == rule
    event = AuditEvent.objects.get(action="document_served")
    assert event.payload["effective_on"] == expected.isoformat()
    assert event.rule_versions["public_notice_wait"].startswith("public_notice_wait@2022-01-01")


def test_a_public_notice_before_2022_waited_sixty_days(company, officer):
    clock.clock_set(to=at(2021, 8, 2), frozen=True)
    document = issue(company, officer)

    record = service_record(
        document=document,
        method="public_notice",
        served_on=datetime.date(2021, 8, 2),
        actor=officer,
    )

    assert record.rule.length == 60
    assert (
        record.effective_on
        == period_compute(
            jurisdiction=document.jurisdiction,
            start=datetime.date(2021, 8, 2),
            length=60,
            unit="calendar_days",
        ).due
    )
    assert record.effective_on >= datetime.date(2021, 10, 1)
