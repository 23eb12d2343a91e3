# ruff: noqa: S608 (the SQL below names tables and columns from model metadata; values are parameters)
"""The refusal rules of the registers beyond a single column, each in one place.

A register row is refused for one column on its own (the parsers of
``registry.services``: checksums, impossible dates, codes, lengths), for its
shape (a line with the wrong number of fields), for what it refers to (an
unknown enterprise, one outside the caller's jurisdiction, a person registered
nowhere, …) or for repeating the natural key of an earlier row of the same
file. Every rule here carries its reason and its implementations side by side:

- ``check(rows, scope)`` refuses a batch of rows in Python, a few queries per
  batch (the API, the admin and the row-by-row import);
- ``sql(stage, scope)`` finds the same rows in the import's staging table on
  PostgreSQL (``registry.imports_staged``), as SELECTs of
  ``(line, column, reason code, referenced line)``;
- ``in_scope(scope, using)`` where the optimistic direct import
  (``registry.imports_direct``) needs it: the values this rule accepts, and what
  each is stored as.

The same tests run on SQLite and PostgreSQL, which is what shows that the
implementations of a rule agree.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.models import Enterprise, Jurisdiction
from registry.models import Worker

# Why a row is refused, by code; the SQL of a rule names the code, the report its reason.
# Outside the caller's jurisdiction, "registered elsewhere" and "not registered"
# are one code and one message: a refusal must not tell what exists elsewhere.
# Only a key that must be unique across the city (a credit code, a certificate
# number) is refused for being taken, without saying where or by whom.
REASONS = {
    "no_enterprise": gettext_lazy(
        "No enterprise with this credit code is registered in your jurisdiction."
    ),
    "no_worker_at_enterprise": gettext_lazy(
        "No worker with this ID number is registered at this enterprise."
    ),
    "no_person": gettext_lazy("No worker with this ID number is registered in your jurisdiction."),
    "number_taken": gettext_lazy(
        "This certificate number is already registered for another ID number."
    ),
    "no_jurisdiction": gettext_lazy("No division with this code lies within your jurisdiction."),
    "uscc_taken": gettext_lazy("This credit code is already registered."),
}


def reason(code: str) -> str:
    return str(REASONS[code])


def duplicate_reason(first: int) -> str:
    return _("This row repeats the natural key of row %(row)d.") % {"row": first}


def required_reason() -> str:
    return _("This column is required.")


# --- where a caller may write, and one row ---------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The jurisdictions an actor may write in: a path prefix, or everywhere (``None``)."""

    path: str | None

    def covers(self, path: str) -> bool:
        return self.path is None or path.startswith(self.path)


