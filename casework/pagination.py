"""The API's pages (its own module: DRF loads it from the settings, before any view)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """Pages of at most ``max_limit`` rows; an offset past any real list is refused.

    A ``limit`` above the maximum gives the maximum (the answer's ``next`` link
    goes on), as DRF does. An ``offset`` that is not a whole number from 0 to
    ``MAX_OFFSET`` is answered 400 naming ``offset`` (a larger one overflows the
    database's integers).
    """

    default_limit = 50
    max_limit = 500
    MAX_OFFSET = 2**31 - 1

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param)
        if raw is None or raw == "":
            return 0
        if not (raw.isascii() and raw.isdigit()) or int(raw) > self.MAX_OFFSET:
            raise exceptions.ValidationError(
                {
                    self.offset_query_param: [
                        _("A whole number from 0 to %(max)d.") % {"max": self.MAX_OFFSET}
                    ]
                }
            )
        return int(raw)
