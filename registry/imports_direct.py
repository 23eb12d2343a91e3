"""The register import's short way on PostgreSQL: new, valid rows COPYed into the register.

``registry.imports_staged`` tries this first for enterprises and workers files;
when it says no, nothing was written and the staging table takes the file.
"""

import itertools
from collections.abc import Callable, Iterator

from django.db import IntegrityError, transaction

from registry.copy_text import (
    BLOCK_CHARS,
    CACHE_LIMIT,
    COPY_SPECIAL,
    CopyFeed,
    cell_rule,
    copy_line,
    copy_value,
)
from registry.import_file import (
    PROGRESS_EVERY,
    FileRefused,
    ImportReport,
    Undecodable,
    data_records,
    read_header,
)
from registry.rules import EnterpriseKnown, JurisdictionKnown, Scope, width_refusal
from registry.services import Refused, Register, field_for


class _Fallback(Exception):
    """The file is not all new and valid: take the staging table."""


# What refuses a row or the file in the one pass: the staging table then reports it.
_REFUSALS = (Refused, Undecodable, FileRefused, _Fallback)


class Direct:
    """A file of new, valid enterprises or workers, streamed with COPY into the register itself.

    The optimistic short way of the common case: the one pass checks every row
    completely in Python (each column by the shared rules; the reference and the
    caller's jurisdiction against what the reference's rule accepts, loaded once)
    while the server inserts the rows already sent. When a row is refused, or a natural key is
    repeated in the file or already registered (the unique constraint stops the
    COPY), the savepoint is rolled back and ``load`` says so: the staging table then
    reads the file again and gives the exact report and the upserts.
    """

    KINDS = ("enterprises", "workers")

    def __init__(self, register: Register, scope: Scope, connection):
        self.register, self.connection = register, connection
        # The one reference of the row, checked by its rule: what each value it
        # accepts (in the caller's jurisdiction) is stored as.
        (rule,) = (r for r in register.rules if isinstance(r, EnterpriseKnown | JurisdictionKnown))
        self.reference = "enterprise_uscc" if isinstance(rule, EnterpriseKnown) else "jurisdiction"
        self.found = rule.in_scope(scope, connection.alias)

    def load(self, cursor, stream, report: ImportReport, encoding: str, progress) -> bool:
        """Insert every row of the file; say whether it was done (else nothing was)."""
        codec = "utf-8" if encoding == "auto" else encoding
        try:
            with transaction.atomic(using=self.connection.alias):
                names = read_header(self.register, stream, codec, report)
                copy, ending = self._copy(names)
                blocks = self._lines(names, data_records(stream, codec), report, progress, ending)
                # The first block on its own: a file imported before stops there, not at its end.
                for part in (itertools.islice(blocks, 1), blocks):
                    feed = CopyFeed(part)
                    with self.connection.wrap_database_errors:
                        cursor.cursor.copy_expert(copy, feed, size=BLOCK_CHARS)
                    if feed.error is not None and not isinstance(feed.error, _REFUSALS):
                        raise feed.error
                    if feed.error is not None:
                        raise _Fallback
                if report.rows == 0:
                    raise _Fallback
        except (_Fallback, Undecodable, IntegrityError):
            report.rows = 0
            return False
        report.encoding, report.created, report.imported = codec, report.rows, True
        report.refused = report.updated = report.unchanged = 0
        return True

    def _copy(self, names: list[str]) -> tuple[str, str]:
        """The COPY statement (the file's columns, then the others), the text ending each line."""
        model, quote = self.register.model, self.connection.ops.quote_name
        present = [model._meta.get_field(field_for(name)) for name in names]
        absent = [f for f in model._meta.concrete_fields if not f.primary_key and f not in present]
        columns = ", ".join(quote(f.column) for f in present + absent)
        ending = copy_line([copy_value(f.get_default()) for f in absent], "")
        copy = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        return copy, ("\t" + ending) if absent else ""

    def _rule(self, name: str) -> tuple[dict[str, str], Callable[[str], str]]:
        """As ``cell_rule``; the reference column gives what it refers to, or refuses."""
        memo, rule = cell_rule(self.register.column(name))
        if name != self.reference:
            return memo, rule
        found, memo = self.found, {}

        def refer(raw: str) -> str:
            value = found.get(rule(raw))
            if value is None:
                raise _Fallback
            if len(memo) >= CACHE_LIMIT:
                memo.clear()
            memo[raw] = value
            return value

        return memo, refer

    def _lines(self, names, records, report: ImportReport, progress, ending) -> Iterator[str]:
        """Blocks of COPY text of the rows; raises at the first refused one."""
        width = len(names)
        steps = [(index, *self._rule(name)) for index, name in enumerate(names)]
        block, size, rows = [], 0, 0
        for _line, cells in records:
            if len(cells) != width and width_refusal(cells, width) is not None:
                raise _Fallback
            out = []
            for index, memo, rule in steps:
                raw = cells[index]
                text = memo.get(raw)
                out.append(rule(raw) if text is None else text)
            text = "\t".join(out)
            if text.count("\t") != width - 1 or COPY_SPECIAL.search(text):
                text = copy_line(out, "")
            block.append(text + ending)
            size += len(text)
            rows += 1
            if size >= BLOCK_CHARS:
                block.append("")
                yield "\n".join(block)
                block, size = [], 0
            if progress is not None and rows % PROGRESS_EVERY == 0:
                report.rows = rows
                progress("validated", rows)
        report.rows = rows
        if block:
            block.append("")
            yield "\n".join(block)
