"""The API keeps its codes and says beside them, in the caller's language, what they mean."""

import csv
import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation

from casework.deadlines import deadline_open
from casework.labels import DEADLINE_KINDS, deadline_kind_label
from casework.models import DeadlineEntry
from tests.factories import client_for, make_inspection, make_started_inspection

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
RULE_CODES = {
    "statement_window": "陈述申辩期限",
    "hearing_request_window": "听证申请期限",
    "hearing_notice": "听证通知期限",
    "extension_answer": "延期申请答复期限",
    "rectification": "整改期限",
    "reinspection": "复查期限",
    "decision": "处罚决定期限",
    "service": "送达期限",
    "publication": "行政处罚信息公示期限",
    "retraction": "撤回公示期限",
    "payment": "罚款缴纳期限",
    "demand_wait": "催告等待期",
    "enforcement_window": "申请强制执行期限",
    "quarterly_report": "季度报表报送期限",
}


def rule_codes_of_the_calendar_data() -> set[str]:
    path = Path(settings.BASE_DIR) / "casework" / "calendar_data" / "period-rules.csv"
    with path.open(encoding="utf-8") as rows:
        return {row["code"] for row in csv.DictReader(rows)}


def test_every_rule_code_of_the_calendar_data_has_a_label_in_both_languages():
    codes = rule_codes_of_the_calendar_data()
    assert set(RULE_CODES) <= codes
    assert codes <= set(DEADLINE_KINDS)
    for code, chinese in RULE_CODES.items():
        with translation.override("zh-hans"):
            assert deadline_kind_label(code) == chinese
        with translation.override("en"):
            english = deadline_kind_label(code)
        assert english != code and "_" not in english and english.isascii()


def test_an_unknown_deadline_kind_reads_as_words_not_as_its_code():
    assert deadline_kind_label("some_new_window") == "Some new window"


def open_payment(enterprise, officers):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    return deadline_open(
        kind="payment",
        subject=inspection,
        jurisdiction=enterprise.jurisdiction,
        enterprise=enterprise,
        start_event="served",
        started_at=timezone.make_aware(datetime.datetime(2026, 3, 2, 9)),
    )


@pytest.mark.parametrize(
    ("headers", "kind", "status", "unit"),
    [
        (CHINESE, "罚款缴纳期限", "未办结", "自然日"),
        (ENGLISH, "Fine payment period", "Open", "calendar days"),
    ],
)
def test_a_deadline_says_its_kind_status_and_unit(
    enterprise, officers, headers, kind, status, unit
):
    open_payment(enterprise, officers)

    body = client_for(officers[0]).get("/api/v1/deadlines/", **headers).json()

    [deadline] = body["results"]
    assert (deadline["kind"], deadline["status"], deadline["unit"]) == (
        "payment",
        "open",
        "calendar_days",
    )
    assert (deadline["kind_label"], deadline["status_label"], deadline["unit_label"]) == (
        kind,
        status,
        unit,
    )


def test_a_deadline_ledger_entry_says_its_kind(enterprise, officers):
    deadline = open_payment(enterprise, officers)
    DeadlineEntry.objects.create(
        deadline=deadline, kind=DeadlineEntry.Kind.RECOMPUTATION, at=timezone.now()
    )

    chinese = client_for(officers[0]).get("/api/v1/deadlines/changes/", **CHINESE).json()
    english = client_for(officers[0]).get("/api/v1/deadlines/changes/", **ENGLISH).json()

    assert chinese["results"][0]["kind"] == "recomputation"
    assert chinese["results"][0]["kind_label"] == "重新计算"
    assert english["results"][0]["kind_label"] == "Recomputation"


def test_the_period_calculator_says_its_unit(officers):
    query = {"start": "2026-03-02", "length": 5, "unit": "working_days"}
    client = client_for(officers[0])

    chinese = client.get("/api/v1/calendar/deadline/", query, **CHINESE).json()
    english = client.get("/api/v1/calendar/deadline/", query, **ENGLISH).json()

    assert (chinese["unit"], chinese["unit_label"]) == ("working_days", "工作日")
    assert english["unit_label"] == "working days"


@pytest.mark.parametrize(
    ("headers", "labels"),
    [
        (
            CHINESE,
            [
                ("执法人员", "计划现场检查", "", "", "已计划"),
                ("执法人员", "状态变更", "开始检查", "已计划", "检查中"),
            ],
        ),
        (
            ENGLISH,
            [
                ("Law-enforcement officer", "Planned the inspection", "", "", "Planned"),
                ("Law-enforcement officer", "State changed", "Start", "Planned", "In progress"),
            ],
        ),
    ],
)
def test_a_timeline_event_says_its_role_action_transition_and_states(
    enterprise, officers, headers, labels
):
    inspection = make_started_inspection(enterprise=enterprise, officers=officers)

    events = client_for(officers[0]).get(
        f"/api/v1/inspections/{inspection.pk}/timeline/", **headers
    )

    assert events.status_code == 200
    said = [
        (
            e["role_label"],
            e["action_label"],
            e["transition_label"],
            e["source_state_label"],
            e["target_state_label"],
        )
        for e in events.json()
    ]
    assert said[:2] == labels
    assert [(e["role"], e["action"]) for e in events.json()[:2]] == [
        ("officer", "inspection_created"),
        ("officer", "transition_performed"),
    ]
