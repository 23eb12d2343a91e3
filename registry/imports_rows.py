"""The register import row by row, on any database (SQLite in the tests).

A first pass validates the file in chunks of ``CHUNK_SIZE`` rows: each column by
the parsers of ``registry.services``, the references of a chunk by the rules of
``registry.rules`` in a few queries, repeated natural keys by a fixed-size Bloom
filter that an exact pass confirms. A second pass, in one transaction, writes it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from registry.import_file import (
    PROGRESS_EVERY,
    FileRefused,
    ImportReport,
    data_records,
    key_of,
    read_decoded,
    read_header,
)
from registry.rules import SeenKeys, duplicate_reason, duplicates, width_refusal
from registry.services import Register, Row, Scope, row_clean, rows_resolve, rows_upsert

CHUNK_SIZE = 2000


@dataclass
class _Pass:
    """What one read of the file needs to know."""

    register: Register
    scope: Scope
    names: list[str]
    report: ImportReport
    duplicates: dict[int, int] = field(default_factory=dict)  # line → its first occurrence
    # Lines refused in the first pass whose key the filter flagged (few).
    refused_suspects: set[int] = field(default_factory=set)


def _chunks(records: Iterator[tuple[int, list[str]]], size: int) -> Iterator[list]:
    chunk = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _rows(state: _Pass, chunk: list[tuple[int, list[str]]]) -> list[Row]:
    """Validate a chunk of raw records: each column, then the references in a few queries."""
    rows, width = [], len(state.names)
    for line, cells in chunk:
        row = Row(line=line)
        refusal = width_refusal(cells, width)
        if refusal is not None:
            row.refuse(None, refusal)
        else:
            row_clean(state.register, row, dict(zip(state.names, cells, strict=False)), state.names)
        rows.append(row)
    rows_resolve(state.register, rows, state.scope)
    return rows


def _validate(state: _Pass, records, progress) -> set[str]:
    """First pass: validate every row; return the keys that may be duplicated."""
    seen, suspects = SeenKeys(), set()
    for chunk in _chunks(records, CHUNK_SIZE):
        for row, (_line, cells) in zip(_rows(state, chunk), chunk, strict=True):
            state.report.rows += 1
            for column, reason in row.errors.items():
                state.report.add_error(row.line, column, reason)
            if row.errors:
                state.report.refused += 1
            key = key_of(state.register, state.names, cells)
            if seen.add(key):
                suspects.add(key)
                if row.errors:
                    state.refused_suspects.add(row.line)
        _progress(progress, "validated", state.report.rows)
    return suspects


def _confirm_duplicates(state: _Pass, records, suspects: set[str]) -> None:
    """Extra pass, only when the filter flagged keys: find the exact duplicates."""
    keyed = ((line, key_of(state.register, state.names, cells)) for line, cells in records)
    for line, first in duplicates(keyed, suspects):
        state.duplicates[line] = first
        state.report.add_error(line, None, duplicate_reason(first))
        if line not in state.refused_suspects:
            state.report.refused += 1


def _write(state: _Pass, records, progress) -> None:
    """Second pass: write the valid rows, chunk by chunk (the caller holds the transaction)."""
    written = 0
    for chunk in _chunks(records, CHUNK_SIZE):
        rows = [
            row
            for row in _rows(state, chunk)
            if not row.errors and row.line not in state.duplicates
        ]
        counts = rows_upsert(state.register, rows, state.names)
        state.report.created += counts.created
        state.report.updated += counts.updated
        state.report.unchanged += counts.unchanged
        written += len(chunk)
        _progress(progress, "written", written)


def _progress(progress: Callable[[str, int], None] | None, phase: str, rows: int) -> None:
    if progress is not None and rows and rows % PROGRESS_EVERY < CHUNK_SIZE:
        progress(phase, rows)


def import_rows(register, scope, stream, report, encoding, progress) -> None:
    """Validate the whole file, then write it in one transaction (or nothing)."""

    def validate(codec: str) -> tuple[_Pass, set[str]]:
        state = _Pass(register, scope, read_header(register, stream, codec, report), report)
        return state, _validate(state, data_records(stream, codec), progress)

    codec, (state, suspects) = read_decoded(encoding, report, validate)
    if suspects:
        _confirm_duplicates(state, data_records(stream, codec), suspects)
    if report.refused and not report.valid_only:
        return
    try:
        with transaction.atomic():
            _write(state, data_records(stream, codec), progress)
    except IntegrityError:
        raise FileRefused(
            _("The registers changed while the file was imported; import it again.")
        ) from None
    report.imported = True
