import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the rules' messages in their English source text.

    Chinese is the default language; tests/test_translations.py checks that
    every message has its Chinese translation.
    """
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
