"""The inspections' demo data: one inspection planned for today in each of two jurisdictions."""

from casework import clock
from casework.models import Enterprise, User
from inspections.models import Inspection
from inspections.services import inspection_create

# Enterprise (USCC) and the officers who will inspect it.
PLANNED = (
    ("91450103MA5KA00105", ["officer1", "officer2"]),
    ("91450123MA5KC0030M", ["officer3", "officer4"]),
)


def demo_build() -> int:
    """Plan the demo inspections that do not exist yet (after the spine's demo users)."""
    created = 0
    for uscc, usernames in PLANNED:
        enterprise = Enterprise.objects.get(uscc=uscc)
        if Inspection.objects.filter(enterprise=enterprise).exists():
            continue
        officers = list(User.objects.filter(username__in=usernames).order_by("username"))
        inspection_create(
            actor=officers[0],
            enterprise=enterprise,
            planned_on=clock.today(),
            officers=officers,
        )
        created += 1
    return created
