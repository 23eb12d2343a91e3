"""Discretion benchmarks (裁量基准): tiers of amounts within the law's range, by circumstance.

The tiers are data, versioned per jurisdiction and effective date and chosen like
the period rules (``casework.deadlines.version_in_force``): the version in force
on the day of the proposal for the enterprise's jurisdiction. A proposal names
the tier it applies; an amount outside that tier's range needs a written reason.
The file format is in ``docs/discretion.md``; ``discretion/sample-benchmarks.csv``
is a sample, marked as such in every row, not law.
"""

import csv
import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from casework.deadlines import version_in_force
from casework.exceptions import Invalid
from casework.models import Jurisdiction
from penalties import rules
from penalties.models import DiscretionTier, PenaltyCase, PenaltyParty

SAMPLE = Path(__file__).resolve().parent / "discretion" / "sample-benchmarks.csv"
COLUMNS = [
    "jurisdiction",
    "effective_from",
    "basis",
    "party_kind",
    "tier",
    "low",
    "high",
    "circumstances",
    "source",
    "sample",
]


def tiers_in_force(*, basis: str, kind: str, on: datetime.date, jurisdiction) -> list:
    """The tiers of the benchmark version in force (none when no benchmark is loaded)."""
    rows = DiscretionTier.objects.filter(basis=basis, party_kind=kind)
    version = version_in_force(rows, on=on, jurisdiction=jurisdiction)
    if version is None:
        return []
    return list(
        rows.filter(
            jurisdiction_id=version.jurisdiction_id, effective_from=version.effective_from
        ).order_by("low")
    )


def tier_check(*, case: PenaltyCase, kind: str, tier: str, amount: Decimal, reason: str, on):
    """The errors of one party's tier and amount (a dict of field → messages, empty if none)."""
    tiers = {
        t.tier: t
        for t in tiers_in_force(
            basis=case.basis, kind=kind, on=on, jurisdiction=case.enterprise.jurisdiction
        )
    }
    if not tiers:
        return {}, None
    if tier not in tiers:
        return {
            "tier": [
                _("Name the discretion tier that applies: %(tiers)s.")
                % {"tiers": "、".join(str(t.get_tier_display()) for t in tiers.values())}
            ]
        }, None
    chosen = tiers[tier]
    if not (chosen.low <= amount <= chosen.high) and not reason.strip():
        return {
            "outside_tier_reason": [
                _(
                    "%(amount)s yuan is outside the %(tier)s tier "
                    "(%(low)s to %(high)s yuan): give the reason."
                )
                % {
                    "amount": f"{amount:.2f}",
                    "tier": chosen.get_tier_display(),
                    "low": f"{chosen.low:.2f}",
                    "high": f"{chosen.high:.2f}",
                }
            ]
        }, chosen
    return {}, chosen


def _decimal(text: str, field: str, line: int) -> Decimal:
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError):
        raise Invalid({field: [_("Line %(n)d: not an amount.") % {"n": line}]}) from None


def benchmarks_load(path: Path) -> int:
    """Load a benchmark file (replacing the versions it holds); returns the rows loaded."""
    with path.open(encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != COLUMNS:
            raise Invalid({"file": [_("The columns must be: %(c)s.") % {"c": ", ".join(COLUMNS)}]})
        rows = list(reader)
    loaded = []
    for line, row in enumerate(rows, start=2):
        jurisdiction = None
        if row["jurisdiction"]:
            jurisdiction = Jurisdiction.objects.filter(code=row["jurisdiction"]).first()
            if jurisdiction is None:
                raise Invalid(
                    {"jurisdiction": [_("Line %(n)d: no such division code.") % {"n": line}]}
                )
        try:
            effective = datetime.date.fromisoformat(row["effective_from"])
        except ValueError:
            raise Invalid(
                {"effective_from": [_("Line %(n)d: not a date.") % {"n": line}]}
            ) from None
        if row["basis"] not in PenaltyCase.Basis.values:
            raise Invalid({"basis": [_("Line %(n)d: unknown basis.") % {"n": line}]})
        if row["party_kind"] not in PenaltyParty.Kind.values:
            raise Invalid({"party_kind": [_("Line %(n)d: unknown kind of party.") % {"n": line}]})
        if row["tier"] not in DiscretionTier.Tier.values:
            raise Invalid({"tier": [_("Line %(n)d: unknown tier.") % {"n": line}]})
        low, high = _decimal(row["low"], "low", line), _decimal(row["high"], "high", line)
        for amount in (low, high):
            if rules.range_refusal(row["basis"], row["party_kind"], amount) and amount != 0:
                raise Invalid(
                    {"low": [_("Line %(n)d: the tier leaves the law's range.") % {"n": line}]}
                )
        if low > high:
            raise Invalid({"low": [_("Line %(n)d: from is above to.") % {"n": line}]})
        loaded.append(
            DiscretionTier(
                jurisdiction=jurisdiction,
                effective_from=effective,
                basis=row["basis"],
                party_kind=row["party_kind"],
                tier=row["tier"],
                low=low,
                high=high,
                circumstances=row["circumstances"],
                source=row["source"],
                sample=row["sample"].strip().lower() in {"yes", "true", "1"},
            )
        )
    with transaction.atomic():
        for tier in loaded:
            DiscretionTier.objects.filter(
                jurisdiction=tier.jurisdiction,
                effective_from=tier.effective_from,
                basis=tier.basis,
                party_kind=tier.party_kind,
                tier=tier.tier,
            ).delete()
        DiscretionTier.objects.bulk_create(loaded)
    return len(loaded)
