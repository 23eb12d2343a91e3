"""Demo registers: one named worker for every reason code of the qualification check.

Used by ``seed_demo``; idempotent (natural keys). The README lists the workers.
"""

import datetime

from stdnum.cn import ric

from casework.models import Enterprise
from registry.models import Certificate, Trainer, Training, Worker

D = datetime.date
CHEMICALS = "91450103MA5KA00105"  # 南宁青秀化工有限公司
CASTING = "91450103MA5KB0020X"  # 南宁青秀金属铸造厂
FIREWORKS = "91450123MA5KC0030M"  # 隆安县烟花爆竹有限公司

OPERATOR = "化工操作工"
KEEPER = "仓库保管员"
MIXER = "烟火药混合工"


def id_number(region: str, born: str, seq: int) -> str:
    """A resident ID number with a valid GB 11643 check digit."""
    body = f"{region}{born}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


# name, enterprise, job, ID parts, team leader, special ops, what the check finds
WORKERS = [
    ("王明", CHEMICALS, OPERATOR, ("450103", "19880512", 11), False, [], "qualified"),
    ("刘芳", CHEMICALS, OPERATOR, ("450103", "19850203", 22), True, [], "qualified team leader"),
    ("李强", CHEMICALS, OPERATOR, ("450103", "19920715", 31), False, [], "UNTRAINED"),
    ("赵敏", CHEMICALS, OPERATOR, ("450103", "19900108", 42), False, [], "RETRAINING"),
    (
        "孙浩",
        CHEMICALS,
        OPERATOR,
        ("450103", "19870920", 51),
        False,
        ["welding"],
        "SPECIAL_OPS_UNCERTIFIED",
    ),
    (
        "周杰",
        CHEMICALS,
        OPERATOR,
        ("450103", "19831111", 61),
        False,
        ["electrical"],
        "SPECIAL_OPS_CERT_EXPIRED (expired)",
    ),
    (
        "吴刚",
        CHEMICALS,
        OPERATOR,
        ("450103", "19810606", 71),
        False,
        ["hazardous_chemicals"],
        "SPECIAL_OPS_CERT_EXPIRED (review overdue)",
    ),
    ("郑伟", CHEMICALS, OPERATOR, ("450103", "19860430", 81), True, [], "TEAM_LEADER_NOT_ROTATED"),
    ("陈晨", CHEMICALS, OPERATOR, ("450103", "19950301", 91), False, [], "TRAINING_RECORD_MISSING"),
    (
        "黄磊",
        CHEMICALS,
        KEEPER,
        ("450103", "19930822", 12),
        False,
        [],
        "qualified; NO_INTERNAL_TRAINER for the job",
    ),
    ("马丽", FIREWORKS, MIXER, ("450123", "19890914", 23), False, ["fireworks"], "qualified"),
    (
        "何军",
        FIREWORKS,
        MIXER,
        ("450123", "19910101", 34),
        False,
        ["fireworks"],
        "UNTRAINED; SPECIAL_OPS_UNCERTIFIED",
    ),
]


def _training(enterprise, person, job, on, *, passed=True, kind="job_safety", course=None):
    Training.objects.get_or_create(
        enterprise=enterprise,
        id_number=person,
        kind=kind,
        job=job if kind == "job_safety" else "",
        course=course or ("安全技能提升培训" if kind == "job_safety" else "班组长轮训"),
        assessed_on=on,
        defaults={"hours": 72, "theory_passed": True, "practical_passed": passed},
    )


def _certificate(person, category, number, *, until, review=None):
    Certificate.objects.get_or_create(
        number=number,
        defaults={
            "id_number": person,
            "category": category,
            "issued_on": D(2021, 3, 1),
            "valid_until": until,
            "review_due_on": review,
        },
    )


def seed_registers() -> int:
    """Create the demo registers; return how many workers were new."""
    enterprises = {
        e.uscc: e for e in Enterprise.objects.filter(uscc__in=[CHEMICALS, CASTING, FIREWORKS])
    }
    people = {}
    created = 0
    for name, uscc, job, parts, leader, ops, _finding in WORKERS:
        person = id_number(*parts)
        people[name] = person
        _, new = Worker.objects.get_or_create(
            enterprise=enterprises[uscc],
            id_number=person,
            defaults={
                "name": name,
                "job": job,
                "is_team_leader": leader,
                "special_ops": ops,
                "hired_on": D(2020, 5, 1),
            },
        )
        created += new
    chemicals, casting, fireworks = (enterprises[u] for u in (CHEMICALS, CASTING, FIREWORKS))
    for name in ("王明", "刘芳", "孙浩", "周杰", "吴刚", "郑伟"):
        _training(chemicals, people[name], OPERATOR, D(2025, 3, 10))
    _training(chemicals, people["刘芳"], "", D(2025, 4, 2), kind="team_leader_rotation")
    _training(chemicals, people["赵敏"], OPERATOR, D(2024, 3, 10))
    _training(
        chemicals, people["赵敏"], OPERATOR, D(2025, 9, 1), passed=False, course="安全技能提升复训"
    )
    _training(casting, people["陈晨"], OPERATOR, D(2024, 6, 1))  # trained, but elsewhere
    _training(chemicals, people["黄磊"], KEEPER, D(2025, 3, 12))
    _training(fireworks, people["马丽"], MIXER, D(2025, 5, 20))
    _certificate(people["周杰"], "electrical", "T450103198311110061", until=D(2026, 6, 30))
    _certificate(
        people["吴刚"],
        "hazardous_chemicals",
        "T450103198106060071",
        until=D(2030, 12, 31),
        review=D(2026, 3, 1),
    )
    _certificate(people["马丽"], "fireworks", "T450123198909140023", until=D(2030, 12, 31))
    for enterprise, job, trainer in (
        (chemicals, OPERATOR, "王明"),
        (fireworks, MIXER, "马丽"),
    ):
        Trainer.objects.get_or_create(enterprise=enterprise, id_number=people[trainer], job=job)
    return created


def demo_build() -> int:
    """The registers' part of ``seed_demo`` (after the spine's enterprises)."""
    return seed_registers()
