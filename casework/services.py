"""Verbs of the spine: users."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casework import events
from casework.exceptions import Invalid
from casework.models import Enterprise, Jurisdiction


def user_create(
    *,
    username: str,
    role: str,
    password: str,
    jurisdiction_code: str | None = None,
    credential_no: str = "",
    credential_valid_from: datetime.date | None = None,
    credential_valid_until: datetime.date | None = None,
    enterprise_uscc: str | None = None,
    full_name: str = "",
    actor=None,
    check_password: bool = True,
):
    """Create a user with a role, or raise Invalid naming each field and rule broken."""
    User = get_user_model()  # noqa: N806
    errors: dict[str, list[str]] = {}
    if role not in User.Role.values:
        errors["role"] = [_("Unknown role; use one of: %s.") % ", ".join(User.Role.values)]
    if User.objects.filter(username=username).exists():
        errors["username"] = [_("This username is taken.")]
    jurisdiction = None
    if jurisdiction_code:
        jurisdiction = Jurisdiction.objects.filter(code=jurisdiction_code).first()
        if jurisdiction is None:
            errors["jurisdiction"] = [_("No jurisdiction has the code %s.") % jurisdiction_code]
    elif role in (User.Role.OFFICER, User.Role.SUPERVISOR, User.Role.LEGAL_REVIEWER):
        errors["jurisdiction"] = [_("Staff users belong to a jurisdiction.")]
    enterprise = None
    if role == User.Role.ENTERPRISE:
        if not enterprise_uscc:
            errors["enterprise"] = [_("An enterprise user is bound to one enterprise.")]
        else:
            enterprise = Enterprise.objects.filter(uscc=enterprise_uscc).first()
            if enterprise is None:
                errors["enterprise"] = [_("No enterprise has the USCC %s.") % enterprise_uscc]
    elif enterprise_uscc:
        errors["enterprise"] = [_("Only enterprise users are bound to an enterprise.")]
    if role == User.Role.OFFICER and not (credential_no and credential_valid_until):
        errors["credential_no"] = [
            _("An officer needs a credential number and its validity end date.")
        ]
    if (
        credential_valid_from
        and credential_valid_until
        and (credential_valid_until < credential_valid_from)
    ):
        errors["credential_valid_until"] = [_("The validity ends before it starts.")]
    if check_password:
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        user = User(
            username=username,
            role=role,
            jurisdiction=jurisdiction if role != User.Role.ENTERPRISE else enterprise.jurisdiction,
            enterprise=enterprise,
            credential_no=credential_no,
            credential_valid_from=credential_valid_from,
            credential_valid_until=credential_valid_until,
            is_staff=role == User.Role.ADMIN,
            is_superuser=role == User.Role.ADMIN,
        )
        if full_name:
            user.last_name = full_name
        user.set_password(password)
        user.save()
        events.user_created(
            user=user,
            actor=actor,
            payload={
                "username": username,
                "role": role,
                "jurisdiction": jurisdiction_code or "",
                "enterprise": enterprise_uscc or "",
                "credential_no": credential_no,
                "credential_valid_until": credential_valid_until,
            },
        )
    return user
