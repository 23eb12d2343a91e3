"""Audit sign-ins, failures and lockouts; revoke API tokens when a password or an account ends."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from casework import events, logins


@receiver(user_logged_in, dispatch_uid="casework_audit_login")
def audit_login(sender, request, user, **kwargs):
    channel = "portal" if getattr(user, "is_enterprise_user", False) else "staff"
    events.logged_in(user=user, channel=channel)


@receiver(user_login_failed, dispatch_uid="casework_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    events.login_failed(username=str(credentials.get("username", "")))


@receiver(user_locked_out, dispatch_uid="casework_audit_locked_out")
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    logins.locked_out(username=str(username or ""), address=str(ip_address or ""))


@receiver(pre_save, sender=get_user_model(), dispatch_uid="casework_user_ending")
def note_what_ends(sender, instance, raw=False, **kwargs):
    """Before a user is saved: does this save change the password or deactivate them?"""
    instance._tokens_end = None
    if raw or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password:
        instance._tokens_end = "password_changed"
    elif before["is_active"] and not instance.is_active:
        instance._tokens_end = "deactivated"


@receiver(post_save, sender=get_user_model(), dispatch_uid="casework_revoke_tokens")
def revoke_ended_tokens(sender, instance, raw=False, **kwargs):
    reason = getattr(instance, "_tokens_end", None)
    if reason:
        instance._tokens_end = None
        logins.revoke_tokens(instance, reason=reason)