@dataclass
class Row:
    """One register row: where it came from, its values, and what is wrong with it."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def refuse(self, column: str | None, why: str) -> None:
        self.errors.setdefault(column, why)


# --- the shape of a line ---------------------------------------------------------------


def width_refusal(cells: list[str], width: int) -> str | None:
    """Why a line of the file does not have the header's fields, or None when it has.

    Empty fields after the last column are forgiven (spreadsheets write them).
    """
    if len(cells) == width or (
        len(cells) > width and not any(cell.strip() for cell in cells[width:])
    ):
        return None
    return _("This row has %(n)d fields; the header has %(m)d.") % {"n": len(cells), "m": width}


# Key columns whose parsers upper-case them: the raw key is normalised the same way.
UPPER_KEYS = frozenset({"uscc", "enterprise_uscc", "id_number"})


def key_text(name: str, raw: str) -> str:
    """A raw key cell as its parser would normalise it (for finding duplicates)."""
    return raw.strip().upper() if name in UPPER_KEYS else raw.strip()


# --- the rules against the registers ---------------------------------------------------


class Stage(Protocol):
    """What a rule's SQL needs to know of the import's staging table."""

    table: str

    def column(self, name: str) -> str: ...

    def quoted(self, model: type[models.Model]) -> str: ...


def _inside(path: str, scope: Scope) -> tuple[str, list]:
    """SQL true when the jurisdiction path ``path`` is within the scope."""
    if scope.path is None:
        return "true", []
    return f"starts_with({path}, %s)", [scope.path]


def _usable(rows: list[Row], column: str) -> list[Row]:
    return [row for row in rows if column not in row.errors and row.values.get(column)]


class Rule:
    """A check of column-clean rows against the registers, in Python and in SQL."""

    def check(self, rows: list[Row], scope: Scope) -> None:
        raise NotImplementedError

    def sql(self, stage: Stage, scope: Scope) -> list[tuple[str, list]]:
        raise NotImplementedError


class EnterpriseKnown(Rule):
    """``enterprise_uscc`` names a registered enterprise within the caller's jurisdiction.

    The row's ``enterprise_id`` is set to it, for the rules after this one and the write.
    """

    def check(self, rows, scope):
        rows = _usable(rows, "enterprise_uscc")
        found = {
            uscc: (pk, path)
            for uscc, pk, path in Enterprise.objects.filter(
                uscc__in={row.values["enterprise_uscc"] for row in rows}
            ).values_list("uscc", "pk", "jurisdiction__path")
        }
        for row in rows:
            match = found.get(row.values["enterprise_uscc"])
            if match is None or not scope.covers(match[1]):
                row.refuse("enterprise_uscc", reason("no_enterprise"))
            else:
                row.values["enterprise_id"] = match[0]

    def sql(self, stage, scope):
        inside, params = _inside("j.path", scope)
        return [
            (
                f"SELECT s.line, 'enterprise_uscc', 'no_enterprise', NULL FROM {stage.table} s "
                f"LEFT JOIN {stage.quoted(Enterprise)} e "
                f"ON e.uscc = s.{stage.column('enterprise_uscc')} "
                f"LEFT JOIN {stage.quoted(Jurisdiction)} j ON j.code = e.jurisdiction_id "
                f"WHERE s.ok AND (e.id IS NULL OR NOT {inside})",
                params,
            )
        ]

    def in_scope(self, scope: Scope, using: str) -> dict[str, str]:
        """Credit code → enterprise id (as text), of the enterprises this rule accepts."""
        rows = Enterprise.objects.using(using).values_list("uscc", "pk", "jurisdiction__path")
        return {uscc: str(pk) for uscc, pk, path in rows if scope.covers(path)}


class WorkerAtEnterprise(Rule):
    """The ID number is a registered worker of the row's enterprise (after EnterpriseKnown)."""

    def check(self, rows, scope):
        rows = [row for row in _usable(rows, "id_number") if "enterprise_id" in row.values]
        pairs = set(
            Worker.objects.filter(
                enterprise_id__in={row.values["enterprise_id"] for row in rows},
                id_number__in={row.values["id_number"] for row in rows},
            ).values_list("enterprise_id", "id_number")
        )
        for row in rows:
            if (row.values["enterprise_id"], row.values["id_number"]) not in pairs:
                row.refuse("id_number", reason("no_worker_at_enterprise"))

    def sql(self, stage, scope):
        # Only rows whose enterprise passed EnterpriseKnown: the joins and ``inside``.
        inside, params = _inside("j.path", scope)
        return [
            (
                f"SELECT s.line, 'id_number', 'no_worker_at_enterprise', NULL FROM {stage.table} s "
                f"JOIN {stage.quoted(Enterprise)} e "
                f"ON e.uscc = s.{stage.column('enterprise_uscc')} "
                f"JOIN {stage.quoted(Jurisdiction)} j ON j.code = e.jurisdiction_id "
                f"WHERE s.ok AND {inside} AND NOT EXISTS (SELECT 1 FROM {stage.quoted(Worker)} w "
                f"WHERE w.enterprise_id = e.id AND w.id_number = s.{stage.column('id_number')})",
                params,
            )
        ]


class PersonKnown(Rule):
    """A person's certificate: the person is a registered worker somewhere in scope."""

    def check(self, rows, scope):
        rows = _usable(rows, "id_number")
        places: dict[str, list[str]] = {}
        for id_number, path in Worker.objects.filter(
            id_number__in={row.values["id_number"] for row in rows}
        ).values_list("id_number", "enterprise__jurisdiction__path"):
            places.setdefault(id_number, []).append(path)
        for row in rows:
            if not any(scope.covers(path) for path in places.get(row.values["id_number"], ())):
                row.refuse("id_number", reason("no_person"))

    def sql(self, stage, scope):
        inside, params = _inside("j.path", scope)
        id_number, workers = stage.column("id_number"), stage.quoted(Worker)
        return [
            (
                f"SELECT s.line, 'id_number', 'no_person', NULL FROM {stage.table} s "
                f"WHERE s.ok AND NOT EXISTS (SELECT 1 FROM {workers} w "
                f"JOIN {stage.quoted(Enterprise)} e ON e.id = w.enterprise_id "
                f"JOIN {stage.quoted(Jurisdiction)} j ON j.code = e.jurisdiction_id "
                f"WHERE w.id_number = s.{id_number} AND {inside})",
                params,
            )
        ]


@dataclass(frozen=True)
class NumberOfOnePerson(Rule):
    """A certificate number already registered belongs to the same person."""

    model: type[models.Model]

    def check(self, rows, scope):
        rows = [row for row in _usable(rows, "id_number") if row.values.get("number")]
        holders = dict(
            self.model.objects.filter(
                number__in={row.values["number"] for row in rows}
            ).values_list("number", "id_number")
        )
        for row in rows:
            holder = holders.get(row.values["number"])
            if holder is not None and holder != row.values["id_number"]:
                row.refuse("number", reason("number_taken"))

    def sql(self, stage, scope):
        return [
            (
                f"SELECT s.line, 'number', 'number_taken', NULL FROM {stage.table} s "
                f"JOIN {stage.quoted(self.model)} c ON c.number = s.{stage.column('number')} "
                f"WHERE s.ok AND c.id_number <> s.{stage.column('id_number')}",
                [],
            )
        ]


