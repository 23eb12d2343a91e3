"""``GET /api/v1/access-log/?id_number=…``: who looked a person up, when and why.

For supervisors and administrators; it reads the audit trail only. Two kinds
of event are lookups of one person:

- ``person_looked_up`` (``registry.lookups``): a qualification check, a
  worker's page, an evidence download of a finding about the worker, a read of
  this log. Found by the keyed hash of the ID number, their object id (indexed).
- ``worker_checked``: a worker checked on site during an inspection. Its event
  keeps the number masked only, but names its worker check, whose row holds the
  number: the person's checks are found there, then their events.

Scope (nothing outside the caller's leaves the server): a lookup event shows
when both the jurisdiction where its caller works (``made_in``) and that of the
enterprise whose records were read lie in the caller's jurisdiction or below;
a worker check shows when the caller may see its inspection (its timeline
already shows the same event). An administrator bound to no jurisdiction sees
every one. The person's number is shown masked, never in full.

The read itself is written as a lookup of the person, once the page is read.
"""

from django.db.models import Q, QuerySet
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers

from casework.audit import object_label
from casework.identifiers import normalise_id_number, validate_id_number
from casework.models import AuditEvent, Jurisdiction, User
from casework.timeline import actor_name
from casework.visibility import jurisdiction_q
from inspections.events import WORKER_CHECKED
from inspections.models import Inspection, WorkerCheck
from registry.events import PERSON_LOOKED_UP, person_looked_up
from registry.lookups import PERSON_OBJECT_TYPE, Lookup, LookupPurpose, person_key

# A worker checked on site is a lookup too, read from the inspection's own event.
WORKER_CHECK = "worker_check"
LOOKUP_LABELS = {**dict(Lookup.choices), WORKER_CHECK: _("Worker check on site")}


class AccessLogQuery(LookupPurpose):
    """Whose lookups to list; the read's own purpose may be given as for any lookup."""

    id_number = serializers.CharField(
        label=_("Resident ID number"),
        max_length=18,
        validators=[validate_id_number],
        help_text=_("The person whose lookups are listed."),
    )


class AccessLogEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text=_("When the lookup was made (clock time)."))
    who = serializers.CharField(help_text=_("The caller's name."))
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=User.Role.choices)
    lookup = serializers.ChoiceField(choices=list(LOOKUP_LABELS.items()))
    lookup_label = serializers.CharField()
    purpose = serializers.CharField(help_text=_("The reason given in words; empty if none."))
    inspection = serializers.IntegerField(
        allow_null=True, help_text=_("The inspection the lookup was made for, if any.")
    )
    purpose_given = serializers.BooleanField(
        help_text=_("False when the caller gave neither an inspection nor a reason.")
    )
    enterprise = serializers.CharField(
        help_text=_("The enterprise (USCC) whose records were read.")
    )
    id_number = serializers.CharField(help_text=_("The person's ID number, masked."))


def _unrestricted(user) -> bool:
    return user.is_superuser or (user.role == User.Role.ADMIN and user.jurisdiction_id is None)


def lookups_of(user, id_number: str) -> tuple[QuerySet[AuditEvent], dict[int, str]]:
    """The events of lookups of this person that ``user`` may see, newest first.

    Also the enterprise (USCC) of each of the person's worker checks found.
    """
    number = normalise_id_number(id_number)
    looked_up = Q(
        action=PERSON_LOOKED_UP.action, object_type=PERSON_OBJECT_TYPE, object_id=person_key(number)
    )
    if not _unrestricted(user):
        places = list(
            Jurisdiction.objects.filter(jurisdiction_q(user, "path")).values_list("code", flat=True)
        )
        looked_up &= Q(payload__made_in__in=places, payload__jurisdiction__in=places)
    checks = WorkerCheck.objects.filter(
        id_number=number, inspection__in=Inspection.objects.visible_to(user)
    ).values_list("pk", "inspection_id", "inspection__enterprise__uscc")
    enterprises, inspections = {}, set()
    for pk, inspection, uscc in checks:
        enterprises[pk] = uscc
        inspections.add(str(inspection))
    condition = looked_up
    if enterprises:
        condition |= Q(
            action=WORKER_CHECKED.action,
            object_type=object_label(Inspection),
            object_id__in=sorted(inspections),
            payload__worker_check__in=sorted(enterprises),
        )
    events = AuditEvent.objects.filter(condition).select_related("actor").order_by("-seq")
    return events, enterprises


def entry(event: AuditEvent, enterprises: dict[int, str]) -> dict:
    payload = event.payload
    if event.action == WORKER_CHECKED.action:
        lookup, purpose, inspection = WORKER_CHECK, "", int(event.object_id)
        enterprise = enterprises.get(payload.get("worker_check"), "")
    else:
        lookup, purpose = payload.get("lookup", ""), payload.get("purpose", "")
        inspection, enterprise = payload.get("inspection"), payload.get("enterprise", "")
    return {
        "at": event.occurred_at,
        "who": actor_name(event),
        "username": event.actor_username,
        "role": event.actor_role,
        "lookup": lookup,
        "lookup_label": str(LOOKUP_LABELS.get(lookup, lookup)),
        "purpose": purpose,
        "inspection": inspection,
        "purpose_given": bool(purpose) or inspection is not None,
        "enterprise": enterprise,
        "id_number": payload.get("id_number", ""),
    }


class AccessLogView(generics.ListAPIView):
    """Who looked this person up: each lookup with its caller, time and purpose, newest first.

    Supervisors and administrators only (others: 403). A supervisor sees the
    lookups made by callers of their jurisdiction and below, of enterprises
    there, and the worker checks of the inspections they may see. Reading this
    log is itself written as a lookup of the person.
    """

    serializer_class = AccessLogEntrySerializer
    queryset = AuditEvent.objects.none()  # for the schema; the events are read in get()
    filter_backends = ()

    @extend_schema(parameters=[AccessLogQuery], responses=AccessLogEntrySerializer(many=True))
    def get(self, request, *args, **kwargs):
        user = request.user
        if not user.has_role(User.Role.SUPERVISOR, User.Role.ADMIN):
            raise exceptions.PermissionDenied(_("Only supervisors read the access log."))
        query = AccessLogQuery(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        given = query.validated_data
        events, enterprises = lookups_of(user, given["id_number"])
        page = [entry(event, enterprises) for event in self.paginate_queryset(events)]
        person_looked_up(
            actor=user,
            lookup=Lookup.ACCESS_LOG,
            id_number=given["id_number"],
            enterprise=None,
            purpose=given["purpose"],
            inspection=given["inspection"],
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# Included by config/urls.py under api/v1/access-log/.
urlpatterns = [path("", AccessLogView.as_view(), name="access-log")]
