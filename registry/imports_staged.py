# ruff: noqa: S608 (the SQL below names tables and columns from model metadata; values are parameters)
"""The register import on PostgreSQL: one pass into a staging table, then set-based SQL.

``registry.imports`` decides the rules and the report; this module is its fast
path on PostgreSQL and must give the same answers as the Python path (the same
tests run against both).
"""

from collections.abc import Callable, Iterator
from typing import Any

from django.db import IntegrityError, connections, models, router, transaction
from django.utils.translation import gettext as _

from casework.models import Enterprise
from registry.copy_text import (
    BLOCK_CHARS,
    COPY_SPECIAL,
    NULL,
    CopyFeed,
    cell_rule,
    copy_line,
)
from registry.import_file import (
    PROGRESS_EVERY,
    FileRefused,
    ImportReport,
    data_records,
    key_cell,
    read_decoded,
    read_header,
)
from registry.imports_direct import Direct
from registry.rules import (
    Row,
    Scope,
    duplicate_reason,
    duplicates_sql,
    reason,
    width_refusal,
)
from registry.services import Column, Refused, Register, field_for, no_check

# --- PostgreSQL: one pass over the file into a staging table, then set-based SQL -------
#
# The file is read once. Each row is checked column by column by the shared rules
# (the parsers of ``registry.services``, with their results cached for the columns
# whose values repeat) and streamed with COPY into a temporary staging table: its
# line, whether its columns are valid, its natural key as written (normalised by
# ``registry.rules.key_text``) and its cleaned values. Then, in the same
# transaction, the SQL of each rule of ``registry.rules`` finds the duplicated
# natural keys and checks the references and the caller's jurisdiction, and the
# rows are written: one UPDATE of the rows whose values changed, one INSERT of the
# new ones.

STAGE = "registry_import_stage"
ERRORS = "registry_import_errors"


def _value_rule(column: Column) -> Callable[[str], Any]:
    """A raw cell of a valid row as the cleaned value, for the checks across columns."""

    def value(raw: str) -> Any:
        return column.default if not raw or raw.isspace() else column.parse(raw)

    return value


def _char_key(register: Register, name: str) -> bool:
    """A key column whose cleaned value is its normalised text (no separate value column)."""
    if name == "enterprise_uscc":
        return True
    return field_for(name) in register.key and isinstance(
        register.model._meta.get_field(field_for(name)), models.CharField
    )


