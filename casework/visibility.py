"""Who may see what: the building blocks that each collection's ``visible_to`` uses.

Staff see their own jurisdiction and everything below it; enterprise users see
only their own enterprise. Anything else is answered as if it did not exist.
"""

from django.db import models
from django.db.models import Q


def nothing() -> Q:
    return Q(pk__in=[])


def jurisdiction_q(user, path_lookup: str) -> Q:
    """Limit to objects whose jurisdiction path (``path_lookup``) lies under the user's."""
    if user is None or not user.is_authenticated or not user.is_active:
        return nothing()
    if user.is_superuser or (user.role == user.Role.ADMIN and user.jurisdiction_id is None):
        return Q()
    if not user.is_staff_role or user.jurisdiction_id is None:
        return nothing()
    return Q(**{f"{path_lookup}__startswith": user.jurisdiction.path})


def enterprise_q(user, enterprise_lookup: str) -> Q:
    """Limit to objects of the enterprise user's own enterprise."""
    if user is None or not user.is_authenticated or not user.is_active:
        return nothing()
    if user.is_enterprise_user and user.enterprise_id is not None:
        return Q(**{enterprise_lookup: user.enterprise_id})
    return nothing()


def staff_or_enterprise_q(user, *, path_lookup: str, enterprise_lookup: str) -> Q:
    """Staff by jurisdiction, enterprise users by their enterprise."""
    if user is not None and getattr(user, "is_enterprise_user", False):
        return enterprise_q(user, enterprise_lookup)
    return jurisdiction_q(user, path_lookup)


def visibility_q(model: type[models.Model], user) -> Q:
    """The condition of ``model.objects.visible_to(user)``, from ``model.visibility``."""
    path_lookup, enterprise_lookup = model.visibility
    return staff_or_enterprise_q(user, path_lookup=path_lookup, enterprise_lookup=enterprise_lookup)


def sees(user, *, path: str, enterprise_id: int) -> bool:
    """``staff_or_enterprise_q`` for one object already read: its jurisdiction path and enterprise.

    For callers that have the object's place in hand from a statement they sent
    anyway (the qualification check's registers) and must not send another.
    ``tests/casework/test_visibility.py`` holds it equal to the query form.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_enterprise_user", False):
        return user.enterprise_id is not None and user.enterprise_id == enterprise_id
    if user.is_superuser or (user.role == user.Role.ADMIN and user.jurisdiction_id is None):
        return True
    if not user.is_staff_role or user.jurisdiction_id is None:
        return False
    return path.startswith(user.jurisdiction.path)


class VisibleQuerySet(models.QuerySet):
    """For models that declare ``visibility = (jurisdiction path lookup, enterprise lookup)``."""

    def visible_to(self, user):
        return self.filter(visibility_q(self.model, user))
