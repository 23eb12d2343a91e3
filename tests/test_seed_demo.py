import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from casework.audit import audit_verify
from casework.models import Enterprise, User
from inspections.models import Inspection


def test_seed_demo_creates_every_role_and_is_idempotent(db):
    call_command("seed_demo")
    counts = (User.objects.count(), Enterprise.objects.count(), Inspection.objects.count())

    call_command("seed_demo")

    assert (User.objects.count(), Enterprise.objects.count(), Inspection.objects.count()) == counts
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    assert User.objects.get(username="officer1").check_password("demo-pass-2026")
    assert User.objects.get(username="enterprise1").enterprise.uscc == "91450103MA5KA00105"
    assert audit_verify().ok


def test_seed_demo_is_refused_in_production(db):
    with (
        override_settings(CASEWORK_PRODUCTION=True),
        pytest.raises(CommandError, match="production"),
    ):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_every_reason_code_has_a_named_demo_worker(db):
    from casework import clock
    from registry.demo import WORKERS
    from registry.models import Worker
    from registry.qualification import REASONS, qualification_check

    call_command("seed_demo")

    seen = set()
    for name, _uscc, job, *_rest, finding in WORKERS:
        worker = Worker.objects.select_related("enterprise").get(name=name)
        result = qualification_check(
            enterprise=worker.enterprise, id_number=worker.id_number, job=job, on=clock.today()
        )
        expected = {code for code in REASONS if code in finding}
        assert set(result.codes) == expected, (name, result.codes)
        assert result.qualified == finding.startswith("qualified"), name
        seen |= expected
    assert seen == set(REASONS)
