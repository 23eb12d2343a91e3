"""The workbench: each staff member's home, with what needs them, in a fixed number of queries."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework import clock
from inspections.models import Finding
from inspections.services import worker_check_record
from tests.factories import (
    make_enterprise,
    make_inspection,
    make_started_inspection,
    make_user,
    make_worker,
)


def workbench_of(login, user, language="zh-hans"):
    client = login(user)
    client.cookies["django_language"] = language
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/inspections/workbench/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_an_officer_sees_today_their_inspections_findings_and_barred_workers(login, db):
    enterprise = make_enterprise(jurisdiction="450103", name="南宁青秀化工有限公司")
    officers = [
        make_user(role="officer", jurisdiction="450103", full_name=n) for n in ("张伟", "刘洋")
    ]
    make_inspection(enterprise=enterprise, officers=officers, planned_on=clock.today())
    started = make_started_inspection(enterprise=enterprise, officers=officers)
    worker = make_worker(enterprise=enterprise, name="李强", job="化工操作工")
    worker_check_record(
        inspection=started, actor=officers[0], id_number=worker.id_number, job="化工操作工"
    )
    other = make_user(role="officer", jurisdiction="450103", full_name="赵磊")

    page, _queries = workbench_of(login, officers[0])

    assert "今日：计划 1 次现场检查" in page
    assert "1 次现场检查正在进行" in page
    assert "李强（化工操作工）：未经岗位安全培训" in page
    assert f"李强（{worker.masked_id_number}，化工操作工）" in page
    assert "执法人员工作量" not in page  # officers see their own work
    # Another officer is not on these inspections: nothing of them in their "today".
    assert "今日：计划 0 次现场检查" in workbench_of(login, other)[0]


def test_a_city_supervisor_sees_counts_per_district_and_each_officers_workload(login, db):
    district = make_enterprise(jurisdiction="450103")
    county = make_enterprise(jurisdiction="450123")
    zhang = make_user(role="officer", jurisdiction="450103", full_name="张伟")
    liu = make_user(role="officer", jurisdiction="450103", full_name="刘洋")
    yang = make_user(role="officer", jurisdiction="450123", full_name="杨帆")
    zhou = make_user(role="officer", jurisdiction="450123", full_name="周静")
    make_started_inspection(enterprise=district, officers=[zhang, liu])
    make_inspection(enterprise=county, officers=[yang, zhou])
    city = make_user(role="supervisor", jurisdiction="450100")

    page, first = workbench_of(login, city, "en")

    assert (
        "By district or county" in page
        and "Officers&#x27; workload" in page
        or "Officers' workload" in page
    )
    assert "青秀区" in page and "隆安县" in page
    for name in ("张伟", "刘洋", "杨帆", "周静"):
        assert name in page
    # More cases, the same number of queries.
    for _ in range(5):
        make_started_inspection(enterprise=county, officers=[yang, zhou])
    _page, again = workbench_of(login, city, "en")
    assert again == first


def test_a_missed_and_an_at_risk_deadline_are_red_and_amber(login, db):
    from django.utils import timezone

    from casework.deadlines import deadline_open
    from inspections.workbench import _next_working_day

    enterprise = make_enterprise(jurisdiction="450103", name="南宁青秀化工有限公司")
    officers = [make_user(role="officer", jurisdiction="450103") for _ in range(2)]
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    today = clock.today()

    def opened(start: datetime.date, due=None):
        return deadline_open(
            kind="payment",
            subject=inspection,
            jurisdiction=enterprise.jurisdiction,
            enterprise=enterprise,
            start_event="served",
            started_at=timezone.make_aware(datetime.datetime.combine(start, datetime.time(9))),
            due_date=due,
        )

    missed = opened(today - datetime.timedelta(days=90))
    at_risk = opened(today - datetime.timedelta(days=1), due=_next_working_day(None, today))
    opened(today)  # due in weeks: neither

    page, _ = workbench_of(login, make_user(role="supervisor", jurisdiction="450103"), "en")

    assert (
        f'cw-todo--overdue">Missed: due {missed.due_date:%Y-%m-%d} · 南宁青秀化工有限公司' in page
    )
    assert f'cw-todo--soon">Due {at_risk.due_date:%Y-%m-%d}, within a working day' in page
    assert page.count('class="cw-todo cw-todo--') == 2


def cells(page: str, first: str) -> list[str]:
    """The cells of the table row that starts with ``first``."""
    row = re.search(rf"<tr><td>{first}</td>(.*?)</tr>", page)
    assert row, first
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))


def test_open_findings_are_counted_once_per_district_and_for_each_officer(login, db):
    district = make_enterprise(jurisdiction="450103")
    county = make_enterprise(jurisdiction="450123")
    zhang = make_user(role="officer", jurisdiction="450103", full_name="张伟")
    liu = make_user(role="officer", jurisdiction="450103", full_name="刘洋")
    yang = make_user(role="officer", jurisdiction="450123", full_name="杨帆")
    zhou = make_user(role="officer", jurisdiction="450123", full_name="周静")
    here = make_started_inspection(enterprise=district, officers=[zhang, liu])
    there = make_started_inspection(enterprise=county, officers=[yang, zhou])
    for inspection, officer, workers in ((here, zhang, 2), (there, yang, 1)):
        for _i in range(workers):
            worker = make_worker(enterprise=inspection.enterprise, job="化工操作工")
            worker_check_record(
                inspection=inspection, actor=officer, id_number=worker.id_number, job=worker.job
            )
    city = make_user(role="supervisor", jurisdiction="450100")

    page, _queries = workbench_of(login, city)

    open_here = Finding.objects.filter(inspection=here, state="open").count()
    open_there = Finding.objects.filter(inspection=there, state="open").count()
    assert open_here > open_there > 0
    assert cells(page, "青秀区")[2] == str(open_here)
    assert cells(page, "隆安县")[2] == str(open_there)
    for name, count in (("张伟", open_here), ("刘洋", open_here), ("杨帆", open_there)):
        assert cells(page, name)[-1] == str(count), name
    assert f"{open_here + open_there} 项未办结的检查发现" in page


def test_an_officers_overdue_items_are_late_inspections_and_orders_past_a_period(login, db):
    from casework.sweeps import tick_run
    from tests.inspections.test_rectification_api import Case, D, move_to

    case = Case()
    officer = case.officers[0]
    officer.first_name, officer.last_name = "张伟", ""
    officer.save()
    order_id = case.issue()
    case.serve(order_id)
    make_inspection(enterprise=case.enterprise, officers=case.officers, planned_on=D(2026, 10, 12))
    move_to(D(2026, 10, 10), hour=1)
    tick_run()  # the due date passed: re-inspection due by 20 October
    page, _queries = workbench_of(login, case.supervisor)
    assert cells(page, "张伟")[0] == "0"

    move_to(D(2026, 10, 21))
    tick_run()  # the re-inspection period passed; the inspection of the 12th never started
    page, _queries = workbench_of(login, case.supervisor)
    assert cells(page, "张伟")[0] == "2"
    assert 'class="cw-cell--overdue">2<' in page