class JurisdictionKnown(Rule):
    """An enterprise's ``jurisdiction`` is a division code within the caller's jurisdiction."""

    def check(self, rows, scope):
        paths = dict(Jurisdiction.objects.values_list("code", "path"))
        for row in _usable(rows, "jurisdiction"):
            path = paths.get(row.values["jurisdiction"])
            if path is None or not scope.covers(path):
                row.refuse("jurisdiction", reason("no_jurisdiction"))
            else:
                row.values["jurisdiction_id"] = row.values["jurisdiction"]

    def sql(self, stage, scope):
        inside, params = _inside("j.path", scope)
        return [
            (
                f"SELECT s.line, 'jurisdiction', 'no_jurisdiction', NULL FROM {stage.table} s "
                f"LEFT JOIN {stage.quoted(Jurisdiction)} j "
                f"ON j.code = s.{stage.column('jurisdiction')} "
                f"WHERE s.ok AND (j.code IS NULL OR NOT {inside})",
                params,
            )
        ]

    def in_scope(self, scope: Scope, using: str) -> dict[str, str]:
        """Division code → itself, of the jurisdictions this rule accepts."""
        rows = Jurisdiction.objects.using(using).values_list("code", "path")
        return {code: code for code, path in rows if scope.covers(path)}


class EnterpriseNotElsewhere(Rule):
    """A credit code already registered is registered within the caller's jurisdiction."""

    def check(self, rows, scope):
        rows = _usable(rows, "uscc")
        current = dict(
            Enterprise.objects.filter(uscc__in={row.values["uscc"] for row in rows}).values_list(
                "uscc", "jurisdiction__path"
            )
        )
        for row in rows:
            path = current.get(row.values["uscc"])
            if path is not None and not scope.covers(path):
                row.refuse("uscc", reason("uscc_taken"))

    def sql(self, stage, scope):
        if scope.path is None:
            return []
        inside, params = _inside("j.path", scope)
        return [
            (
                f"SELECT s.line, 'uscc', 'uscc_taken', NULL "
                f"FROM {stage.table} s JOIN {stage.quoted(Enterprise)} e "
                f"ON e.uscc = s.{stage.column('uscc')} "
                f"JOIN {stage.quoted(Jurisdiction)} j ON j.code = e.jurisdiction_id "
                f"WHERE s.ok AND NOT {inside}",
                params,
            )
        ]


# --- a natural key repeated in the file ------------------------------------------------


class SeenKeys:
    """A fixed-size Bloom filter: says "new" for sure, or "maybe seen"."""

    def __init__(self, bits: int = 1 << 26, hashes: int = 6):
        self.bits, self.hashes = bits, hashes
        self.table = bytearray(bits // 8)

    def add(self, key: str) -> bool:
        """Add ``key``; tell whether it may have been added before."""
        # Python's string hash is enough: a collision only costs an exact check.
        digest = hash(key) & ((1 << 64) - 1)
        first, step = digest & 0xFFFFFFFF, (digest >> 32) | 1
        seen = True
        for i in range(self.hashes):
            bit = (first + i * step) % self.bits
            byte, mask = bit >> 3, 1 << (bit & 7)
            if not self.table[byte] & mask:
                seen = False
                self.table[byte] |= mask
        return seen


def duplicates(keyed: Iterable[tuple[int, str]], suspects: set[str]) -> Iterator[tuple[int, int]]:
    """(line, first line) of every row whose key an earlier row had, among ``suspects``.

    ``keyed`` is (line, key) of every row in file order; ``suspects`` are the keys
    that a ``SeenKeys`` pass flagged (few), so only they are remembered exactly.
    """
    first: dict[str, int] = {}
    for line, key in keyed:
        if key not in suspects:
            continue
        if key in first:
            yield line, first[key]
        else:
            first[key] = line


def duplicates_sql(stage: Stage, keys: list[str]) -> tuple[str, list]:
    """The same in SQL: every row but the first of each natural key in the staging table."""
    columns = [stage.column(name) for name in keys]
    return (
        f"SELECT s.line, NULL, 'duplicate', d.first FROM {stage.table} s JOIN ("
        f"  SELECT {', '.join(columns)}, min(line) AS first FROM {stage.table}"
        f"  GROUP BY {', '.join(columns)} HAVING count(*) > 1"
        f") d ON {' AND '.join(f's.{c} = d.{c}' for c in columns)} WHERE s.line <> d.first",
        [],
    )
