"""The API's shared parts: error mapping, the transitions mixin, tokens, the timeline."""

from axes.utils import reset as axes_reset
from django.contrib.auth import authenticate
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiTypes,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from casework import events, labels, logins, timeline
from casework.errors import refusal_message
from casework.exceptions import Conflict, Forbidden, Invalid, NotVisible
from casework.models import AuditEvent
from casework.throttles import SignInRate
from casework.transitions import transition_perform, transitions_available


def exception_handler(exc, context):
    """Map domain errors to 400/403/404/409; leave the rest to DRF."""
    if isinstance(exc, Http404):
        # One answer for "elsewhere" and "does not exist", naming no model.
        return Response({"detail": str(_("Not found."))}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, NotVisible):
        return Response({"detail": str(exc.message)}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, Forbidden):
        return Response({"detail": str(exc.message)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Conflict):
        return Response(
            {"detail": str(exc.message), "state": exc.state, "version": exc.version},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Invalid):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, SuspiciousOperation):  # too large, too many fields, malformed
        return Response({"detail": refusal_message(exc)}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


class AuditEventSerializer(serializers.ModelSerializer):
    """An event of a case's timeline, numbered within the case (``number``, from 1).

    Staff read the audit record itself: the global sequence, the chain's hash,
    the payload and who acted by username. An enterprise user reads what
    happened to its case and when, and who acted by name; the global sequence
    (which tells how much happens elsewhere), the hash and the payload are null.
    """

    number = serializers.SerializerMethodField()
    seq = serializers.SerializerMethodField()
    hash = serializers.SerializerMethodField()
    payload = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()
    role = serializers.CharField(source="actor_role")
    role_label = serializers.SerializerMethodField()
    action_label = serializers.SerializerMethodField()
    transition_label = serializers.SerializerMethodField()
    source_state_label = serializers.SerializerMethodField()
    target_state_label = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "number",
            "seq",
            "recorded_at",
            "occurred_at",
            "actor",
            "role",
            "role_label",
            "action",
            "action_label",
            "transition",
            "transition_label",
            "source_state",
            "source_state_label",
            "target_state",
            "target_state_label",
            "payload",
            "rule_versions",
            "file_hashes",
            "hash",
        ]

    def _staff(self) -> bool:
        return not self.context.get("enterprise_reader", False)

    def get_number(self, event) -> int:
        return event.number

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_seq(self, event):
        return event.seq if self._staff() else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_hash(self, event):
        return event.hash if self._staff() else None

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_payload(self, event):
        return event.payload if self._staff() else None

    def get_actor(self, event) -> str:
        return event.actor_username if self._staff() else timeline.actor_name(event)

    # Labels in the caller's language beside the codes, which stay as they are.
    def get_role_label(self, event) -> str:
        return labels.role_label(event.actor_role)

    def get_action_label(self, event) -> str:
        return labels.action_label(event.action)

    def get_transition_label(self, event) -> str:
        return labels.transition_label(event.object_type, event.transition)

    def get_source_state_label(self, event) -> str:
        return labels.state_label(event.object_type, event.source_state)

    def get_target_state_label(self, event) -> str:
        return labels.state_label(event.object_type, event.target_state)


TransitionListSerializer = inline_serializer(
    "AvailableTransition",
    fields={
        "name": serializers.CharField(),
        "label": serializers.CharField(),
        "target": serializers.CharField(allow_null=True),
        "fields": serializers.ListField(child=serializers.DictField()),
    },
    many=True,
)


class TransitionsMixin:
    """Expose a model's registered FSM transitions and its timeline on a ViewSet.

    The ViewSet's ``get_queryset()`` must return only what the caller may see.
    """

    @extend_schema(responses=TransitionListSerializer, request=None)
    @action(detail=True, methods=["get"], url_path="transitions", pagination_class=None)
    def transitions(self, request, pk=None):
        instance = self.get_object()
        return Response(transitions_available(instance=instance, user=request.user))

    @extend_schema(
        parameters=[OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH)],
        request=OpenApiTypes.OBJECT,
        responses={200: None, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
        description=_(
            "Perform one transition. The body is the transition's payload (see "
            "GET …/transitions/) and may carry `version` for optimistic concurrency."
        ),
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transition(self, request, pk=None, name=None):
        if not isinstance(request.data, dict):
            raise Invalid(str(_("The body must be a JSON object of the payload's fields.")))
        # The payload serializer ignores the undeclared `version` key.
        version = request.data.get("version")
        if version is not None:
            try:
                if isinstance(version, bool):
                    raise TypeError(version)
                version = int(version)
            except (TypeError, ValueError):
                raise Invalid({"version": [str(_("A whole number is required."))]}) from None
        instance = transition_perform(
            queryset=self.get_queryset(),
            pk=pk,
            name=name,
            actor=request.user,
            data=request.data,
            version=version,
        )
        instance = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_serializer(instance).data)

    @extend_schema(responses=AuditEventSerializer(many=True), request=None)
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request, pk=None):
        instance = self.get_object()
        events = list(timeline.timeline_events(obj=instance).select_related("actor"))
        for number, event in enumerate(events, 1):
            event.number = number
        context = {"enterprise_reader": getattr(request.user, "is_enterprise_user", False)}
        return Response(AuditEventSerializer(events, many=True, context=context).data)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenView(APIView):
    """Exchange a username and password for an API token; DELETE revokes the caller's token.

    Each sign-in gets its own token, which expires (``casework.logins.token_ttl``)
    and dies with a password change or a deactivation. Failed sign-ins are locked
    out per account and per address, like the login pages.
    """

    permission_classes = [AllowAny]
    throttle_classes = [SignInRate]

    def get_authenticators(self):
        # Anyone may ask for a token; only a token's holder may revoke it.
        if self.request is not None and self.request.method == "DELETE":
            return [TokenAuthentication()]
        return []

    def get_permissions(self):
        if self.request is not None and self.request.method == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_authenticate_header(self, request):
        # Without it DRF turns a wrong password into 403; it is a 401.
        return "Token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                fields={"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
            ),
        },
    )
    def post(self, request):
        given = TokenRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        # django-axes reads the address from, and marks a lockout on, Django's request.
        user = authenticate(
            request._request,
            username=given.validated_data["username"],
            password=given.validated_data["password"],
        )
        if getattr(request._request, "axes_locked_out", False):
            return logins.lockout_response(request._request)
        if user is None:
            # The failure was audited by the user_login_failed signal.
            raise exceptions.AuthenticationFailed(_("Wrong username or password."))
        events.logged_in(user=user, channel="api_token")
        axes_reset(username=user.get_username())  # as a page sign-in does (user_logged_in)
        token, key = AuthToken.objects.create(user=user, expiry=logins.token_ttl(user))
        return Response({"token": key, "expiry": token.expiry})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        request.auth.delete()
        events.logged_out(user=request.user, channel="api_token")
        return Response(status=status.HTTP_204_NO_CONTENT)
