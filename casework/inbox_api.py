"""``GET /api/v1/inbox/``: the caller's pending tasks across cases.

A staff user's are the tasks assigned to them; an enterprise user's are those
that wait on the enterprise's answer. Each names the case by its collection and
id, so a client opens ``/api/v1/<collection>/<id>/`` next.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import generics, serializers

from casework.flows import collection_of, inbox_for, task_subject


class InboxTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    step = serializers.SerializerMethodField(help_text=_("The task's step in its flow (a code)."))
    step_label = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)
    created = serializers.DateTimeField(read_only=True)
    collection = serializers.SerializerMethodField(
        help_text=_("The API collection of the case the task is about.")
    )
    object_id = serializers.SerializerMethodField(help_text=_("The case's id in its collection."))
    page = serializers.SerializerMethodField(help_text=_("The staff page of the case."))

    def _subject(self, task):
        cached = getattr(task, "_subject", None)
        if cached is None:
            cached = task._subject = task_subject(task)
        return cached

    def get_step(self, task) -> str:
        return task.flow_task.name

    def get_step_label(self, task) -> str:
        return str(task.flow_task.task_title or task.flow_task.name)

    def get_summary(self, task) -> str:
        return str(getattr(task.process.coerced, "summary", ""))

    def get_collection(self, task) -> str:
        return collection_of(self._subject(task)[0])

    def get_object_id(self, task) -> str:
        return self._subject(task)[1]

    def get_page(self, task) -> str:
        subject = self._subject(task)[2]
        url = getattr(subject, "get_absolute_url", None)
        return url() if url and not self.context["request"].user.is_enterprise_user else ""


class InboxView(generics.ListAPIView):
    """The caller's pending tasks, oldest first."""

    serializer_class = InboxTaskSerializer
    filter_backends = []

    def get_queryset(self):
        return inbox_for(self.request.user)
