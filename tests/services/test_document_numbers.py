"""Document numbers under real concurrency (PostgreSQL): consecutive, no gaps, no duplicates.

Each worker is a real thread with its own connection and its own transaction;
a barrier releases them together, so the year's first number is raced for too.
"""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from casework import clock
from casework.audit import audit_verify
from casework.documents import document_issue, document_kind
from casework.models import Document, DocumentCounter
from tests.factories import make_enterprise, make_user
from tests.threads import N, run_together

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

KIND = document_kind(
    "test_concurrent_order",
    title="责令限期整改指令书",
    abbreviation="并改",
    template="documents/rectification_order.html",
)


@pytest.fixture
def scene():
    clock.clock_set(to=timezone.make_aware(datetime.datetime(2026, 12, 3, 10)), frozen=True)
    return make_enterprise(jurisdiction="450103"), make_user(role="officer", jurisdiction="450103")


def issue(enterprise, officer):
    return document_issue(
        kind=KIND.code,
        subject=enterprise,
        jurisdiction=enterprise.jurisdiction,
        enterprise=enterprise,
        context={"enterprise": enterprise, "due_date": datetime.date(2026, 12, 31)},
        actor=officer,
    )


def test_twenty_concurrent_issues_get_the_numbers_one_to_twenty(scene):
    enterprise, officer = scene

    results = run_together(lambda i: issue(enterprise, officer).sequence)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results) == list(range(1, N + 1))
    numbers = set(Document.objects.filter(kind=KIND.code).values_list("number", flat=True))
    assert numbers == {f"青应急并改〔2026〕{n}号" for n in range(1, N + 1)}
    assert DocumentCounter.objects.get(kind=KIND.code).last == N
    assert audit_verify().ok


def test_concurrent_issues_whose_acts_fail_leave_no_gap(scene):
    enterprise, officer = scene

    class ActFailed(Exception):
        pass

    def work(i):
        with transaction.atomic():
            document = issue(enterprise, officer)
            if i % 2:
                raise ActFailed  # the act that issued it fails: its number goes back
            return document.sequence

    results = run_together(work)

    kept = [r for r in results if not isinstance(r, Exception)]
    assert all(isinstance(r, ActFailed) for r in results if isinstance(r, Exception)), results
    assert len(kept) == N // 2
    assert sorted(kept) == list(range(1, N // 2 + 1))
    stored = sorted(Document.objects.filter(kind=KIND.code).values_list("sequence", flat=True))
    assert stored == list(range(1, N // 2 + 1))
    assert DocumentCounter.objects.get(kind=KIND.code).last == N // 2
