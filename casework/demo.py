"""The spine's demo data: enterprises and the accounts of every role.

``seed_demo`` finds a ``demo_build() -> int`` in the ``demo`` module of each
installed app and runs them in the order of ``INSTALLED_APPS`` (the spine first,
then the registers, then the lifecycles), each returning how many objects it
created. Every builder is idempotent.
"""

import datetime
from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

from casework.models import Enterprise, User
from casework.services import user_create

DEMO_PASSWORD = "demo-pass-2026"

# USCCs below carry valid GB 32100 check characters.
ENTERPRISES = [
    (
        "91450103MA5KA00105",
        "南宁青秀化工有限公司",
        "hazardous_chemicals",
        "450103",
        "南宁市青秀区民族大道 100 号",
        "李建国",
        "0771-5550101",
    ),
    (
        "91450103MA5KB0020X",
        "南宁青秀金属铸造厂",
        "metal_casting",
        "450103",
        "南宁市青秀区长堽路 8 号",
        "王芳",
        "0771-5550102",
    ),
    (
        "91450123MA5KC0030M",
        "隆安县烟花爆竹有限公司",
        "fireworks",
        "450123",
        "隆安县城厢镇工业园 3 号",
        "陈志强",
        "0771-6550103",
    ),
    (
        "91450123MA5KD0040E",
        "隆安县非煤矿山开采有限公司",
        "non_coal_mining",
        "450123",
        "隆安县那桐镇矿区路 1 号",
        "黄海",
        "0771-6550104",
    ),
]

FAR_FUTURE = datetime.date(2030, 12, 31)

# username, role, jurisdiction, full name, credential no, valid until, enterprise USCC
USERS = [
    ("admin", "admin", "450100", "系统管理员", "", None, None),
    ("city_supervisor", "supervisor", "450100", "市局负责人", "", None, None),
    ("reviewer", "legal_reviewer", "450100", "法制审核员", "", None, None),
    ("supervisor", "supervisor", "450103", "青秀区负责人", "", None, None),
    ("officer1", "officer", "450103", "张伟", "GX-450103-0001", FAR_FUTURE, None),
    ("officer2", "officer", "450103", "刘洋", "GX-450103-0002", FAR_FUTURE, None),
    (
        "officer_expired",
        "officer",
        "450103",
        "赵磊",
        "GX-450103-0003",
        datetime.date(2025, 6, 30),
        None,
    ),
    ("longan_supervisor", "supervisor", "450123", "隆安县负责人", "", None, None),
    ("officer3", "officer", "450123", "杨帆", "GX-450123-0001", FAR_FUTURE, None),
    ("officer4", "officer", "450123", "周静", "GX-450123-0002", FAR_FUTURE, None),
    ("enterprise1", "enterprise", None, "李建国", "", None, "91450103MA5KA00105"),
    ("enterprise2", "enterprise", None, "陈志强", "", None, "91450123MA5KC0030M"),
]


def demo_builders() -> list[tuple[str, Callable[[], int]]]:
    """Each installed app's ``demo.demo_build``, in ``INSTALLED_APPS`` order."""
    builders = []
    for config in apps.get_app_configs():
        if find_spec(f"{config.name}.demo") is None:
            continue
        build = getattr(import_module(f"{config.name}.demo"), "demo_build", None)
        if build is not None:
            builders.append((config.label, build))
    return builders


def demo_build() -> int:
    """Create the demo enterprises and users that do not exist yet."""
    created = 0
    for uscc, name, sector, code, address, representative, phone in ENTERPRISES:
        _, new = Enterprise.objects.get_or_create(
            uscc=uscc,
            defaults={
                "name": name,
                "sector": sector,
                "jurisdiction_id": code,
                "address": address,
                "legal_representative": representative,
                "contact_phone": phone,
            },
        )
        created += new
    for username, role, code, full_name, credential, valid_until, uscc in USERS:
        if User.objects.filter(username=username).exists():
            continue
        user_create(
            username=username,
            role=role,
            password=DEMO_PASSWORD,
            jurisdiction_code=code,
            credential_no=credential,
            credential_valid_from=datetime.date(2020, 1, 1) if credential else None,
            credential_valid_until=valid_until,
            enterprise_uscc=uscc,
            full_name=full_name,
            check_password=False,
        )
        created += 1
    return created
