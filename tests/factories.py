"""Test data builders (plain functions; the real services do the writing)."""

import datetime
import itertools

from casework.services import user_create

_seq = itertools.count(1)

PASSWORD = "Casework-Test-2026"


def make_user(*, role: str, jurisdiction: str | None = "450103", enterprise=None, **extra):
    n = next(_seq)
    if role == "officer":
        extra.setdefault("credential_no", f"GX{n:05d}")
        extra.setdefault("credential_valid_until", datetime.date(2099, 12, 31))
    return user_create(
        username=extra.pop("username", f"{role}{n}"),
        role=role,
        password=PASSWORD,
        jurisdiction_code=None if role == "enterprise" else jurisdiction,
        enterprise_uscc=enterprise.uscc if enterprise is not None else None,
        check_password=False,
        **extra,
    )


def make_enterprise(*, jurisdiction: str = "450103", sector: str = "hazardous_chemicals", **extra):
    from casework.models import Enterprise

    n = next(_seq)
    return Enterprise.objects.create(
        uscc=extra.pop("uscc", None) or valid_uscc(n, division=jurisdiction),
        name=extra.pop("name", f"Enterprise {n}"),
        sector=sector,
        jurisdiction_id=jurisdiction,
        **extra,
    )


def make_inspection(*, enterprise, officers, actor=None, planned_on=None):
    from casework import clock
    from inspections.services import inspection_create

    return inspection_create(
        actor=actor or officers[0],
        enterprise=enterprise,
        planned_on=planned_on or clock.today(),
        officers=officers,
    )


def valid_uscc(n: int, *, division: str = "450103") -> str:
    """A unified social credit code with a correct check character."""
    from stdnum.cn import uscc

    body = f"91{division}{n:09d}"
    return body + uscc.calc_check_digit(body)


def valid_id_number(n: int, *, region: str = "450103", born: str = "19900101") -> str:
    """A resident ID number with a correct check digit (sequence ``n`` modulo 1000)."""
    from stdnum.cn import ric

    body = f"{region}{born}{n % 1000:03d}"
    # python-stdnum expects the number with a placeholder for the check digit.
    return body + ric.calc_check_digit(body + "0")


def make_worker(*, enterprise, id_number: str | None = None, **extra):
    from registry.models import Worker

    n = next(_seq)
    return Worker.objects.create(
        enterprise=enterprise,
        id_number=id_number or valid_id_number(n),
        name=extra.pop("name", f"Worker {n}"),
        job=extra.pop("job", "operator"),
        **extra,
    )


def make_certificate(*, id_number: str, category: str = "electrical", **extra):
    from registry.models import Certificate

    n = next(_seq)
    return Certificate.objects.create(
        id_number=id_number,
        category=category,
        number=extra.pop("number", f"T{n:010d}"),
        issued_on=extra.pop("issued_on", datetime.date(2024, 1, 1)),
        valid_until=extra.pop("valid_until", datetime.date(2030, 1, 1)),
        **extra,
    )


def make_training(*, enterprise, id_number: str, job: str = "operator", **extra):
    from registry.models import Training

    return Training.objects.create(
        enterprise=enterprise,
        id_number=id_number,
        kind=extra.pop("kind", "job_safety"),
        job=job,
        course=extra.pop("course", "Safety basics"),
        hours=extra.pop("hours", 8),
        theory_passed=extra.pop("theory_passed", True),
        practical_passed=extra.pop("practical_passed", True),
        assessed_on=extra.pop("assessed_on", datetime.date(2025, 6, 1)),
    )


def make_started_inspection(*, enterprise, officers):
    """An inspection in progress, started through the uniform transition service."""
    from casework.transitions import transition_perform
    from inspections.models import Inspection

    inspection = make_inspection(enterprise=enterprise, officers=officers)
    return transition_perform(
        queryset=Inspection.objects.all(),
        pk=inspection.pk,
        name="start",
        actor=officers[0],
        data={"officers": [o.username for o in officers]},
    )


def client_for(user):
    """An API client authenticated as ``user``."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client
