"""What the law allows: the statutory range of a fine per basis and kind of party.

Work Safety Law (2021) art. 97: a unit that lets a worker on duty untrained, or
a special-operations worker without a certificate, is ordered to correct within
a time limit and may be fined up to 100,000 yuan (stage one); if it does not
correct by then, it is ordered to suspend production and fined 100,000 to
200,000 yuan, and each directly responsible person 20,000 to 50,000 yuan (stage
two). Art. 112: a refusal to correct after the order and the fine is fined again
daily at the original amount. These are the law's numbers, not local settings.

The threshold above which a case needs legal review before approval (a local
rule, defaulting to the hearing thresholds until the province's are loaded) is a
setting: ``CASEWORK_REVIEW_THRESHOLD_UNIT`` and ``CASEWORK_REVIEW_THRESHOLD_PERSON``.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from penalties.models import PenaltyCase, PenaltyParty

Basis, Kind = PenaltyCase.Basis, PenaltyParty.Kind


@dataclass(frozen=True)
class Range:
    low: Decimal  # inclusive, unless low_exclusive
    high: Decimal | None  # inclusive; None: no ceiling in the law
    article: str
    low_exclusive: bool = False

    def contains(self, amount: Decimal) -> bool:
        above = amount > self.low if self.low_exclusive else amount >= self.low
        return above and (self.high is None or amount <= self.high)


ART97 = "《安全生产法》（2021年修正）第九十七条"
ART112 = "《安全生产法》（2021年修正）第一百一十二条"

STATUTORY = {
    (Basis.ART97_STAGE1, Kind.UNIT): Range(Decimal("0"), Decimal("100000"), ART97, True),
    (Basis.ART97_STAGE2, Kind.UNIT): Range(Decimal("100000"), Decimal("200000"), ART97),
    (Basis.ART97_STAGE2, Kind.PERSON): Range(Decimal("20000"), Decimal("50000"), ART97),
    (Basis.ART112, Kind.UNIT): Range(Decimal("0"), None, ART112, True),
}


def statutory_range(basis: str, kind: str) -> Range | None:
    """The law's range for a party of ``kind`` under ``basis``; None: no fine for it there."""
    return STATUTORY.get((basis, kind))


def range_refusal(basis: str, kind: str, amount: Decimal) -> str | None:
    """Why ``amount`` is not allowed, naming the article; None when it is within the law."""
    found = statutory_range(basis, kind)
    if found is None:
        return str(
            _("The law provides no fine for this party under %(basis)s.")
            % {"basis": PenaltyCase.Basis(basis).label}
        )
    if found.contains(amount):
        return None
    if found.high is None:
        return str(
            _("%(article)s: the fine must be more than 0 yuan.") % {"article": found.article}
        )
    if found.low_exclusive:
        return str(
            _("%(article)s: the fine must be more than 0 and at most %(high)s yuan.")
            % {"article": found.article, "high": f"{found.high:,.0f}"}
        )
    return str(
        _("%(article)s: the fine must be from %(low)s to %(high)s yuan.")
        % {"article": found.article, "low": f"{found.low:,.0f}", "high": f"{found.high:,.0f}"}
    )


def _at_threshold(case: PenaltyCase, amounts, unit: str, person: str) -> bool:
    """Any suspension, or a fine at the threshold set for its kind of party (settings)."""
    if case.suspension_ordered:
        return True
    thresholds = {
        Kind.UNIT: Decimal(str(getattr(settings, unit))),
        Kind.PERSON: Decimal(str(getattr(settings, person))),
    }
    return any(amount >= thresholds[kind] for kind, amount in amounts)


def review_required(case: PenaltyCase, amounts: list[tuple[str, Decimal]]) -> bool:
    """Whether legal review must come before approval: any suspension, or a fine at a threshold."""
    return _at_threshold(
        case, amounts, "CASEWORK_REVIEW_THRESHOLD_UNIT", "CASEWORK_REVIEW_THRESHOLD_PERSON"
    )


def hearing_eligible(case: PenaltyCase, amounts: list[tuple[str, Decimal]]) -> bool:
    """Whether the party may ask for a hearing: any suspension, or a fine at the threshold."""
    return _at_threshold(
        case, amounts, "CASEWORK_HEARING_THRESHOLD_UNIT", "CASEWORK_HEARING_THRESHOLD_PERSON"
    )


# Administrative Penalty Law (2021) art. 51: on the spot, at most 200 yuan for a person
# and 3,000 yuan for an organisation, where the facts are certain and the basis is law.
ON_THE_SPOT = {Kind.UNIT: Decimal("3000"), Kind.PERSON: Decimal("200")}
ART51 = "《行政处罚法》（2021年修订）第五十一条"


def on_the_spot_refusal(kind: str, amount: Decimal) -> str | None:
    limit = ON_THE_SPOT[kind]
    if amount <= limit:
        return None
    return str(
        _("%(article)s: a fine decided on the spot is at most %(limit)s yuan for %(whom)s.")
        % {
            "article": ART51,
            "limit": f"{limit:,.0f}",
            "whom": _("an organisation") if kind == Kind.UNIT else _("a person"),
        }
    )
