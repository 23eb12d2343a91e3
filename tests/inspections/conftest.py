import pytest


@pytest.fixture
def inspection(started):
    """An inspection in progress, where checks, findings and evidence are made."""
    return started
