from django.apps import AppConfig


class SpineAppConfig(AppConfig):
    """A minimal lifecycle on the spine, installed only in the tests (``tests.settings``).

    It exercises what every lifecycle relies on — a person's transition, a
    system-only one, and a deadline whose passing moves the object — through the
    spine's real services, before the real lifecycles exist.
    """

    name = "tests.spine_app"
    label = "spine_app"

    def ready(self):
        from tests.spine_app import handlers  # noqa: F401
