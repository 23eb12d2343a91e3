"""Property tests of the penalty rules: ranges of the law, the notice's ceiling, the windows."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from casework.calendars import work_calendar_for
from casework.deadlines import period_compute, rule_in_force
from casework.models import Jurisdiction
from casework.workdays import WORKING_DAYS, units_between
from penalties import rules
from penalties.models import PenaltyCase, PenaltyParty
from penalties.payloads import amounts_check

Basis, Kind = PenaltyCase.Basis, PenaltyParty.Kind
FEN = st.integers(min_value=0, max_value=50_000_000).map(lambda fen: Decimal(fen) / 100)
LAW = {  # (low, low_exclusive, high) as art. 97 states them
    (Basis.ART97_STAGE1, Kind.UNIT): (Decimal("0"), True, Decimal("100000")),
    (Basis.ART97_STAGE2, Kind.UNIT): (Decimal("100000"), False, Decimal("200000")),
    (Basis.ART97_STAGE2, Kind.PERSON): (Decimal("20000"), False, Decimal("50000")),
}


@given(amount=FEN, key=st.sampled_from(sorted(LAW)))
def test_an_amount_outside_the_statutory_range_is_always_refused_naming_the_article(amount, key):
    low, exclusive, high = LAW[key]
    allowed = (amount > low if exclusive else amount >= low) and amount <= high
    refusal = rules.range_refusal(*key, amount)
    assert (refusal is None) == allowed
    if refusal:
        assert "第九十七条" in refusal


@given(amount=FEN)
def test_stage_one_never_fines_a_person(amount):
    assert rules.range_refusal(Basis.ART97_STAGE1, Kind.PERSON, amount) is not None


@given(notified=FEN, decided=FEN, reviewed=st.none() | FEN)
def test_a_decision_never_exceeds_the_notice_nor_the_statement_review(notified, decided, reviewed):
    case = PenaltyCase(basis=Basis.ART97_STAGE1)
    party = PenaltyParty(
        pk=1, case=case, kind=Kind.UNIT, notified_amount=notified, reviewed_amount=reviewed
    )
    cap = notified if reviewed is None else min(notified, reviewed)
    try:
        amounts_check(
            case,
            [{"party": 1, "amount": decided}],
            ceiling="notified_amount",
            dropping=False,
            parties=[party],
        )
    except serializers.ValidationError:
        accepted = False
    else:
        accepted = True
    assert not (accepted and decided > cap)
    if 0 < decided <= min(cap, Decimal("100000")):
        assert accepted


@pytest.mark.django_db
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(served=st.dates(min_value=datetime.date(2026, 1, 1), max_value=datetime.date(2026, 12, 20)))
def test_the_party_windows_end_on_working_days_and_are_never_shorter_than_the_law(served):
    district = Jurisdiction.objects.get(code="450103")
    calendar = work_calendar_for(district, first_year=2026, years=2)
    for code, law in (("statement_window", 3), ("hearing_request_window", 5)):
        rule = rule_in_force(code=code, on=served, jurisdiction=district)
        due = period_compute(
            jurisdiction=district, start=served, length=rule.length, unit=rule.unit
        ).due
        assert calendar.is_working_day(due), (code, served, due)
        counted = units_between(
            calendar=calendar,
            first=served + datetime.timedelta(days=1),
            last=due,
            unit=WORKING_DAYS,
        )
        assert counted >= law, (code, served, due)
