"""``POST /api/v1/qualification-checks/``: the officer's one-second answer.

Two reads per check, whatever the input: the enterprise among those the caller
may see, then the registers (``registry.qualification.REGISTERS_SQL``). Then the
lookup is written to the audit trail (``registry.lookups``: the chain head
locked, the event, the head moved on: three statements), with its purpose; an
``inspection`` given as the purpose is one more read.
"""

import copy
import functools

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from casework import clock
from casework.dates import validate_real_date
from casework.identifiers import mask_id_number, validate_id_number
from casework.models import Enterprise
from casework.visibility import visibility_q
from registry.disclosure import disclose
from registry.events import person_looked_up
from registry.lookups import Lookup, LookupPurpose
from registry.models import SpecialOpsCategory
from registry.qualification import Qualification, qualification_check

# A stand-in that no USCC can be, to find the USCC's place among the parameters.
_USCC = "\x00uscc"
_ENTERPRISE_FIELDS = [f.attname for f in Enterprise._meta.concrete_fields]


def enterprise_visibility(user) -> Q:
    """The condition of ``Enterprise.objects.visible_to(user)``."""
    return visibility_q(Enterprise, user)


@functools.lru_cache(maxsize=1024)
def _enterprise_lookup_sql(visible: Q, alias: str) -> tuple[str, tuple, int] | None:
    """The ORM's SQL for "the visible enterprise with this USCC", compiled once per visibility.

    USCCs are unique: no ordering (no join or sort for it), one row at most.
    ``None`` when the caller may see no enterprise at all.
    """
    query = Enterprise.objects.filter(visible, uscc=_USCC).order_by()[:1].query
    try:
        sql, params = query.get_compiler(using=alias).as_sql()
    except EmptyResultSet:
        return None
    return sql, tuple(params), list(params).index(_USCC)


def visible_enterprise(user, uscc: str) -> Enterprise | None:
    """``Enterprise.objects.visible_to(user).filter(uscc=uscc).first()``, without compiling it."""
    alias = router.db_for_read(Enterprise)
    compiled = _enterprise_lookup_sql(enterprise_visibility(user), alias)
    if compiled is None:
        return None
    sql, params, at = compiled
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, (*params[:at], uscc, *params[at + 1 :]))
        row = cursor.fetchone()
    return None if row is None else Enterprise.from_db(alias, _ENTERPRISE_FIELDS, row)


class QualificationQuery(LookupPurpose):
    """The check's input, with the optional purpose of the lookup (``inspection``, ``purpose``)."""

    enterprise = serializers.CharField(label=_("Enterprise (USCC)"), max_length=18)
    id_number = serializers.CharField(
        label=_("Resident ID number"), max_length=18, validators=[validate_id_number]
    )
    job = serializers.CharField(label=_("Job"), max_length=100)
    on = serializers.DateField(
        label=_("On"),
        required=False,
        help_text=_("Default: today."),
        validators=[validate_real_date],
    )
    special_ops = serializers.ListField(
        child=serializers.ChoiceField(choices=SpecialOpsCategory.choices),
        label=_("Special-operations categories"),
        required=False,
        default=list,
    )
    is_team_leader = serializers.BooleanField(
        label=_("Team leader"), required=False, allow_null=True, default=None
    )

    def get_fields(self):
        # DRF deep-copies the declared fields for every instance, which costs more
        # than the decision's own Python. These fields keep no state from one
        # request to the next: a shallow copy for this instance to bind is enough.
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}

    def validate_enterprise(self, uscc):
        enterprise = visible_enterprise(self.context["request"].user, uscc.strip().upper())
        if enterprise is None:
            raise serializers.ValidationError(_("No enterprise with this USCC that you may see."))
        return enterprise


def qualification_as_dict(result: Qualification, *, id_number: str, user) -> dict:
    """The answer as the API gives it to ``user``.

    The ID number is masked; register rows that ``user`` may not read are named
    by their kind only (``registry.disclosure``).
    """
    reasons = [reason.as_dict() for reason in result.reasons]
    rows, *reason_rows = disclose(
        user,
        [result.rows, *(reason["rows"] for reason in reasons)],
        places=result.places,
    )
    return {
        "id_number": mask_id_number(id_number),
        "qualified": result.qualified,
        "reasons": [
            {**reason, "rows": shown} for reason, shown in zip(reasons, reason_rows, strict=True)
        ],
        "worker": result.worker.pk if result.worker else None,
        "special_ops": list(result.special_ops),
        "is_team_leader": result.is_team_leader,
        "rows": rows,
    }


class QualificationCheckView(APIView):
    """Check a person against the registers for a job at an enterprise on a date.

    Every check is written to the audit trail as a lookup of the person, with its
    purpose: `inspection` (one you may see), `purpose` (a reason in words), both
    or neither. Supervisors read them at `GET /api/v1/access-log/`.
    """

    @extend_schema(
        request=QualificationQuery,
        responses=inline_serializer(
            "QualificationResult",
            fields={
                "id_number": serializers.CharField(),
                "qualified": serializers.BooleanField(),
                "reasons": serializers.ListField(child=serializers.DictField()),
                "worker": serializers.IntegerField(allow_null=True),
                "special_ops": serializers.ListField(child=serializers.CharField()),
                "is_team_leader": serializers.BooleanField(),
                "rows": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def post(self, request):
        query = QualificationQuery(data=request.data, context={"request": request})
        query.is_valid(raise_exception=True)
        given = query.validated_data
        result = qualification_check(
            enterprise=given["enterprise"],
            id_number=given["id_number"],
            job=given["job"],
            on=given.get("on") or clock.today(),
            special_ops=given["special_ops"],
            is_team_leader=given["is_team_leader"],
        )
        # Written once the check has been made; a refused request writes nothing.
        person_looked_up(
            actor=request.user,
            lookup=Lookup.QUALIFICATION_CHECK,
            id_number=given["id_number"],
            enterprise=given["enterprise"],
            purpose=given["purpose"],
            inspection=given["inspection"],
        )
        return Response(
            qualification_as_dict(
                result,
                id_number=given["id_number"],
                user=request.user,
            )
        )
