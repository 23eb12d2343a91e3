"""Penalty cases: opened with the disposition and the failed re-inspection, amounts within the law.

Through the API, as the people involved would, on the simulated clock of the
rectification tests (an inspection on Monday 2026-09-28).
"""

from decimal import Decimal

import pytest
from django.utils import translation

from casework.models import AuditEvent
from casework.timeline import timeline_for
from inspections.models import Finding
from penalties.models import PenaltyCase
from tests.factories import client_for, make_enterprise, make_user
from tests.inspections.test_rectification_api import Case, D, move_to

ARTICLE = "第九十七条"


@pytest.fixture
def case(db):
    scene = Case()
    scene.reviewer = make_user(role="legal_reviewer", jurisdiction="450103")
    return scene


def url(pk, suffix=""):
    return f"/api/v1/penalty-cases/{pk}/{suffix}"


def step(user, pk, name, **body):
    response = client_for(user).post(url(pk, f"transitions/{name}/"), body, format="json")
    in_step(pk)  # after every attempt, done or refused, the flow agrees with the state
    return response


def in_step(pk) -> None:
    """The case's open task is the one its state waits on (penalties.flows.WAITS_ON)."""
    from viewflow.workflow.models import Task

    from penalties.flows import WAITS_ON
    from penalties.models import CaseProcess

    case = PenaltyCase.objects.get(pk=pk)
    process = CaseProcess.objects.get(case=case)
    names = [
        t.flow_task.name
        for t in Task.objects.filter(process=process, status__in=("NEW", "ASSIGNED", "STARTED"))
    ]
    expected = WAITS_ON.get(case.state)
    assert names == ([expected] if expected else []), (case.state, names)


def writes() -> int:
    return AuditEvent.objects.count()


def stage_one(case) -> int:
    case.issue()
    finding = client_for(case.officers[0]).get(f"/api/v1/findings/{case.finding.pk}/").json()
    assert finding["penalty_case"] is not None
    in_step(finding["penalty_case"])
    return finding["penalty_case"]


def investigate(case, pk):
    assert step(case.supervisor, pk, "file").status_code == 200
    officers = [o.username for o in case.officers]
    response = step(case.officers[0], pk, "start_investigation", officers=officers)
    assert response.status_code == 200, response.content


def unit(amount, **extra):
    return {"kind": "unit", "name": "南宁示范化工有限公司", "amount": amount, **extra}


