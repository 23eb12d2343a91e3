"""The rectification order's pages: the staff list and page, the enterprise's portal page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casework.sweeps import tick_run
from inspections.models import RectificationOrder
from tests.factories import client_for, make_enterprise, make_user
from tests.inspections.test_rectification_api import DUE, PNG, Case, D, move_to


@pytest.fixture
def case(db):
    return Case()


def test_the_staff_list_finds_the_order_by_state_and_enterprise(case, login):
    order_id = case.issue()
    client = login(case.supervisor)

    page = client.get("/inspections/orders/").content.decode()
    assert f'href="/inspections/orders/{order_id}/"' in page
    assert "南宁示范化工有限公司" in page
    assert "已下达" in page
    assert ">issued<" not in page  # the code stays in the filter's option values only
    assert 'id="count">1 ' in page
    none = client.get("/inspections/orders/?state=verified").content.decode()
    assert f'href="/inspections/orders/{order_id}/"' not in none


def test_an_officer_serves_the_order_on_its_page_and_the_timeline_says_so(case, login):
    order_id = case.issue()
    case.officers[0].first_name = "张伟"
    case.officers[0].save()
    client = login(case.officers[0])
    page = client.get(f"/inspections/orders/{order_id}/").content.decode()
    assert 'id="transition-serve"' in page and "data-turbo-confirm" in page

    response = client.post(
        f"/inspections/orders/{order_id}/",
        {
            "transition": "serve",
            "version": "0",
            "serve-method": "in_person",
            "serve-served_on": "2026-09-28",
            "serve-recipient": "王经理",
        },
    )
    assert response.status_code == 302
    assert RectificationOrder.objects.get(pk=order_id).state == "in_rectification"
    page = client.get(f"/inspections/orders/{order_id}/").content.decode()
    assert "整改中" in page
    assert "张伟 于 2026-09-28 送达整改指令（直接送达），签收人 王经理" in page
    assert "整改期限" in page  # the clock, by its label
    assert "责令限期整改指令书" in page and "文书送达回执" in page  # the documents, by kind


def test_a_bad_service_on_the_page_says_why_beside_the_field(case, login):
    order_id = case.issue()
    client = login(case.officers[0])
    response = client.post(
        f"/inspections/orders/{order_id}/",
        {
            "transition": "serve",
            "version": "0",
            "serve-method": "in_person",
            "serve-served_on": "2026-09-28",
        },
    )
    assert response.status_code == 200
    assert "直接送达须填写签收人" in response.content.decode()
    assert RectificationOrder.objects.get(pk=order_id).state == "issued"


def test_the_enterprise_sends_files_and_reports_completion_in_the_portal(case, login):
    order_id = case.issue()
    client = login(case.company, url="/portal/login/")
    # Not yet served: the enterprise has not been told.
    assert client.get(f"/portal/orders/{order_id}/").status_code == 404
    case.serve(order_id)
    page = client.get(f"/portal/orders/{order_id}/").content.decode()
    assert f"<strong>{DUE:%Y-%m-%d} 前</strong>" in page and "个工作日" in page
    assert "李强" in page
    assert "责令限期整改指令书" in page  # served: the enterprise may download it
    assert (
        'rows="4" required="required" aria-describedby="id_report_completion-summary_helptext"'
        in page
    )

    sent = client.post(
        f"/portal/orders/{order_id}/",
        {
            "transition": "upload",
            "file": SimpleUploadedFile("roster.png", PNG, content_type="image/png"),
        },
    )
    assert sent.status_code == 302
    reported = client.post(
        f"/portal/orders/{order_id}/",
        {
            "transition": "report_completion",
            "version": str(RectificationOrder.objects.get(pk=order_id).version),
            "report_completion-summary": "已完成培训",
        },
    )
    assert reported.status_code == 302
    order = RectificationOrder.objects.get(pk=order_id)
    assert order.state == "completion_reported"
    assert [f.original_name for f in order.completion_files.all()] == ["roster.png"]
    page = client.get(f"/portal/orders/{order_id}/").content.decode()
    assert "报告整改完成" in page
    for officer in case.officers:
        assert officer.username not in page
    move_to(D(2026, 10, 8))
    case.train()
    assert case.reinspect(order_id).status_code == 200
    page = client.get(f"/portal/orders/{order_id}/").content.decode()
    assert "经复查已整改" in page
    assert f"<strong>{DUE:%Y-%m-%d} 前</strong>" not in page  # no "by" date over a finished order


def test_another_enterprise_and_staff_get_404_on_the_portal_order(case, login):
    order_id = case.issue()
    case.serve(order_id)
    stranger = make_user(role="enterprise", enterprise=make_enterprise())
    assert (
        login(stranger, url="/portal/login/").get(f"/portal/orders/{order_id}/").status_code == 404
    )
    assert login(case.officers[0]).get(f"/portal/orders/{order_id}/").status_code == 404


def test_the_inspection_page_lists_its_record_and_the_order_page_says_who_acts_next(case, login):
    order_id = case.issue()
    recorded = client_for(case.officers[0]).post(
        f"/api/v1/inspections/{case.inspection.pk}/transitions/record/",
        {"signed_by": "王经理"},
        format="json",
    )
    assert recorded.status_code == 200, recorded.content
    client = login(case.officers[0])
    page = client.get(f"/inspections/{case.inspection.pk}/").content.decode()
    documents = page[page.index('id="documents"') : page.index('id="evidence"')]
    assert "现场检查记录" in documents and "〔2026〕1号" in documents

    order_page = client.get(f"/inspections/orders/{order_id}/").content.decode()
    assert '<dd id="next-step">送达整改指令书 · ' in order_page
    case.serve(order_id)
    order_page = client.get(f"/inspections/orders/{order_id}/").content.decode()
    assert '<dd id="next-step">等待企业答复或整改期限届满 · 南宁示范化工有限公司' in order_page


def test_the_reinspection_sentence_names_the_actor_once(case, login):
    order_id = case.issue()
    case.serve(order_id)
    for officer, name in zip(case.officers, ["张伟", "刘洋"], strict=True):
        officer.first_name, officer.last_name = name, ""
        officer.save()
    move_to(D(2026, 10, 12))
    case.train()
    assert case.reinspect(order_id, rectified=True).status_code == 409  # not reported, not due
    tick_run()
    assert case.reinspect(order_id, rectified=True).status_code == 200
    page = login(case.supervisor).get(f"/inspections/orders/{order_id}/").content.decode()
    assert "刘洋 会同 张伟 复查：已整改" in page
    assert "刘洋 会同 张伟、刘洋" not in page
