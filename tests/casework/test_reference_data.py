"""After a transactional test flushes the database, every seeded rule is back for the next one."""

import pytest

from casework.models import PeriodRule

SEEDED_BY_LATER_MIGRATIONS = {"public_notice_wait", "rectification_proposal"}


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_whose_teardown_flushes_the_database():
    assert PeriodRule.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_has_every_seeded_rule():
    codes = set(PeriodRule.objects.values_list("code", flat=True))
    assert SEEDED_BY_LATER_MIGRATIONS <= codes
    assert {"rectification", "extension_answer", "reinspection"} <= codes
