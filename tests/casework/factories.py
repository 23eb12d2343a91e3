"""Builders of the spine's objects, through the spine's services (each leaves its audit event)."""

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
