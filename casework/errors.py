"""Errors outside the views' own answers: JSON under ``/api/``, pages elsewhere.

Django answers a request it refuses before or around a view (an unknown path,
a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, more fields than
``DATA_UPLOAD_MAX_NUMBER_FIELDS``, an unhandled exception in production) with
its handlers' HTML. An API client gets ``{"detail": …}`` with the same status
instead; the pages keep Django's. ``casework.api.exception_handler`` gives the
same answers for the same refusals raised inside an API view.
"""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def refusal_message(exc: Exception) -> str:
    """What a client is told of a request Django refused as too large or malformed."""
    if isinstance(exc, RequestDataTooBig):
        return _("The request body is larger than this server accepts.")
    if isinstance(exc, TooManyFieldsSent):
        return _("The request has more fields than this server accepts.")
    if isinstance(exc, TooManyFilesSent):
        return _("The request has more files than this server accepts.")
    return _("Bad request.")


def _api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": refusal_message(exception)}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _api(request):
        return JsonResponse(
            {"detail": _("You do not have permission to perform this action.")}, status=403
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _api(request):
        return JsonResponse({"detail": _("A server error occurred.")}, status=500)
    return defaults.server_error(request)
