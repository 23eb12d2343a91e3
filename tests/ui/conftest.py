import pytest
from django.test import Client

from tests.factories import PASSWORD


@pytest.fixture
def login():
    """Return a client logged in as ``user`` (through the real login form)."""

    def _login(user, url="/accounts/login/") -> Client:
        client = Client()
        response = client.post(url, {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
        return client

    return _login
