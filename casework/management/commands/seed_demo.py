"""Seed the demo: a city, two counties, staff of every role, enterprises, registers, inspections.

Idempotent: running it again changes nothing. Refused in production. The
accounts and their password are listed in the README.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casework import clock
from casework.models import Enterprise, User
from casework.services import user_create
from inspections.models import Inspection
from inspections.services import inspection_create
from registry.demo import seed_registers

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


class Command(BaseCommand):
    help = "Seed demo data (idempotent; refused in production)."

    def handle(self, *args, **options):
        if settings.CASEWORK_PRODUCTION:
            raise CommandError("seed_demo is refused in production (DJANGO_DEBUG=false).")
        with transaction.atomic():
            created = self._seed()
        self.stdout.write(f"seed_demo: {created} object(s) created; password {DEMO_PASSWORD}")

    def _seed(self) -> int:
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
        created += seed_registers()
        planner = User.objects.get(username="officer1")
        for uscc, county_officers in (
            ("91450103MA5KA00105", ["officer1", "officer2"]),
            ("91450123MA5KC0030M", ["officer3", "officer4"]),
        ):
            enterprise = Enterprise.objects.get(uscc=uscc)
            if Inspection.objects.filter(enterprise=enterprise).exists():
                continue
            officers = list(User.objects.filter(username__in=county_officers))
            inspection_create(
                actor=planner if enterprise.jurisdiction_id == "450103" else officers[0],
                enterprise=enterprise,
                planned_on=clock.today(),
                officers=officers,
            )
            created += 1
        return created
