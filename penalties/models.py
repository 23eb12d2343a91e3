"""Administrative penalty cases (行政处罚案件) and their parties.

The legal state is ``PenaltyCase.state``: every canonical state of the general
procedure and its side exits, moved only through ``casework.transitions``. This
module holds the transitions from ``proposed`` to ``approved`` and the side
exits; the notice, the party's windows, the decision and what follows it come
with later work. Two canonical transition names are Python keywords, ``pass``
and ``return``: their methods are ``review_pass`` and ``review_return``, renamed
(``_named``) and also set on the class under the canonical name.

Money is ``Decimal`` in yuan with fen (``decimal_places=2``), never a float.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition
from viewflow.workflow.models import Process

from casework import clock
from casework.transitions import system_only
from casework.visibility import VisibleQuerySet

MONEY = {"max_digits": 12, "decimal_places": 2}


def _named(name: str):
    """Give a transition method its canonical name (``pass``, ``return``)."""

    def rename(func):
        func.__name__ = name
        func.__qualname__ = f"PenaltyCase.{name}"
        return func

    return rename


def _is_supervisor(case, user) -> bool:
    return user.has_role("supervisor")


def _is_officer(case, user) -> bool:
    return user.has_role("officer")


def _is_investigator(case, user) -> bool:
    return user.has_role("officer") and case.investigators.filter(pk=user.pk).exists()


def _is_reviewer_who_did_not_investigate(case, user) -> bool:
    return user.has_role("legal_reviewer") and not case.investigators.filter(pk=user.pk).exists()


def _is_supervisor_who_did_not_propose(case, user) -> bool:
    return user.has_role("supervisor") and case.concluded_by_id != user.pk


def _is_officer_or_supervisor(case, user) -> bool:
    return user.has_role("officer", "supervisor")


def _is_party(case, user) -> bool:
    return getattr(user, "is_enterprise_user", False) and user.enterprise_id == case.enterprise_id


def _is_presider(case, user) -> bool:
    return user.is_authenticated and case.hearing_presider_id == user.pk


def _hearing_eligible(case) -> bool:
    return case.hearing_eligible


_hearing_eligible.message = _("This penalty gives no right to a hearing.")


class PenaltyCase(FSMModelMixin, models.Model):
    """One penalty case against an enterprise and, at stage two, its responsible persons."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        FILED = "filed", _("Filed")
        INVESTIGATING = "investigating", _("Under investigation")
        LEGAL_REVIEW = "legal_review", _("Under legal review")
        CONCLUDED = "concluded", _("Investigation concluded")
        APPROVED = "approved", _("Approved")
        NOTIFIED = "notified", _("Party notified")
        STATEMENT_REVIEW = "statement_review", _("Statement under review")
        HEARING_REQUESTED = "hearing_requested", _("Hearing requested")
        HEARING_SCHEDULED = "hearing_scheduled", _("Hearing scheduled")
        HEARING_HELD = "hearing_held", _("Hearing held")
        POST_HEARING_REVIEW = "post_hearing_review", _("Review after the hearing")
        DECISION_PENDING = "decision_pending", _("Decision pending")
        DECIDED = "decided", _("Decided")
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        OVERDUE = "overdue", _("Payment overdue")
        DEMAND_SERVED = "demand_served", _("Demand served")
        ENFORCEMENT_APPLIED = "enforcement_applied", _("Court enforcement applied for")
        CLOSED = "closed", _("Closed")
        NO_PENALTY = "no_penalty", _("No penalty")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        TRANSFERRED = "transferred", _("Transferred")

    OPEN_STATES = (
        State.PROPOSED,
        State.FILED,
        State.INVESTIGATING,
        State.LEGAL_REVIEW,
        State.CONCLUDED,
        State.APPROVED,
        State.NOTIFIED,
        State.STATEMENT_REVIEW,
        State.HEARING_REQUESTED,
        State.HEARING_SCHEDULED,
        State.HEARING_HELD,
        State.POST_HEARING_REVIEW,
        State.DECISION_PENDING,
    )

    class Basis(models.TextChoices):
        ART97_STAGE1 = "art97_stage1", _("Work Safety Law art. 97, first stage")
        ART97_STAGE2 = "art97_stage2", _("Work Safety Law art. 97, second stage (not corrected)")
        ART112 = "art112", _("Work Safety Law art. 112 (continuing refusal)")

    basis = models.CharField(_("legal basis"), max_length=20, choices=Basis.choices)
    enterprise = models.ForeignKey(
        "casework.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        verbose_name=_("inspection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    rectification_order = models.ForeignKey(
        "inspections.RectificationOrder",
        verbose_name=_("rectification order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    findings = models.ManyToManyField(
        "inspections.Finding", verbose_name=_("findings"), blank=True, related_name="penalty_cases"
    )
    state = FSMField(
        _("state"), default=State.PROPOSED, choices=State.choices, protected=True, db_index=True
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    suspension_ordered = models.BooleanField(
        _("order to suspend production"),
        default=False,
        help_text=_("停产停业整顿: part of the second-stage penalty of art. 97."),
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    investigators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("investigating officers"),
        blank=True,
        related_name="penalty_investigations",
    )
    facts = models.TextField(_("facts found"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_required = models.BooleanField(_("legal review required"), default=False)
    review_opinion = models.TextField(_("legal review opinion"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    hearing_eligible = models.BooleanField(_("hearing may be requested"), default=False)
    notified_on = models.DateField(_("notice served on"), null=True, blank=True)
    notice_method = models.CharField(_("service method of the notice"), max_length=20, blank=True)
    statement = models.TextField(_("statement and defence"), blank=True)
    statement_at = models.DateTimeField(_("statement made at"), null=True, blank=True)
    statement_opinion = models.TextField(_("review of the statement"), blank=True)
    waiver = models.TextField(_("written waiver"), blank=True)
    waived_at = models.DateTimeField(_("waived at"), null=True, blank=True)
    hearing_requested_at = models.DateTimeField(_("hearing requested at"), null=True, blank=True)
    hearing_on = models.DateField(_("hearing on"), null=True, blank=True)
    hearing_notice_served_on = models.DateField(
        _("hearing notice served on"), null=True, blank=True
    )
    hearing_presider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hearing presider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hearing_record = models.TextField(_("hearing record"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_served_on = models.DateField(_("decision served on"), null=True, blank=True)
    closing_reason = models.TextField(_("reason"), blank=True)
    transferred_to = models.CharField(_("transferred to"), max_length=200, blank=True)
    rule_versions = models.JSONField(_("rule versions"), default=dict, blank=True)

    visibility = ("enterprise__jurisdiction__path", "enterprise_id")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("penalty case")
        verbose_name_plural = _("penalty cases")
        ordering = ["-proposed_at", "-pk"]

    def __str__(self):
        return _("Penalty case %(pk)s of %(enterprise)s") % {
            "pk": self.pk,
            "enterprise": self.enterprise,
        }

    def get_absolute_url(self) -> str:
        return reverse("penalties:case", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @transition(
        field=state,
        source=State.PROPOSED,
        target=State.FILED,
        permission=_is_supervisor,
        custom={
            "label": _("File the case"),
            "confirm": _("File the case (立案)? The investigation may then begin."),
        },
    )
    def file(self, *, note=""):
        self.filed_at = clock.now()

    @transition(
        field=state,
        source=State.FILED,
        target=State.INVESTIGATING,
        permission=_is_officer,
        custom={"label": _("Start the investigation")},
    )
    def start_investigation(self, *, officers):
        pass

    @transition(
        field=state,
        source=State.INVESTIGATING,
        target=RETURN_VALUE(State.LEGAL_REVIEW, State.CONCLUDED),
        permission=_is_investigator,
        custom={
            "label": _("Conclude with a proposal"),
            "confirm": _("Conclude the investigation and propose these amounts?"),
        },
    )
    def conclude(self, *, facts, parties, review_required):
        self.facts = facts
        self.concluded_at = clock.now()
        self.review_required = review_required
        return self.State.LEGAL_REVIEW if review_required else self.State.CONCLUDED

    @transition(
        field=state,
        source=State.LEGAL_REVIEW,
        target=State.CONCLUDED,
        permission=_is_reviewer_who_did_not_investigate,
        custom={"label": _("Pass the legal review")},
    )
    @transition(
        field=state,
        source=State.POST_HEARING_REVIEW,
        target=State.DECISION_PENDING,
        permission=_is_reviewer_who_did_not_investigate,
        custom={"label": _("Pass the legal review")},
    )
    @_named("pass")
    def review_pass(self, *, opinion):
        self.review_opinion = opinion
        self.reviewed_at = clock.now()

    @transition(
        field=state,
        source=State.LEGAL_REVIEW,
        target=State.INVESTIGATING,
        permission=_is_reviewer_who_did_not_investigate,
        custom={"label": _("Return for more investigation")},
    )
    @_named("return")
    def review_return(self, *, opinion):
        self.review_opinion = opinion
        self.reviewed_at = clock.now()

    @transition(
        field=state,
        source=State.CONCLUDED,
        target=State.APPROVED,
        permission=_is_supervisor_who_did_not_propose,
        custom={
            "label": _("Approve"),
            "confirm": _("Approve the proposed penalty? The party is notified next."),
        },
    )
    def approve(self, *, note=""):
        self.approved_at = clock.now()

    @transition(
        field=state,
        source=State.APPROVED,
        target=State.NOTIFIED,
        permission=_is_officer_or_supervisor,
        custom={
            "label": _("Serve the notice"),
            "confirm": _(
                "Record the service of the notice of the proposed penalty? The party's "
                "periods to state its case and to ask for a hearing start from that day."
            ),
        },
    )
    def notify(self, *, service_method, served_on):
        self.notified_on = served_on
        self.notice_method = service_method

    @transition(
        field=state,
        source=State.NOTIFIED,
        target=State.STATEMENT_REVIEW,
        permission=_is_party,
        custom={
            "label": _("Submit a statement and defence"),
            "confirm": _("Send the statement and defence to the bureau?"),
        },
    )
    def submit_statement(self, *, statement):
        self.statement = statement
        self.statement_at = clock.now()

    @transition(
        field=state,
        source=State.STATEMENT_REVIEW,
        target=State.DECISION_PENDING,
        permission=_is_supervisor,
        custom={"label": _("Review the statement")},
    )
    def review_statement(self, *, opinion, parties):
        self.statement_opinion = opinion

    @transition(
        field=state,
        source=State.NOTIFIED,
        target=State.HEARING_REQUESTED,
        permission=_is_party,
        conditions=[_hearing_eligible],
        custom={
            "label": _("Request a hearing"),
            "confirm": _("Request a hearing? The bureau will set its date and notify you."),
        },
    )
    def request_hearing(self, *, reason=""):
        self.hearing_requested_at = clock.now()

    @transition(
        field=state,
        source=State.HEARING_REQUESTED,
        target=State.HEARING_SCHEDULED,
        permission=_is_supervisor,
        custom={
            "label": _("Schedule the hearing"),
            "confirm": _("Set the hearing on this day, with this presider?"),
        },
    )
    def schedule_hearing(self, *, hearing_on, notice_served_on, presider):
        self.hearing_on = hearing_on
        self.hearing_notice_served_on = notice_served_on
        self.hearing_presider = presider

    @transition(
        field=state,
        source=State.HEARING_SCHEDULED,
        target=State.HEARING_HELD,
        permission=_is_presider,
        custom={
            "label": _("Record the hearing"),
            "confirm": _("Record the hearing as held? Its record cannot be changed afterwards."),
        },
    )
    def hold_hearing(self, *, record):
        self.hearing_record = record

    @transition(
        field=state,
        source=State.HEARING_HELD,
        target=State.POST_HEARING_REVIEW,
        permission=_is_officer_or_supervisor,
        custom={"label": _("Send for legal review after the hearing")},
    )
    def send_to_review(self, *, note=""):
        self.review_required = True

    @transition(
        field=state,
        source=State.NOTIFIED,
        target=State.DECISION_PENDING,
        permission=_is_party,
        custom={
            "label": _("Waive the statement and the hearing"),
            "confirm": _(
                "Waive in writing the right to state your case and to a hearing? The "
                "bureau may then decide at once. This cannot be taken back."
            ),
            "danger": True,
        },
    )
    def waive(self, *, waiver):
        self.waiver = waiver
        self.waived_at = clock.now()

    @transition(
        field=state,
        source=State.NOTIFIED,
        target=State.DECISION_PENDING,
        permission=system_only,
        custom={"label": _("The party's periods elapsed"), "system": True},
    )
    def windows_elapse(self):
        pass

    @transition(
        field=state,
        source=State.DECISION_PENDING,
        target=State.DECIDED,
        permission=_is_supervisor,
        custom={
            "label": _("Decide"),
            "confirm": _(
                "Decide the penalty (行政处罚决定)? The decision is then served on the party "
                "and cannot be changed."
            ),
        },
    )
    def decide(self, *, parties):
        self.decided_at = clock.now()

    @transition(
        field=state,
        source=State.PROPOSED,
        target=State.DECIDED,
        permission=_is_officer,
        custom={
            "label": _("Decide on the spot"),
            "confirm": _(
                "Decide the fine on the spot (simple procedure)? The decision is handed to "
                "the party at once and cannot be changed."
            ),
        },
    )
    def decide_on_spot(self, *, facts, parties):
        self.facts = facts
        self.decided_at = clock.now()

    @transition(
        field=state,
        source=State.DECIDED,
        target=State.AWAITING_PAYMENT,
        permission=_is_officer_or_supervisor,
        custom={
            "label": _("Serve the decision"),
            "confirm": _("Record the service of the decision? The payment period starts."),
        },
    )
    def serve(self, *, service_method, served_on):
        self.decision_served_on = served_on

    @transition(
        field=state,
        source=[State.INVESTIGATING, State.CONCLUDED, State.DECISION_PENDING],
        target=State.NO_PENALTY,
        permission=_is_supervisor,
        custom={
            "label": _("No penalty"),
            "confirm": _("Close the case without a penalty? It cannot be reopened."),
            "danger": True,
        },
    )
    def no_penalty(self, *, reason):
        self.closing_reason = reason

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=State.WITHDRAWN,
        permission=_is_supervisor,
        custom={
            "label": _("Withdraw"),
            "confirm": _("Withdraw the case? It cannot be taken up again."),
            "danger": True,
        },
    )
    def withdraw(self, *, reason):
        self.closing_reason = reason

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=State.TRANSFERRED,
        permission=_is_supervisor,
        custom={
            "label": _("Transfer"),
            "confirm": _("Transfer the case to another authority? It ends here."),
            "danger": True,
        },
    )
    def transfer(self, *, to, reason):
        self.transferred_to = to
        self.closing_reason = reason


# The canonical names of the two transitions whose names are keywords.
setattr(PenaltyCase, "pass", PenaltyCase.review_pass)
setattr(PenaltyCase, "return", PenaltyCase.review_return)


class PenaltyParty(models.Model):
    """A party of the case: the unit, or a directly responsible person (stage two)."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("The unit")
        PERSON = "person", _("A directly responsible person")

    case = models.ForeignKey(
        PenaltyCase,
        verbose_name=_("penalty case"),
        on_delete=models.CASCADE,
        related_name="parties",
    )
    kind = models.CharField(_("kind of party"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    id_number = models.CharField(_("resident ID number"), max_length=18, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    proposed_amount = models.DecimalField(_("proposed fine (yuan)"), null=True, blank=True, **MONEY)
    notified_amount = models.DecimalField(
        _("fine in the notice (yuan)"), null=True, blank=True, **MONEY
    )
    reviewed_amount = models.DecimalField(
        _("fine after the statement (yuan)"), null=True, blank=True, **MONEY
    )
    decided_amount = models.DecimalField(_("fine decided (yuan)"), null=True, blank=True, **MONEY)
    tier = models.CharField(_("discretion tier"), max_length=20, blank=True)
    tier_rule = models.ForeignKey(
        "penalties.DiscretionTier",
        verbose_name=_("discretion tier applied"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outside_tier_reason = models.TextField(_("reason for an amount outside the tier"), blank=True)

    class Meta:
        verbose_name = _("party of a penalty case")
        verbose_name_plural = _("parties of penalty cases")
        ordering = ["case", "-kind", "pk"]  # the unit ("unit" > "person") first
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(kind="unit"), name="one_unit_per_case"
            )
        ]

    def __str__(self):
        return self.name


class DiscretionTier(models.Model):
    """One tier of a discretion benchmark (裁量基准): an amount range within the law's.

    Rows are versioned per jurisdiction (null: national) and effective date, like
    the period rules, and loaded from a file (``manage.py load_discretion``);
    ``sample`` marks rows from the project's sample file, which is not law.
    """

    class Tier(models.TextChoices):
        LIGHTER = "lighter", _("Lighter")
        ORDINARY = "ordinary", _("Ordinary")
        HEAVIER = "heavier", _("Heavier")

    jurisdiction = models.ForeignKey(
        "casework.Jurisdiction",
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    effective_from = models.DateField(_("effective from"))
    basis = models.CharField(_("legal basis"), max_length=20, choices=PenaltyCase.Basis.choices)
    party_kind = models.CharField(
        _("kind of party"), max_length=10, choices=PenaltyParty.Kind.choices
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    low = models.DecimalField(_("from (yuan)"), **MONEY)
    high = models.DecimalField(_("to (yuan)"), **MONEY)
    circumstances = models.TextField(_("circumstances"))
    source = models.CharField(_("source"), max_length=300)
    sample = models.BooleanField(_("sample, not law"), default=False)

    class Meta:
        verbose_name = _("discretion tier")
        verbose_name_plural = _("discretion tiers")
        ordering = ["basis", "party_kind", "-effective_from", "low"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "effective_from", "basis", "party_kind", "tier"],
                name="one_tier_per_version",
            )
        ]

    def __str__(self):
        return f"{self.get_tier_display()} {self.low}–{self.high}"


class CaseProcess(Process):
    """The routing of one penalty case's work (``penalties.flows.PenaltyFlow``): one per case."""

    case = models.OneToOneField(
        PenaltyCase,
        verbose_name=_("penalty case"),
        on_delete=models.PROTECT,
        related_name="process",
    )

    class Meta:
        verbose_name = _("penalty case process")
        verbose_name_plural = _("penalty case processes")

    def case_subject(self) -> tuple[str, str]:
        return PenaltyCase._meta.label_lower, str(self.case_id)

    @property
    def summary(self) -> str:
        return str(self.case)
