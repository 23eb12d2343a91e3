"""The case timeline reads as a record: a sentence per event, numbered within the case,
the findings' events and dispositions in the same list, the raw record only for staff."""

import datetime
import re

from casework import clock
from casework.identifiers import mask_id_number
from casework.transitions import transition_perform
from inspections.models import Finding
from inspections.services import worker_check_record
from tests.factories import make_started_inspection, make_trainer, make_user, make_worker

JOB = "化工操作工"


def test_a_worker_check_and_its_finding_read_as_sentences_in_chinese(login, enterprise, officers):
    officers[0].first_name = "张伟"
    officers[0].save()
    trainer = make_worker(enterprise=enterprise, job=JOB)
    make_trainer(enterprise=enterprise, id_number=trainer.id_number, job=JOB)
    untrained = make_worker(enterprise=enterprise, name="李强", job=JOB)
    inspection = make_started_inspection(enterprise=enterprise, officers=officers)
    worker_check_record(
        inspection=inspection, actor=officers[0], id_number=untrained.id_number, job=JOB
    )
    finding = Finding.objects.get(inspection=inspection)
    transition_perform(
        queryset=Finding.objects.all(),
        pk=finding.pk,
        name="dispose",
        actor=officers[0],
        data={
            "disposition": "order_and_penalty",
            "due_date": (clock.today() + datetime.timedelta(days=20)).isoformat(),
        },
    )

    staff = login(officers[1]).get(f"/inspections/{inspection.pk}/").content.decode()
    portal_user = make_user(role="enterprise", enterprise=enterprise)
    portal = login(portal_user, url="/portal/login/")
    own = portal.get(f"/portal/inspections/{inspection.pk}/").content.decode()

    masked = mask_id_number(untrained.id_number)
    said = f"张伟 对 李强（{masked}，{JOB}）进行资格核查：不合格——未经岗位安全培训"
    for page in (staff, own):
        assert said in page
        assert f"张伟 记录第 {finding.pk} 号检查发现——李强（{JOB}）：未经岗位安全培训" in page
        assert f"张伟 处置第 {finding.pk} 号检查发现" in page and "责令限期整改" in page
        assert "UNTRAINED" not in page.split("<details")[0]
    # Numbered 1, 2, 3… within the case, whatever the global sequence.
    numbers = [int(n) for n in re.findall(r'id="event-(\d+)"', staff)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5
    # The raw record: behind a toggle for staff, absent from the portal.
    assert "<details" in staff and "<details" not in own
    assert "worker_check" not in own and "is_team_leader" not in own
