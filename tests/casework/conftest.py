import pytest


@pytest.fixture
def inspection(planned):
    """The subject of the legal clocks in these tests: a planned inspection."""
    return planned
