"""The rectification order through the API alone, on the simulated clock and the sweep.

The inspection takes place on Monday 2026-09-28; National Day's holiday runs
from 1 to 7 October 2026 and Saturday 10 October is a make-up working day.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework import clock
from casework.audit import audit_verify
from casework.models import AuditEvent, Deadline
from casework.sweeps import tick_run
from inspections.models import Finding, RectificationOrder
from inspections.orders import due_date_proposed
from inspections.services import worker_check_record
from registry.models import Worker
from tests.factories import (
    client_for,
    make_enterprise,
    make_started_inspection,
    make_trainer,
    make_training,
    make_user,
    make_worker,
    valid_id_number,
)
from tests.inspections.factories import JOB

D = datetime.date
INSPECTED_ON = D(2026, 9, 28)
DUE = D(2026, 10, 9)  # the Friday after National Day
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def move_to(day: D, hour: int = 9) -> None:
    clock.clock_set(
        to=timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))), frozen=True
    )


def url(order_id, suffix="") -> str:
    return f"/api/v1/rectification-orders/{order_id}/{suffix}"


def act(user, order_id, name, **body):
    return client_for(user).post(url(order_id, f"transitions/{name}/"), body, format="json")


def read(user, order_id) -> dict:
    response = client_for(user).get(url(order_id))
    assert response.status_code == 200, response.content
    return response.json()


def writes() -> int:
    return AuditEvent.objects.count()


class Case:
    """An inspection in progress at a plant, with one untrained worker found on site."""

    def __init__(self):
        move_to(INSPECTED_ON)
        self.enterprise = make_enterprise(name="南宁示范化工有限公司")
        # Born in another year than the sequence's workers: their numbers never meet.
        trainer_id = valid_id_number(900, born="19800101")
        trainer = make_worker(enterprise=self.enterprise, id_number=trainer_id, job=JOB)
        make_trainer(enterprise=self.enterprise, id_number=trainer.id_number, job=JOB)
        self.officers = [make_user(role="officer", jurisdiction="450103") for _ in range(2)]
        self.supervisor = make_user(role="supervisor", jurisdiction="450103")
        self.company = make_user(role="enterprise", enterprise=self.enterprise)
        self.inspection = make_started_inspection(
            enterprise=self.enterprise, officers=self.officers
        )
        self.worker = make_worker(enterprise=self.enterprise, job=JOB, name="李强")
        self.finding = self.check(self.worker.id_number)

    def check(self, id_number) -> Finding:
        return worker_check_record(
            inspection=self.inspection, actor=self.officers[0], id_number=id_number, job=JOB
        ).finding

    def issue(self, due=DUE) -> int:
        response = client_for(self.officers[0]).post(
            f"/api/v1/findings/{self.finding.pk}/transitions/dispose/",
            {"disposition": "order_and_penalty", "due_date": due.isoformat()},
            format="json",
        )
        assert response.status_code == 200, response.content
        return response.json()["rectification_order"]

    def serve(self, order_id, on=INSPECTED_ON):
        response = act(
            self.officers[0],
            order_id,
            "serve",
            method="in_person",
            served_on=on.isoformat(),
            recipient="王经理",
        )
        assert response.status_code == 200, response.content
        return response.json()

    def train(self):
        """The worker is trained and assessed after the inspection."""
        make_training(
            enterprise=self.enterprise,
            id_number=self.worker.id_number,
            job=JOB,
            assessed_on=D(2026, 10, 8),
        )

    def reinspect(self, order_id, rectified=True, **extra):
        return act(
            self.officers[1],
            order_id,
            "record_reinspection",
            rectified=rectified,
            officers=[o.username for o in self.officers],
            notes="现场复查",
            **extra,
        )


@pytest.fixture
def case(db):
    return Case()


def open_clocks(order_id) -> dict[str, Deadline]:
    return {
        d.kind: d
        for d in Deadline.objects.filter(
            subject_type="inspections.rectificationorder",
            subject_id=str(order_id),
            status=Deadline.Status.OPEN,
        )
    }


# --- issued with the disposition -------------------------------------------------------


def test_a_disposition_issues_the_order_and_the_finding_names_it(case):
    order_id = case.issue()

    order = read(case.officers[1], order_id)
    assert (order["state"], order["state_label"]) == ("issued", "已下达")
    assert order["due_date"] == DUE.isoformat()
    assert order["findings"] == [case.finding.pk]
    assert order["barred_workers"][0]["name"] == "李强"
    assert order["barred_workers"][0]["barred"] is True
    assert "*" in order["barred_workers"][0]["id_number"]
    finding = client_for(case.officers[0]).get(f"/api/v1/findings/{case.finding.pk}/").json()
    assert finding["rectification_order"] == order_id
    # No clock runs before the order is served.
    assert open_clocks(order_id) == {}


def test_a_later_finding_joins_the_unserved_order_and_a_served_one_is_not_changed(case):
    order_id = case.issue()
    other = make_worker(enterprise=case.enterprise, job=JOB, name="赵六")
    case.finding = case.check(other.id_number)
    assert case.issue(due=D(2026, 10, 16)) == order_id
    order = read(case.officers[0], order_id)
    assert len(order["findings"]) == 2
    assert order["due_date"] == "2026-10-16"  # the date chosen last, before service

    case.serve(order_id)
    third = make_worker(enterprise=case.enterprise, job=JOB, name="孙七")
    case.finding = case.check(third.id_number)
    second_order = case.issue()
    assert second_order != order_id
    assert len(read(case.officers[0], order_id)["findings"]) == 2
    assert RectificationOrder.objects.filter(inspection=case.inspection).count() == 2


def test_the_form_proposes_a_due_date_counted_in_working_days_across_national_day(case):
    # 15 working days after Monday 28 September: the holiday is skipped and the
    # make-up Saturday of 10 October counts.
    assert due_date_proposed(enterprise=case.enterprise, served_on=INSPECTED_ON) == D(2026, 10, 23)
    finding = client_for(case.officers[0]).get(f"/api/v1/findings/{case.finding.pk}/").json()
    assert finding["proposed_due_date"] == "2026-10-23"


def test_a_due_date_beyond_the_longest_period_is_refused_and_writes_nothing(case):
    before = writes()
    response = client_for(case.officers[0]).post(
        f"/api/v1/findings/{case.finding.pk}/transitions/dispose/",
        {"disposition": "order_and_penalty", "due_date": "2027-06-30"},
        format="json",
    )
    assert response.status_code == 400
    assert "due_date" in response.json()
    assert writes() == before
    assert not RectificationOrder.objects.exists()


def test_post_issues_an_order_for_open_findings(case):
    response = client_for(case.officers[0]).post(
        "/api/v1/rectification-orders/",
        {"findings": [case.finding.pk], "due_date": DUE.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["findings"] == [case.finding.pk]
    case.finding.refresh_from_db()
    assert case.finding.disposition == "order_and_penalty"


# --- service and the clocks --------------------------------------------------------------


def test_service_starts_the_enterprise_clock_from_the_service_date(case):
    order_id = case.issue()
    order = case.serve(order_id)
    assert order["state"] == "in_rectification"
    assert order["service_method_label"] == "直接送达"
    clock_row = open_clocks(order_id)["rectification"]
    assert (clock_row.start_date, clock_row.due_date, clock_row.party_facing) == (
        INSPECTED_ON,
        DUE,
        True,
    )
    # Working days left after 28 September until 9 October: 29, 30 September, 8, 9 October.
    assert order["working_days_left"] == 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"method": "in_person", "served_on": "2026-09-28"}, "recipient"),
        ({"method": "left_at_premises", "served_on": "2026-09-28"}, "witness"),
        ({"method": "electronic", "served_on": "2026-09-28"}, "method"),
        ({"method": "in_person", "served_on": "2026-09-29", "recipient": "王"}, "served_on"),
        ({"method": "post", "served_on": "2026-02-30"}, "served_on"),
    ],
)
def test_a_bad_service_names_the_field_and_writes_nothing(case, body, field):
    order_id = case.issue()
    before = writes()
    response = act(case.officers[0], order_id, "serve", **body)
    assert response.status_code == 400
    assert field in response.json()
    assert writes() == before
    assert read(case.officers[0], order_id)["state"] == "issued"
    assert open_clocks(order_id) == {}


def test_on_time_report_then_verified_clears_the_worker(case):
    order_id = case.issue()
    case.serve(order_id)
    upload = client_for(case.company).post(
        url(order_id, "files/"),
        {"file": SimpleUploadedFile("roster.png", PNG, content_type="image/png")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    move_to(D(2026, 10, 8))
    case.train()
    response = act(
        case.company,
        order_id,
        "report_completion",
        summary="李强已参加岗位安全培训并考核合格",
        evidence=[upload.json()["id"]],
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "completion_reported"
    clocks = open_clocks(order_id)
    assert set(clocks) == {"reinspection"}
    assert clocks["reinspection"].due_date == D(2026, 10, 19)  # 10 calendar days: 18 is a Sunday
    assert Deadline.objects.get(kind="rectification").status == "met"

    move_to(D(2026, 10, 12))
    response = case.reinspect(order_id)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["rectified"]) == ("verified", True)
    assert body["barred_workers"][0]["barred"] is False
    case.worker.refresh_from_db()
    assert case.worker.barred_from_duty is False
    assert open_clocks(order_id) == {}
    assert act(case.officers[0], order_id, "close").json()["state"] == "closed"
    assert audit_verify().ok


def test_late_the_sweep_moves_the_order_once(case):
    order_id = case.issue()
    case.serve(order_id)
    move_to(DUE, hour=23)
    tick_run()
    assert read(case.officers[0], order_id)["state"] == "in_rectification"  # its whole last day

    move_to(D(2026, 10, 10), hour=0)
    tick_run()
    order = read(case.officers[0], order_id)
    assert order["state"] == "reinspection_due"
    events = writes()
    tick_run()
    assert read(case.officers[0], order_id)["version"] == order["version"]
    assert writes() == events
    assert open_clocks(order_id)["reinspection"].due_date == D(2026, 10, 20)

    response = case.reinspect(order_id, rectified=False)
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["escalation_owed"]) == (
        "not_rectified",
        True,
    )
    case.worker.refresh_from_db()
    assert case.worker.barred_from_duty is True
    assert audit_verify().ok


def test_rectified_is_refused_while_a_barred_worker_is_still_unqualified(case):
    order_id = case.issue()
    case.serve(order_id)
    move_to(D(2026, 10, 12))
    tick_run()
    before = writes()
    response = case.reinspect(order_id)
    assert response.status_code == 400
    assert "李强" in response.json()["rectified"][0]
    assert writes() == before
    case.worker.refresh_from_db()
    assert case.worker.barred_from_duty is True

    response = case.reinspect(
        order_id,
        departed=[{"id_number": case.worker.id_number, "reason": "已调离该岗位"}],
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "verified"


def test_an_extension_granted_moves_the_due_date(case):
    order_id = case.issue()
    case.serve(order_id)
    move_to(D(2026, 9, 30))
    response = act(
        case.company,
        order_id,
        "request_extension",
        requested_due_date="2026-10-23",
        reason="培训机构因国庆假期停课",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "extension_requested"
    clocks = open_clocks(order_id)
    assert clocks["rectification"].suspended_on == D(2026, 9, 30)
    # The bureau answers within 5 working days: 8, 9, 10, 12, 13 October.
    assert clocks["extension_answer"].due_date == D(2026, 10, 13)

    # The due date passes while the bureau decides: the sweep leaves the order alone.
    move_to(D(2026, 10, 12))
    tick_run()
    assert read(case.officers[0], order_id)["state"] == "extension_requested"

    response = act(
        case.supervisor,
        order_id,
        "decide_extension",
        granted=True,
        new_due_date="2026-10-23",
        reason="理由成立",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["due_date"]) == (
        "in_rectification",
        "2026-10-23",
    )
    clocks = open_clocks(order_id)
    assert set(clocks) == {"rectification"}
    assert (clocks["rectification"].due_date, clocks["rectification"].suspended_on) == (
        D(2026, 10, 23),
        None,
    )


def test_an_extension_refused_gives_back_the_days_that_were_left(case):
    order_id = case.issue()
    case.serve(order_id)
    move_to(D(2026, 9, 30))
    act(case.company, order_id, "request_extension", requested_due_date="2026-10-23", reason="x")
    move_to(D(2026, 10, 9))
    response = act(
        case.supervisor, order_id, "decide_extension", granted=False, reason="不属于不可抗力"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "in_rectification"
    # Left on 30 September: 30 September, 8 and 9 October (3 working days), counted again
    # from 9 October: 10, 12, 13 October.
    assert body["due_date"] == "2026-10-13"
    assert open_clocks(order_id)["rectification"].due_date == D(2026, 10, 13)


def test_withdraw_stops_every_clock(case):
    order_id = case.issue()
    case.serve(order_id)
    response = act(case.supervisor, order_id, "withdraw", reason="复议撤销")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "withdrawn"
    assert open_clocks(order_id) == {}
    assert Deadline.objects.get(kind="rectification").status == "cancelled"


# --- who may do what ----------------------------------------------------------------------


def test_another_enterprise_gets_404_for_the_order_and_its_files(case):
    order_id = case.issue()
    case.serve(order_id)
    stranger = make_user(role="enterprise", enterprise=make_enterprise())
    before = writes()
    assert client_for(stranger).get(url(order_id)).status_code == 404
    assert client_for(stranger).get(url(order_id, "files/")).status_code == 404
    response = act(stranger, order_id, "report_completion", summary="x")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}
    assert client_for(stranger).get("/api/v1/rectification-orders/").json()["count"] == 0
    assert writes() == before


def test_an_officer_deciding_an_extension_gets_403_and_writes_nothing(case):
    order_id = case.issue()
    case.serve(order_id)
    act(case.company, order_id, "request_extension", requested_due_date="2026-10-23", reason="x")
    before = writes()
    response = act(
        case.officers[0],
        order_id,
        "decide_extension",
        granted=True,
        new_due_date="2026-10-23",
        reason="x",
    )
    assert response.status_code == 403
    assert writes() == before
    assert read(case.officers[0], order_id)["state"] == "extension_requested"


def test_a_stale_version_gets_409_and_writes_nothing(case):
    order_id = case.issue()
    version = read(case.officers[0], order_id)["version"]
    case.serve(order_id)
    before = writes()
    response = act(case.supervisor, order_id, "withdraw", reason="x", version=version)
    assert response.status_code == 409
    assert response.json()["state"] == "in_rectification"
    assert writes() == before


def test_an_enterprise_may_not_serve_nor_reinspect_and_staff_may_not_report(case):
    order_id = case.issue()
    assert (
        act(case.company, order_id, "serve", method="post", served_on="2026-09-28").status_code
        == 403
    )
    case.serve(order_id)
    assert act(case.officers[0], order_id, "report_completion", summary="x").status_code == 403
    names = {t["name"] for t in client_for(case.company).get(url(order_id, "transitions/")).json()}
    assert names == {"request_extension", "report_completion"}


def test_the_list_filters_by_state_and_enterprise_text(case):
    order_id = case.issue()
    client = client_for(case.supervisor)
    assert [
        o["id"] for o in client.get("/api/v1/rectification-orders/?state=issued").json()["results"]
    ] == [order_id]
    assert client.get("/api/v1/rectification-orders/?state=verified").json()["count"] == 0
    assert client.get("/api/v1/rectification-orders/?q=示范化工").json()["count"] == 1
    assert client.get("/api/v1/rectification-orders/?q=别家").json()["count"] == 0


def test_an_unregistered_person_stays_barred_in_the_order_until_verified(case):
    stranger_id = valid_id_number(777)
    case.finding = case.check(stranger_id)
    order_id = case.issue()
    barred = read(case.officers[0], order_id)["barred_workers"]
    assert [w["barred"] for w in barred] == [True]
    assert not Worker.objects.filter(id_number=stranger_id).exists()


# --- documents --------------------------------------------------------------------------


def test_the_order_document_is_numbered_served_and_reads_in_chinese(case):
    import io

    from pypdf import PdfReader

    order_id = case.issue()
    issued = read(case.officers[0], order_id)["documents"]
    assert [d["kind"] for d in issued] == ["rectification_order"]
    assert issued[0]["state"] == "issued"
    case.serve(order_id)
    documents = {d["kind"]: d for d in read(case.officers[0], order_id)["documents"]}
    assert set(documents) == {"rectification_order", "service_receipt"}
    order_document = documents["rectification_order"]
    assert order_document["state"] == "served"
    assert order_document["number"] == "青应急责改〔2026〕1号"
    assert order_document["kind_label"] == "责令限期整改指令书"

    pdf = client_for(case.company).get(order_document["file"])
    assert pdf.status_code == 200
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages
    )
    for expected in ("南宁示范化工有限公司", "2026年10月9日", "青应急责改〔2026〕1号", "李强"):
        assert expected in text.replace("\n", "")


def test_the_reinspection_issues_its_opinion(case):
    order_id = case.issue()
    case.serve(order_id)
    move_to(D(2026, 10, 12))
    tick_run()
    assert case.reinspect(order_id, rectified=False).status_code == 200
    kinds = [d["kind"] for d in read(case.officers[0], order_id)["documents"]]
    assert kinds == ["rectification_order", "service_receipt", "rectification_review"]


def test_a_refused_service_leaves_the_order_document_unserved_and_no_receipt(case):
    order_id = case.issue()
    response = act(case.officers[0], order_id, "serve", method="electronic", served_on="2026-09-28")
    assert response.status_code == 400
    assert "method" in response.json()
    documents = read(case.officers[0], order_id)["documents"]
    assert [(d["kind"], d["state"]) for d in documents] == [("rectification_order", "issued")]
