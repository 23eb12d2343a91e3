import pytest

from tests.inspections.factories import JOB
from tests.registry.factories import make_trainer, make_worker, valid_id_number


@pytest.fixture
def plant(enterprise):
    """The enterprise, with a designated internal trainer for ``JOB``."""
    # A designated trainer is one of the enterprise's registered workers.
    # Born in another year than the sequence's workers: their numbers never meet.
    trainer_id = valid_id_number(900, born="19800101")
    trainer = make_worker(enterprise=enterprise, id_number=trainer_id, job=JOB)
    make_trainer(enterprise=enterprise, id_number=trainer.id_number, job=JOB)
    return enterprise


@pytest.fixture
def inspection(started):
    """An inspection in progress, where checks, findings and evidence are made."""
    return started


@pytest.fixture
def plant_inspection(plant, started):
    """An inspection in progress at ``plant``: its workers' training can be judged complete."""
    return started
