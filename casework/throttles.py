"""Rates of API requests (DRF throttling), read from ``CASEWORK_API_RATES`` on each request."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _FromSettings:
    # DRF binds its rates when the class is defined; reading them here lets an
    # operator (and a test) change them in settings.
    def get_rate(self):
        return settings.CASEWORK_API_RATES.get(self.scope)


class AnonymousRate(_FromSettings, AnonRateThrottle):
    """Anonymous calls, per client address."""


class UserRate(_FromSettings, UserRateThrottle):
    """Signed-in calls, per user."""


class SignInRate(_FromSettings, AnonRateThrottle):
    """Token requests, per client address (wrong passwords are also locked out per account)."""

    scope = "sign_in"
