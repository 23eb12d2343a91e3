"""Audit logins and failed logins on every channel that uses Django's auth."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from casework import events


@receiver(user_logged_in, dispatch_uid="casework_audit_login")
def audit_login(sender, request, user, **kwargs):
    channel = "portal" if getattr(user, "is_enterprise_user", False) else "staff"
    events.logged_in(user=user, channel=channel)


@receiver(user_login_failed, dispatch_uid="casework_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    events.login_failed(username=str(credentials.get("username", "")))
