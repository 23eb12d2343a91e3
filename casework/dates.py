"""Dates where a real day is meant: from 1900-01-01 to 2100-12-31.

Beyond these no inspection, certificate, assessment or legal period exists, and
arithmetic on the far ends of the calendar (9999-12-31 plus a period) overflows.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def validate_real_date(value: datetime.date) -> None:
    if not EARLIEST <= value <= LATEST:
        raise ValidationError(_("A date from 1900-01-01 to 2100-12-31."), "date_range")