class _Staging:
    """The staging table of one import and the SQL over it."""

    def __init__(self, register: Register, names: list[str], connection):
        self.register, self.names, self.connection = register, names, connection
        self.quote = connection.ops.quote_name
        self.keys = [{"enterprise_id": "enterprise_uscc"}.get(k, k) for k in register.key]
        # Columns with a value column of their own: all present ones but the textual keys.
        self.valued = [name for name in names if not _char_key(register, name)]

    # -- the table -----------------------------------------------------------------------

    table = STAGE

    def k(self, name: str) -> str:
        return f"k{self.keys.index(name)}"

    def column(self, name: str) -> str:
        """The staging column of ``name``: its key text, else its cleaned value."""
        return self.k(name) if name in self.keys else self.v(name)

    def quoted(self, model: type[models.Model]) -> str:
        return self.quote(model._meta.db_table)

    def v(self, name: str) -> str:
        return f"v_{name}"

    def _type(self, name: str) -> str:
        field = self.register.model._meta.get_field(field_for(name))
        return field.db_type(self.connection) if not field.is_relation else "text"

    def create(self, cursor) -> None:
        columns = ["line integer", "ok boolean"]
        columns += [f"{self.k(name)} text" for name in self.keys]
        columns += [f"{self.v(name)} {self._type(name)}" for name in self.valued]
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGE}, pg_temp.{ERRORS}")
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({', '.join(columns)})")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {ERRORS} (line integer, col text, code text, ref integer)"
        )

    def drop(self, cursor) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGE}, pg_temp.{ERRORS}")

    def load(self, cursor, records, report: ImportReport, progress) -> None:
        feed = CopyFeed(self._blocks(records, report, progress))
        cursor.cursor.copy_expert(f"COPY {STAGE} FROM STDIN", feed, size=BLOCK_CHARS)
        if feed.error is not None:
            raise feed.error

    def _blocks(self, records, report: ImportReport, progress) -> Iterator[str]:
        """Check every row by the shared column rules; yield staging rows in COPY text format."""
        register, names = self.register, self.names
        width = len(names)
        position = {name: i for i, name in enumerate(names)}
        # The key columns, in key order: the text of a textual key's cleaned value is
        # its normalised cell; other keys (dates) are the stripped cell, checked below.
        key_steps = [
            (position[name], None, None, name)
            if name in self.valued
            else (position[name], *cell_rule(register.column(name)), name)
            for name in self.keys
        ]
        value_steps = [(position[n], *cell_rule(register.column(n)), n) for n in self.valued]
        check = register.check if register.check is not no_check else None
        values_of = [(position[n], n, _value_rule(register.column(n))) for n in names]
        defaults = {c.name: c.default for c in register.columns}
        blank = "\t".join([NULL] * len(value_steps))
        width_out = 2 + len(key_steps) + len(value_steps)
        block, size = [], 0
        add_error = report.add_error
        rows = refused = 0
        for line, cells in records:
            rows += 1
            refusal = width_refusal(cells, width) if len(cells) != width else None
            if refusal is not None:
                add_error(line, None, refusal)
                refused += 1
                cells = cells + [""] * (width - len(cells))
                keys = [
                    key_cell(register, name, cells[index])
                    for index, _memo, _rule, name in key_steps
                ]
                block.append(copy_line([str(line), "f", *keys], blank))
                continue
            errors = None
            out = [str(line), "t"]
            for index, memo, rule, name in key_steps:
                raw = cells[index]
                if rule is None:
                    out.append(raw.strip())
                    continue
                text = memo.get(raw)
                if text is None:
                    try:
                        text = rule(raw)
                    except Refused as exc:
                        errors = errors or {}
                        errors[name] = str(exc)
                        text = key_cell(register, name, raw)
                out.append(text)
            for index, memo, rule, name in value_steps:
                raw = cells[index]
                text = memo.get(raw)
                if text is None:
                    try:
                        text = rule(raw)
                    except Refused as exc:
                        errors = errors or {}
                        errors[name] = str(exc)
                        continue
                out.append(text)
            if check and errors is None:
                row = Row(line=line, values=dict(defaults))
                for index, name, value in values_of:
                    row.values[name] = value(cells[index])
                check(row)
                errors = row.errors or None
            if errors is None:
                text = "\t".join(out)
                if text.count("\t") != width_out - 1 or COPY_SPECIAL.search(text):
                    text = copy_line(out, "")
            else:
                for name, reason in errors.items():
                    add_error(line, name, reason)
                refused += 1
                out[1] = "f"
                text = copy_line(out[: 2 + len(key_steps)], blank)
            block.append(text)
            size += len(text)
            if size >= BLOCK_CHARS:
                block.append("")
                yield "\n".join(block)
                block, size = [], 0
            if progress is not None and rows % PROGRESS_EVERY == 0:
                report.rows, report.refused = rows, refused
                progress("validated", rows)
        report.rows, report.refused = rows, refused
        if block:
            block.append("")
            yield "\n".join(block)

    # -- the checks ----------------------------------------------------------------------

    def check_references(self, cursor, scope: Scope) -> int:
        """Run the SQL of each rule of the register; return the errors found."""
        cursor.execute(f"ANALYZE {STAGE}")
        found = 0
        for rule in self.register.rules:
            for select, params in rule.sql(self, scope):
                found += self._error(cursor, select, params)
        return found

    def check_duplicates(self, cursor) -> int:
        """Every row but the first of each natural key is a duplicate; return how many."""
        return self._error(cursor, *duplicates_sql(self, self.keys))

    def report_errors(self, cursor, report: ImportReport) -> None:
        """Refuse the rows the SQL checks found; add their errors to the report, in order."""
        cursor.execute(
            f"UPDATE {STAGE} s SET ok = false FROM (SELECT DISTINCT line FROM {ERRORS}) e "
            "WHERE s.line = e.line AND s.ok"
        )
        report.refused += cursor.rowcount
        raw = self.connection.connection
        with raw.cursor(name="registry_import_errors") as errors:
            errors.itersize = 10_000
            errors.execute(f"SELECT line, col, code, ref FROM {ERRORS} ORDER BY line, col")
            for line, column, code, ref in errors:
                why = duplicate_reason(ref) if code == "duplicate" else reason(code)
                report.add_error(line, column, why)

    def _error(self, cursor, select: str, params=()) -> int:
        cursor.execute(f"INSERT INTO {ERRORS} (line, col, code, ref) {select}", params)
        return cursor.rowcount

    # -- the write -----------------------------------------------------------------------

    def _sql(self) -> tuple[str, dict[str, str], str]:
        """The target table, the SQL of each written field over a staging row, the join."""
        quote = self.quote
        expressions = {}  # model field attname → SQL over the staging row
        join = ""
        for name in self.names:
            if name == "enterprise_uscc":
                join = f"JOIN {self.quoted(Enterprise)} e ON e.uscc = s.{self.k('enterprise_uscc')}"
                expressions["enterprise_id"] = "e.id"
            elif name in self.valued:
                expressions[field_for(name)] = f"s.{self.v(name)}"
            else:
                expressions[field_for(name)] = f"s.{self.k(name)}"
        return quote(self.register.model._meta.db_table), expressions, join

    def _match(self, expressions: dict[str, str]) -> str:
        return " AND ".join(f"t.{self.quote(f)} = {expressions[f]}" for f in self.register.key)

    def existing(self, cursor) -> int:
        """How many valid rows are already registered (by natural key)."""
        table, expressions, join = self._sql()
        cursor.execute(
            f"SELECT count(*) FROM {STAGE} s {join} JOIN {table} t "
            f"ON {self._match(expressions)} WHERE s.ok"
        )
        return cursor.fetchone()[0]

    def update(self, cursor) -> int:
        """Update the registered rows whose present columns changed; return how many."""
        table, expressions, join = self._sql()
        changing = [f for f in expressions if f not in self.register.key]
        if not changing:
            return 0
        quote = self.quote
        cursor.execute(
            f"UPDATE {table} t SET "
            + ", ".join(f"{quote(f)} = {expressions[f]}" for f in changing)
            + f" FROM {STAGE} s {join} WHERE s.ok AND {self._match(expressions)} AND ("
            + ", ".join(f"t.{quote(f)}" for f in changing)
            + ") IS DISTINCT FROM ("
            + ", ".join(expressions[f] for f in changing)
            + ")"
        )
        return cursor.rowcount

    def insert(self, cursor, *, all_new: bool) -> int:
        """Insert the valid rows not yet registered; return how many.

        With ``all_new`` no row is registered yet, so there is nothing to compare with
        (the unique constraint still refuses a key that appears twice). Otherwise the
        rows to insert are found by an anti-join whose result is sorted, so that it is
        complete before the first row is inserted: the planner chose the join for the
        table as it was, and must not rescan the rows this very statement adds to it.
        """
        table, expressions, join = self._sql()
        fields = [f for f in self.register.model._meta.concrete_fields if not f.primary_key]
        columns, values, params = [], [], []
        for f in fields:
            columns.append(self.quote(f.column))
            if f.attname in expressions:
                values.append(expressions[f.attname])
            else:
                values.append(f"CAST(%s AS {f.db_type(self.connection)})")
                params.append(f.get_db_prep_save(f.get_default(), self.connection))
        select = f"SELECT {', '.join(values)} FROM {STAGE} s {join} WHERE s.ok"
        if not all_new:
            select += (
                f" AND NOT EXISTS (SELECT 1 FROM {table} t WHERE {self._match(expressions)})"
                " ORDER BY s.line"
            )
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {select}", params)
        return cursor.rowcount


