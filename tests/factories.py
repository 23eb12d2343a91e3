"""One place to import the test builders from; each app's builders live beside its tests.

``tests/<app>/factories.py`` create through that app's services, so a
factory-made object carries the audit event a real one does.
"""

from tests.casework.factories import PASSWORD, make_user
from tests.inspections.factories import make_inspection, make_started_inspection
from tests.registry.factories import (
    make_certificate,
    make_enterprise,
    make_trainer,
    make_training,
    make_worker,
    valid_id_number,
    valid_uscc,
)

__all__ = [
    "PASSWORD",
    "client_for",
    "make_certificate",
    "make_enterprise",
    "make_inspection",
    "make_started_inspection",
    "make_trainer",
    "make_training",
    "make_user",
    "make_worker",
    "valid_id_number",
    "valid_uscc",
]


def client_for(user):
    """An API client authenticated as ``user``."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client
