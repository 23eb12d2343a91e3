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
    from registry.models import Enterprise

    n = next(_seq)
    return Enterprise.objects.create(
        uscc=extra.pop("uscc", f"9145{n:014d}"),
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