def test_the_disposition_opens_the_stage_one_case_with_the_unit_as_party(case):
    pk = stage_one(case)
    body = client_for(case.supervisor).get(url(pk)).json()
    assert (body["basis"], body["state"], body["state_label"]) == (
        "art97_stage1",
        "proposed",
        "拟立案",
    )
    assert body["findings"] == [case.finding.pk]
    assert (
        body["rectification_order"]
        == case.finding.__class__.objects.get(pk=case.finding.pk).rectification_order_id
    )
    (party,) = body["parties"]
    assert (party["kind"], party["name"]) == ("unit", "南宁示范化工有限公司")
    assert party["statutory_range"] == {
        "low": "0.00",
        "low_exclusive": True,
        "high": "100000.00",
        "article": "《安全生产法》（2021年修正）第九十七条",
    }
    # A later finding of the same inspection joins the proposed case.
    other = case.check(make_worker_id(case))
    response = client_for(case.officers[0]).post(
        f"/api/v1/findings/{other.pk}/transitions/dispose/",
        {"disposition": "order_and_penalty", "due_date": "2026-10-09"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert PenaltyCase.objects.count() == 1
    assert set(PenaltyCase.objects.get().findings.values_list("pk", flat=True)) == {
        case.finding.pk,
        other.pk,
    }


def make_worker_id(case):
    from tests.factories import make_worker
    from tests.inspections.factories import JOB

    return make_worker(enterprise=case.enterprise, job=JOB, name="王磊").id_number


def test_a_refused_disposition_opens_no_case(case):
    before = writes()
    response = client_for(case.officers[0]).post(
        f"/api/v1/findings/{case.finding.pk}/transitions/dispose/",
        {"disposition": "order_and_penalty"},
        format="json",
    )
    assert response.status_code == 400
    assert PenaltyCase.objects.count() == 0 and writes() == before


@pytest.mark.parametrize("amount", ["0", "0.00", "100000.01", "150000"])
def test_a_stage_one_fine_outside_the_law_is_refused_naming_the_article(case, amount):
    pk = stage_one(case)
    investigate(case, pk)
    before = writes()
    response = step(case.officers[0], pk, "conclude", facts="未培训上岗", parties=[unit(amount)])
    assert response.status_code == 400, response.content
    assert ARTICLE in response.json()["parties"][0]["amount"][0]
    assert writes() == before
    assert PenaltyCase.objects.get(pk=pk).state == "investigating"


def test_stage_one_below_the_threshold_goes_to_approval_without_review(case):
    pk = stage_one(case)
    investigate(case, pk)
    response = step(case.officers[0], pk, "conclude", facts="未培训上岗", parties=[unit("20000")])
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["review_required"]) == ("concluded", False)
    assert response.json()["parties"][0]["proposed_amount"] == "20000.00"
    # An officer may not approve; the supervisor does.
    assert step(case.officers[1], pk, "approve").status_code == 403
    approved = step(case.supervisor, pk, "approve")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    timeline = client_for(case.supervisor).get(url(pk, "timeline/")).json()
    assert [e["transition"] for e in timeline if e["transition"]] == [
        "file",
        "start_investigation",
        "conclude",
        "approve",
    ]
    with translation.override("zh-hans"):
        sentences = [e.sentence for e in timeline_for(obj=PenaltyCase.objects.get(pk=pk))]
    assert "南宁示范化工有限公司 20000.00 元" in sentences[3], sentences
    assert sentences[0].endswith(f"随第 {case.finding.pk} 号检查发现的处置"), sentences


def test_at_the_threshold_the_legal_review_comes_first_and_may_return_the_case(case):
    pk = stage_one(case)
    investigate(case, pk)
    response = step(case.officers[0], pk, "conclude", facts="未培训上岗", parties=[unit("50000")])
    assert response.json()["state"] == "legal_review"
    assert step(case.supervisor, pk, "approve").status_code == 409  # not before the review
    assert step(case.officers[1], pk, "pass", opinion="同意").status_code == 403
    returned = step(case.reviewer, pk, "return", opinion="补充证据")
    assert returned.status_code == 200 and returned.json()["state"] == "investigating"
    step(case.officers[0], pk, "conclude", facts="补充后", parties=[unit("50000")])
    passed = step(case.reviewer, pk, "pass", opinion="事实清楚，证据确凿")
    assert passed.status_code == 200 and passed.json()["state"] == "concluded"
    assert step(case.supervisor, pk, "approve").json()["state"] == "approved"


def test_the_failed_re_inspection_opens_the_second_stage_with_suspension(case):
    order_id = case.issue()
    case.serve(order_id)
    move_to(D(2026, 10, 10), hour=1)
    from casework.sweeps import tick_run

    tick_run()
    assert case.reinspect(order_id, rectified=False).status_code == 200
    stage2 = PenaltyCase.objects.get(basis="art97_stage2")
    assert stage2.suspension_ordered and stage2.rectification_order_id == order_id
    investigate(case, stage2.pk)
    person = {
        "kind": "person",
        "name": "王经理",
        "id_number": "450103199207150313",
        "position": "安全负责人",
        "amount": "60000",
    }
    refused = step(
        case.officers[0],
        stage2.pk,
        "conclude",
        facts="逾期未改正",
        parties=[unit("150000"), person],
    )
    assert refused.status_code == 400
    assert ARTICLE in refused.json()["parties"][1]["amount"][0]
    assert refused.json()["parties"][0] == {}
    person["amount"] = "30000"
    done = step(
        case.officers[0],
        stage2.pk,
        "conclude",
        facts="逾期未改正",
        parties=[unit("150000"), person],
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["state"] == "legal_review"  # any suspension is reviewed
    assert [p["id_number"] for p in body["parties"]] == ["", "450103********0313"]


def test_another_enterprise_gets_404_and_its_own_user_sees_the_case(case):
    pk = stage_one(case)
    stranger = make_user(role="enterprise", enterprise=make_enterprise())
    assert client_for(stranger).get(url(pk)).status_code == 404
    assert step(stranger, pk, "file").status_code == 404
    assert client_for(case.company).get(url(pk)).status_code == 200
    assert Finding.objects.get(pk=case.finding.pk).penalty_cases.count() == 1


# -- the notice, the party's periods, the decision ---------------------------------------


def approved_case(case, amount="20000") -> int:
    pk = stage_one(case)
    investigate(case, pk)
    concluded = step(case.officers[0], pk, "conclude", facts="未培训上岗", parties=[unit(amount)])
    if concluded.json()["state"] == "legal_review":
        step(case.reviewer, pk, "pass", opinion="同意")
    assert step(case.supervisor, pk, "approve").json()["state"] == "approved"
    return pk


NOTIFIED_ON = D(2026, 9, 28)


def notify(case, pk, on=NOTIFIED_ON):
    response = step(
        case.officers[0],
        pk,
        "notify",
        method="in_person",
        served_on=on.isoformat(),
        recipient="王经理",
    )
    assert response.status_code == 200, response.content
    return response.json()


def party_id(pk) -> int:
    return PenaltyCase.objects.get(pk=pk).parties.get(kind="unit").pk


def windows(pk) -> dict:
    from casework.models import Deadline

    return {
        d.kind: (d.status, d.due_date)
        for d in Deadline.objects.filter(subject_type="penalties.penaltycase", subject_id=str(pk))
    }


def test_a_statement_lowers_the_fine_and_the_decision_never_exceeds_it(case):
    pk = approved_case(case)
    notify(case, pk)
    # Served Monday 28 September: three working days, National Day in between.
    assert windows(pk)["statement_window"] == ("open", D(2026, 10, 8))
    assert "hearing_request_window" not in windows(pk)  # 20,000 yuan: no right to a hearing
    assert windows(pk)["decision"][0] == "open"

    move_to(D(2026, 9, 29))
    before = writes()
    early = step(
        case.supervisor, pk, "decide", parties=[{"party": party_id(pk), "amount": "20000"}]
    )
    # Not before the party's periods: refused by the state, in words, naming no code.
    assert early.status_code == 409, early.content
    assert early.json()["detail"] == "在“已告知”状态下不能执行“作出处罚决定”。"
    assert early.json()["state"] == "notified"
    assert writes() == before

    said = step(case.company, pk, "submit_statement", statement="已立即组织培训，请求从轻处罚")
    assert said.status_code == 200 and said.json()["state"] == "statement_review"
    assert windows(pk)["statement_window"][0] == "met"
    higher = step(
        case.supervisor,
        pk,
        "review_statement",
        opinion="陈述理由部分成立",
        parties=[{"party": party_id(pk), "amount": "25000"}],
    )
    assert higher.status_code == 400 and "20000.00" in str(higher.json()["parties"][0]["amount"])
    lowered = step(
        case.supervisor,
        pk,
        "review_statement",
        opinion="陈述理由部分成立",
        parties=[{"party": party_id(pk), "amount": "15000"}],
    )
    assert lowered.status_code == 200 and lowered.json()["state"] == "decision_pending"

    above = step(
        case.supervisor, pk, "decide", parties=[{"party": party_id(pk), "amount": "16000"}]
    )
    assert above.status_code == 400 and "15000.00" in str(above.json()["parties"][0]["amount"])
    decided = step(
        case.supervisor, pk, "decide", parties=[{"party": party_id(pk), "amount": "15000"}]
    )
    assert decided.status_code == 200 and decided.json()["state"] == "decided"
    assert windows(pk)["decision"][0] == "met"
    served = step(
        case.officers[0],
        pk,
        "serve",
        method="in_person",
        served_on="2026-09-29",
        recipient="王经理",
    )
    assert served.status_code == 200 and served.json()["state"] == "awaiting_payment"
    assert windows(pk)["payment"] == ("open", D(2026, 10, 14))  # 15 calendar days


def test_the_periods_passing_move_the_case_to_the_decision_once(case):
    from casework.sweeps import tick_run

    pk = approved_case(case)
    notify(case, pk)
    move_to(D(2026, 10, 8), hour=23)
    tick_run()
    assert PenaltyCase.objects.get(pk=pk).state == "notified"  # its whole last day
    move_to(D(2026, 10, 9), hour=0)
    tick_run()
    assert PenaltyCase.objects.get(pk=pk).state == "decision_pending"
    in_step(pk)
    events = writes()
    tick_run()
    assert writes() == events
    decided = step(
        case.supervisor, pk, "decide", parties=[{"party": party_id(pk), "amount": "20000"}]
    )
    assert decided.status_code == 200, decided.content


def test_a_hearing_may_be_requested_at_the_threshold_and_a_waiver_opens_the_decision(case):
    pk = approved_case(case, amount="50000")
    notify(case, pk)
    # 5 working days: 29, 30 September, 8, 9 October and Saturday the 10th (a make-up day)
    assert windows(pk)["hearing_request_window"] == ("open", D(2026, 10, 10))
    stranger = make_user(role="enterprise", enterprise=make_enterprise())
    assert step(stranger, pk, "request_hearing").status_code == 404
    assert step(case.officers[0], pk, "request_hearing").status_code == 403
    asked = step(case.company, pk, "request_hearing", reason="对罚款金额有异议")
    assert asked.status_code == 200 and asked.json()["state"] == "hearing_requested"


def test_a_written_waiver_lets_the_bureau_decide_at_once(case):
    pk = approved_case(case)
    notify(case, pk)
    waived = step(case.company, pk, "waive", waiver="本单位放弃陈述、申辩的权利")
    assert waived.status_code == 200 and waived.json()["state"] == "decision_pending"
    decided = step(
        case.supervisor, pk, "decide", parties=[{"party": party_id(pk), "amount": "20000"}]
    )
    assert decided.status_code == 200, decided.content
    zero = PenaltyCase.objects.get(pk=pk).parties.get().decided_amount
    assert str(zero) == "20000.00"


# -- discretion benchmarks -------------------------------------------------------------


@pytest.fixture
def benchmark(db):
    from penalties.discretion import SAMPLE, benchmarks_load

    return benchmarks_load(SAMPLE)


def test_with_a_benchmark_the_tier_is_named_and_an_amount_outside_it_needs_a_reason(
    case, benchmark
):
    assert benchmark == 9
    pk = stage_one(case)
    investigate(case, pk)
    before = writes()
    untiered = step(case.officers[0], pk, "conclude", facts="x", parties=[unit("20000")])
    assert untiered.status_code == 400 and "tier" in untiered.json()["parties"][0]
    outside = step(
        case.officers[0], pk, "conclude", facts="x", parties=[unit("20000", tier="ordinary")]
    )
    assert outside.status_code == 400
    assert "30000.00" in outside.json()["parties"][0]["outside_tier_reason"][0]
    assert writes() == before
    reasoned = step(
        case.officers[0],
        pk,
        "conclude",
        facts="x",
        parties=[unit("20000", tier="ordinary", outside_tier_reason="当场改正，酌情从轻")],
    )
    assert reasoned.status_code == 200, reasoned.content
    (party,) = reasoned.json()["parties"]
    assert (party["tier"], party["tier_label"]) == ("ordinary", "一般")
    assert party["tier_range"] == {"low": "30000.00", "high": "70000.00", "sample": True}
    assert "3至5人" in party["tier_circumstances"]
    versions = PenaltyCase.objects.get(pk=pk).rule_versions
    assert versions["discretion"] == {
        "jurisdiction": "national",
        "effective_from": "2021-09-01",
        "sample": True,
    }


def test_a_benchmark_file_with_a_tier_outside_the_law_is_refused_whole(db, tmp_path):
    from casework.exceptions import Invalid
    from penalties.discretion import COLUMNS, benchmarks_load
    from penalties.models import DiscretionTier

    bad = tmp_path / "bad.csv"
    bad.write_text(
        ",".join(COLUMNS)
        + "\n,2026-01-01,art97_stage1,unit,lighter,1000,30000,x,test,no"
        + "\n,2026-01-01,art97_stage1,unit,heavier,70000,120000,x,test,no\n",
        encoding="utf-8",
    )
    with pytest.raises(Invalid) as refused:
        benchmarks_load(bad)
    assert refused.value.errors == {"low": ["第 3 行：该档次超出法定罚款幅度。"]}
    assert DiscretionTier.objects.count() == 0


def test_on_the_spot_an_organisation_is_fined_at_most_3000_yuan(case):
    pk = stage_one(case)
    before = writes()
    over = step(case.officers[0], pk, "decide_on_spot", facts="1人未培训上岗", amount="3001")
    assert over.status_code == 400
    assert "第五十一条" in over.json()["amount"][0] and "3,000" in over.json()["amount"][0]
    assert writes() == before
    assert step(case.supervisor, pk, "decide_on_spot", facts="x", amount="2000").status_code == 403
    done = step(case.officers[0], pk, "decide_on_spot", facts="1人未培训上岗", amount="3000")
    assert done.status_code == 200 and done.json()["state"] == "decided"
    assert PenaltyCase.objects.get(pk=pk).parties.get().decided_amount == Decimal("3000")


def test_stage_two_with_a_hearing_and_the_legal_review_after_it(case):
    from casework.sweeps import tick_run

    order_id = case.issue()
    case.serve(order_id)
    move_to(D(2026, 10, 10), hour=1)
    tick_run()
    assert case.reinspect(order_id, rectified=False).status_code == 200
    pk = PenaltyCase.objects.get(basis="art97_stage2").pk
    investigate(case, pk)
    person = {
        "kind": "person",
        "name": "王经理",
        "id_number": "450103199207150313",
        "amount": "30000",
    }
    step(case.officers[0], pk, "conclude", facts="逾期未改正", parties=[unit("150000"), person])
    assert step(case.reviewer, pk, "pass", opinion="同意").json()["state"] == "concluded"
    assert step(case.supervisor, pk, "approve").json()["state"] == "approved"
    move_to(D(2026, 10, 12))
    notify(case, pk, on=D(2026, 10, 12))
    asked = step(case.company, pk, "request_hearing", reason="对罚款有异议")
    assert asked.json()["state"] == "hearing_requested"

    presider = make_user(role="supervisor", jurisdiction="450103")
    investigator = case.officers[0]
    refused = step(
        case.supervisor,
        pk,
        "schedule_hearing",
        hearing_on="2026-10-30",
        notice_served_on="2026-10-12",
        presider=investigator.username,
    )
    assert refused.status_code == 403  # who investigated may not preside
    early = step(
        case.supervisor,
        pk,
        "schedule_hearing",
        hearing_on="2026-10-20",
        notice_served_on="2026-10-12",
        presider=presider.username,
    )
    assert early.status_code == 400 and "2026-10-21" in early.json()["hearing_on"][0]
    scheduled = step(
        case.supervisor,
        pk,
        "schedule_hearing",
        hearing_on="2026-10-21",
        notice_served_on="2026-10-12",
        presider=presider.username,
    )
    assert scheduled.json()["state"] == "hearing_scheduled"
    move_to(D(2026, 10, 21))
    assert step(case.supervisor, pk, "hold_hearing", record="x").status_code == 403
    held = step(presider, pk, "hold_hearing", record="当事人陈述：已部分整改。")
    assert held.json()["state"] == "hearing_held"
    sent = step(case.officers[0], pk, "send_to_review")
    assert sent.json()["state"] == "post_hearing_review"
    assert step(case.supervisor, pk, "decide", parties=[]).status_code == 409
    passed = step(case.reviewer, pk, "pass", opinion="听证后维持")
    assert passed.json()["state"] == "decision_pending"
    parties = PenaltyCase.objects.get(pk=pk).parties.all()
    amounts = [{"party": p.pk, "amount": str(p.notified_amount)} for p in parties]
    decided = step(case.supervisor, pk, "decide", parties=amounts)
    assert decided.status_code == 200 and decided.json()["state"] == "decided"
