"""Checksums of the identifiers in the registers (python-stdnum does the arithmetic)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper()


def validate_id_number(value: str) -> None:
    """A resident ID number (GB 11643): 18 characters, a real birth date, the check digit."""
    try:
        ric.validate(normalise_id_number(value))
    except InvalidChecksum:
        raise ValidationError(
            _("The check digit of this ID number is wrong."), "checksum"
        ) from None
    except InvalidLength:
        raise ValidationError(_("An ID number has 18 characters."), "length") from None
    except InvalidComponent:
        raise ValidationError(
            _("The birth date in this ID number does not exist."), "birth_date"
        ) from None
    except InvalidFormat:
        raise ValidationError(_("An ID number is 17 digits and a digit or X."), "format") from None


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