def import_staged(register, scope, stream, report, encoding, progress) -> None:
    """The import on PostgreSQL: one pass into a staging table, then set-based SQL.

    A file of new, valid enterprises or workers is first tried the short way,
    straight into the register (``registry.imports_direct.Direct``); anything else
    takes the staging table.
    """
    connection = connections[router.db_for_write(register.model)]
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            if register.kind not in Direct.KINDS or not Direct(register, scope, connection).load(
                cursor, stream, report, encoding, progress
            ):
                _import_staged(register, scope, stream, report, encoding, progress, cursor)
    except IntegrityError:
        report.imported = False
        raise FileRefused(
            _("The registers changed while the file was imported; import it again.")
        ) from None
    if progress is not None:
        progress("written", report.rows)


def _import_staged(register, scope, stream, report, encoding, progress, cursor) -> None:
    connection = cursor.db

    def stage(codec: str) -> _Staging:
        with transaction.atomic(using=connection.alias):
            staging = _Staging(register, read_header(register, stream, codec, report), connection)
            staging.create(cursor)
            staging.load(cursor, data_records(stream, codec), report, progress)
        return staging

    _codec, staging = read_decoded(encoding, report, stage)
    found = staging.check_references(cursor, scope)
    if not (found or report.refused) and _insert_all_new(staging, cursor, report):
        pass
    else:
        found += staging.check_duplicates(cursor)
        if found:
            staging.report_errors(cursor, report)
        if report.refused and not report.valid_only:
            staging.drop(cursor)
            return
        existing = staging.existing(cursor)
        report.updated = staging.update(cursor) if existing else 0
        valid = report.rows - report.refused
        report.created = staging.insert(cursor, all_new=not existing) if existing < valid else 0
        report.unchanged = valid - report.created - report.updated
    report.imported = True
    staging.drop(cursor)


def _insert_all_new(staging: _Staging, cursor, report: ImportReport) -> bool:
    """The common case of a valid file of new rows: insert them all, no comparison needed.

    A natural key that appears twice in the file breaks the unique constraint; then
    nothing is written here and the caller looks for the duplicates row by row.
    """
    if staging.existing(cursor):
        return False
    try:
        with transaction.atomic(using=staging.connection.alias):
            report.created = staging.insert(cursor, all_new=True)
    except IntegrityError:
        return False
    report.updated = report.unchanged = 0
    return True
