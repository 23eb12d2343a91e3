"""Checksums of the identifiers in the registers (python-stdnum does the arithmetic)."""

import datetime
import functools

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper()


@functools.lru_cache(maxsize=65536)
def _birth_date_valid(text: str) -> bool:
    """Whether ``text`` (YYYYMMDD) is a real date from 1900 up to today."""
    try:
        born = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= datetime.date.today()


def validate_id_number(value: str) -> None:
    """A resident ID number (GB 11643): 18 characters, a real birth date, the check digit.

    The six-digit region code is not checked against the birth year: a number
    keeps the code of the place where it was first issued, and that code may be
    younger than its holder (450103 dates from 1983, 450123 from 2002).
    """
    number = normalise_id_number(value)
    if len(number) != 18:
        raise ValidationError(_("An ID number has 18 characters."), "length")
    if not (
        number.isascii() and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")
    ):
        raise ValidationError(_("An ID number is 17 digits and a digit or X."), "format")
    if not _birth_date_valid(number[6:14]):
        raise ValidationError(_("The birth date in this ID number does not exist."), "birth_date")
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError(_("The check digit of this ID number is wrong."), "checksum")


def validate_uscc(value: str) -> None:
    """A unified social credit code (GB 32100): 18 characters and its check character."""
    try:
        uscc.validate((value or "").strip().upper())
    except InvalidChecksum:
        raise ValidationError(
            _("The check character of this credit code is wrong."), "checksum"
        ) from None
    except InvalidLength:
        raise ValidationError(
            _("A unified social credit code has 18 characters."), "length"
        ) from None
    except (InvalidFormat, InvalidComponent):
        raise ValidationError(_("This is not a unified social credit code."), "format") from None


def mask_id_number(value: str) -> str:
    """Show the region and the last four characters only: 450103********0018."""
    value = normalise_id_number(value)
    if len(value) != 18:
        return "*" * len(value)
    return f"{value[:6]}{'*' * 8}{value[-4:]}"


def mask_number(value: str) -> str:
    """Any other identifying number (a certificate's, say): the last four characters only."""
    value = (value or "").strip()
    shown = 4 if len(value) > 8 else 0
    return "*" * (len(value) - shown) + value[len(value) - shown :]
