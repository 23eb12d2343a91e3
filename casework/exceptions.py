"""Domain errors that every interface (API, pages, flows, sweep) maps the same way."""

from django.utils.translation import gettext_lazy as _


class CaseworkError(Exception):
    default_message = _("The operation failed.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class NotVisible(CaseworkError):
    """The object does not exist for this caller (HTTP 404)."""

    default_message = _("Not found.")


class Forbidden(CaseworkError):
    """The caller sees the object but may not do this (HTTP 403)."""

    default_message = _("You may not perform this action.")


class Conflict(CaseworkError):
    """The object's state or version does not allow this now (HTTP 409)."""

    default_message = _("This action is not possible in the current state.")

    def __init__(self, message=None, *, state: str = "", version: int | None = None):
        super().__init__(message)
        self.state = state
        self.version = version


class Invalid(CaseworkError):
    """The input breaks a rule; ``errors`` maps each field to its messages (HTTP 400)."""

    default_message = _("Invalid input.")

    def __init__(self, errors: dict | str):
        if isinstance(errors, str):
            errors = {"non_field_errors": [errors]}
        self.errors = errors
        super().__init__(_("Invalid input."))
