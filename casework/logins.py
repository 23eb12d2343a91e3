"""Failed sign-ins are locked out per account and per address; API tokens expire and die.

django-axes counts failed sign-ins (the staff login, the portal login, the API
token) per username and per client address and refuses further attempts for a
cool-off time once either reaches its limit; each lockout is an audit event.
API tokens are django-rest-knox's: one per sign-in, stored hashed, expiring
after a time set per kind of user, revoked by ``DELETE /api/v1/auth/token`` and
all revoked when the password changes or the account is deactivated.
"""

import datetime
import ipaddress
import math

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import ngettext

from casework import events

LOCKOUT_STATUS = 429


def cool_off() -> datetime.timedelta:
    return settings.AXES_COOLOFF_TIME


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, with one limit per account and another per address.

    Axes compares one number with one limit; this answers 1 (locked) when the
    username has ``CASEWORK_FAILURES_PER_ACCOUNT`` failures within the cool-off
    time, or the address ``CASEWORK_FAILURES_PER_ADDRESS``, and 0 otherwise.
    """

    def get_failures(self, request, credentials=None) -> int:
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        address = getattr(request, "axes_ip_address", None) or client_address(request)

        def failures(**where) -> int:
            total = recent.filter(**where).aggregate(n=Sum("failures_since_start"))["n"]
            return total or 0

        account = failures(username=username) if username else 0
        at_address = failures(ip_address=address) if address else 0
        return int(
            account >= settings.CASEWORK_FAILURES_PER_ACCOUNT
            or at_address >= settings.CASEWORK_FAILURES_PER_ADDRESS
        )


def lockout_message() -> str:
    minutes = max(1, math.ceil(cool_off().total_seconds() / 60))
    return ngettext(
        "Too many failed sign-ins. Try again in %(n)d minute.",
        "Too many failed sign-ins. Try again in %(n)d minutes.",
        minutes,
    ) % {"n": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out attempt: JSON under /api/, a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=LOCKOUT_STATUS)
    login_url = reverse("portal:login") if request.path.startswith("/portal/") else reverse("login")
    return render(
        request,
        "casework/locked_out.html",
        {"message": lockout_message(), "login_url": login_url},
        status=LOCKOUT_STATUS,
    )


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The address a lockout counts by: the peer, or the proxy's X-Forwarded-For entry.

    With ``CASEWORK_TRUSTED_PROXIES`` = n (the proxies in front of the server,
    0 by default), the n-th address from the right of X-Forwarded-For is the
    client's; a client cannot choose it by sending its own header. Anything
    that is not an IP address is ignored (None when nothing is).
    """
    proxies = settings.CASEWORK_TRUSTED_PROXIES
    forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if proxies and len(forwarded) >= proxies:
        reported = _address(forwarded[-proxies])
        if reported is not None:
            return reported
    return _address(request.META.get("REMOTE_ADDR", "") or "")


def token_ttl(user) -> datetime.timedelta:
    """How long an API token of ``user`` lives (configurable; staff: one working day)."""
    hours = (
        settings.CASEWORK_TOKEN_HOURS_ENTERPRISE
        if user.is_enterprise_user
        else settings.CASEWORK_TOKEN_HOURS_STAFF
    )
    return datetime.timedelta(hours=hours)


def revoke_tokens(user, *, reason: str) -> int:
    """Delete every API token of ``user``; audited when there was any."""
    from knox.models import AuthToken

    revoked, _rows = AuthToken.objects.filter(user=user).delete()
    if revoked:
        events.tokens_revoked(user=user, reason=reason, count=revoked)
    return revoked


def locked_out(*, username: str, address: str) -> None:
    events.login_locked_out(username=username or "", address=address)
