"""Builders of register rows, through the register's own service (``record_create``).

A row made here is validated by the rules of the import and the API and leaves
the ``register_row_created`` audit event a real one leaves.
"""

import datetime
import itertools

from registry.services import record_create

_seq = itertools.count(1)


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


def make_enterprise(*, jurisdiction: str = "450103", sector: str = "hazardous_chemicals", **extra):
    n = next(_seq)
    return record_create(
        kind="enterprises",
        actor=None,
        data={
            "uscc": extra.pop("uscc", None) or valid_uscc(n, division=jurisdiction),
            "name": extra.pop("name", f"Enterprise {n}"),
            "sector": sector,
            "jurisdiction": jurisdiction,
            **extra,
        },
    )


def make_worker(*, enterprise, id_number: str | None = None, **extra):
    n = next(_seq)
    return record_create(
        kind="workers",
        actor=None,
        data={
            "enterprise_uscc": enterprise.uscc,
            "id_number": id_number or valid_id_number(n),
            "name": extra.pop("name", f"Worker {n}"),
            "job": extra.pop("job", "operator"),
            **extra,
        },
    )


def make_certificate(*, id_number: str, category: str = "electrical", **extra):
    n = next(_seq)
    return record_create(
        kind="certificates",
        actor=None,
        data={
            "id_number": id_number,
            "category": category,
            "number": extra.pop("number", f"T{n:010d}"),
            "issued_on": extra.pop("issued_on", datetime.date(2024, 1, 1)),
            "valid_until": extra.pop("valid_until", datetime.date(2030, 1, 1)),
            **extra,
        },
    )


def make_training(*, enterprise, id_number: str, job: str = "operator", **extra):
    return record_create(
        kind="trainings",
        actor=None,
        data={
            "enterprise_uscc": enterprise.uscc,
            "id_number": id_number,
            "kind": extra.pop("kind", "job_safety"),
            "job": job,
            "course": extra.pop("course", "Safety basics"),
            "hours": extra.pop("hours", 8),
            "theory_passed": extra.pop("theory_passed", True),
            "practical_passed": extra.pop("practical_passed", True),
            "assessed_on": extra.pop("assessed_on", datetime.date(2025, 6, 1)),
            **extra,
        },
    )


def make_trainer(*, enterprise, id_number: str, job: str = "operator"):
    return record_create(
        kind="trainers",
        actor=None,
        data={"enterprise_uscc": enterprise.uscc, "id_number": id_number, "job": job},
    )
