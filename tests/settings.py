"""The project's settings plus the spine's test lifecycle (``tests.spine_app``)."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.spine_app"]
