"""The project's settings plus the spine's test lifecycle (``tests.spine_app``)."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.spine_app"]

# The suite sends far more requests a minute than a person; the throttling tests
# set the rates they test (casework.throttles reads them on each request).
CASEWORK_API_RATES = {"anon": None, "user": None, "sign_in": None}
