import pytest
from django.utils import translation

from tests.registry.factories import make_enterprise, valid_uscc


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the rules' messages in their English source text.

    Chinese is the default language; tests/test_translations.py checks that
    every message has its Chinese translation.
    """
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def company(db):
    """An enterprise in 青秀区 (450103) with the first test credit code."""
    return make_enterprise(uscc=valid_uscc(1), jurisdiction="450103")
