"""Lookups of a person's records: what the trail keeps of one, and the purpose a caller gives.

A lookup is a read of one person's records: a qualification check by ID
number, a worker's page (staff read the full ID number there), an evidence
file of a finding about a worker, the access log of a person. Each successful one writes one
``person_looked_up`` event (``registry.events``): who, when, whom, why.
Lists are not lookups and write nothing.

Whom: the ID number is never kept in full. The event keeps it masked for the
reader and, as its object id, a keyed hash (``person_key``) by which the access
log finds every lookup of one person; the hash cannot be read back and, without
the server's secret, cannot be computed from a guessed number either.

Why: an inspection the caller may see, or a reason in words, or both; when
neither is given, the event says so (an empty purpose and no inspection).
The inspection is the inspections app's, above this layer: that app registers
how to tell whether a caller may see one (``inspection_visibility_register``).
"""

from collections.abc import Callable

from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.identifiers import normalise_id_number

# The object of a lookup event: the person, named by ``person_key`` (64 hex digits).
PERSON_OBJECT_TYPE = "registry.person"
# A fixed salt: the key is derived from SECRET_KEY for this use alone.
_PERSON_KEY_SALT = "casework.registry.lookups.person"
# The largest id a database's integer key can hold; a larger one is no inspection.
_MAX_ID = 2**63 - 1


class Lookup(models.TextChoices):
    """What the caller looked at."""

    QUALIFICATION_CHECK = "qualification_check", _("Qualification check")
    WORKER_DETAIL = "worker_detail", _("Worker's page")
    EVIDENCE_DOWNLOAD = "evidence_download", _("Evidence download")
    # Who looked a person up is itself about the person: reading it is a lookup.
    ACCESS_LOG = "access_log", _("Access log read")


def person_key(id_number: str) -> str:
    """HMAC-SHA256 of the normalised ID number, keyed from SECRET_KEY: the same for one person."""
    return salted_hmac(
        _PERSON_KEY_SALT, normalise_id_number(id_number), algorithm="sha256"
    ).hexdigest()


# Whether a user may see the inspection with this id; set by the inspections app.
_inspection_visible: Callable[[object, int], bool] | None = None


def inspection_visibility_register(visible: Callable[[object, int], bool]) -> None:
    """Tell the registers how to decide whether ``user`` may see inspection ``pk``."""
    global _inspection_visible
    _inspection_visible = visible


class LookupPurpose(serializers.Serializer):
    """Why the caller looks: an inspection, a reason, both or neither (all optional)."""

    inspection = serializers.IntegerField(
        label=_("Inspection"),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The inspection this lookup is made for (one you may see)."),
    )
    purpose = serializers.CharField(
        label=_("Purpose"),
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text=_("Why you look this person up, when it is not for an inspection."),
    )

    def validate_inspection(self, pk):
        if pk is None:
            return None
        user = self.context["request"].user
        if (
            not 1 <= pk <= _MAX_ID
            or _inspection_visible is None
            or not _inspection_visible(user, pk)
        ):
            # Another county's inspection and one that does not exist are one answer.
            raise serializers.ValidationError(_("No such inspection."))
        return pk


def purpose_of(request, data) -> dict:
    """The purpose given in ``data`` (a body, a query string); a 400 naming the field if wrong."""
    given = LookupPurpose(data=data, context={"request": request})
    given.is_valid(raise_exception=True)
    return {
        "purpose": given.validated_data["purpose"],
        "inspection": given.validated_data["inspection"],
    }
