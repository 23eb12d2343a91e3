"""``/healthz``: is the database reachable, is the broker reachable.

Answers 200 when both are usable, 503 otherwise, always with the JSON shape
``{"status": "ok"|"error", "database": ..., "broker": ...}``. The broker is
``"eager"`` when none is configured (tasks then run in-process).
"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

BROKER_TIMEOUT = 2  # seconds; a health probe must answer quickly


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # report any failure, never raise from a probe
        return f"error: {type(exc).__name__}: {exc}"
    return "ok"


def _broker() -> str:
    # Read at call time, so the URL in effect now is the one probed.
    url = settings.CELERY_BROKER_URL
    if not url:
        return "eager"
    # The project's Celery app (``config/__init__.py`` makes it current); the spine
    # does not import the configuration above it.
    from celery import current_app as app

    try:
        with app.connection_for_write(url=url) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}"
    return "ok"


@require_GET
def healthz(request):
    checks = {"database": _database(), "broker": _broker()}
    healthy = all(value in ("ok", "eager") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
