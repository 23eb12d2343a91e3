"""Import a register from a CSV file (docs/import.md), streaming, with a row-level report.

The file is CSV with one header row, in UTF-8 (with or without BOM) or GBK. With
``encoding="auto"`` UTF-8 is tried first and GBK is used when the file is not
UTF-8; the report says which. The headers are the English column names or
their Chinese equivalents (``registry.import_file.CHINESE_HEADERS``; every
kind's columns are listed in docs/import.md).

Every row is checked by the same rules as the API (``registry.services``). By
default the import is all or nothing: a file with one refused row writes nothing.
``valid_only=True`` writes the valid rows and reports the others. Rows are
upserted by natural key, so importing the same file again changes nothing. The
file is read through a csv reader over a text wrapper of the binary stream, so
memory stays flat as files grow.

This module is the entry point; the work is done by the modules below it, which
never import it: ``registry.import_file`` reads the file and keeps the report,
``registry.rules`` holds every refusal rule beyond a single column (its Python
check and its SQL side by side), and one of two paths imports.

On PostgreSQL (``registry.imports_staged``) an enterprises or workers file is
first tried optimistically (``registry.imports_direct``): each row is checked in
Python (references from dictionaries loaded once) and streamed with COPY
straight into the table inside a savepoint; any refused row, or a key that
exists already, rolls the savepoint back and the staged path runs from the
start. The staged path reads the file once: each row is checked column by column
in Python and streamed with COPY into a temporary staging table; duplicates
inside the file, references and the caller's jurisdiction are then checked in
SQL over that table, with the same reasons as the Python checks, and the rows
are written by one UPDATE of the changed rows and one INSERT of the new ones,
all in one transaction.

On other databases (SQLite in the tests, ``registry.imports_rows``) a first
pass validates the file in chunks of rows, with the references of each chunk
looked up in a few queries and duplicates found with a fixed-size Bloom filter
confirmed by an exact pass; a second pass in one transaction writes it. The tests run on both,
which is what shows that the implementations of the rules agree.
"""

from collections.abc import Callable
from typing import IO

from django.db import connections, router

from casework.models import User
from registry import events
from registry.import_file import (
    ENCODINGS,
    IMPORT_KINDS,
    FileRefused,
    ImportReport,
    file_sha256,
)
from registry.imports_rows import import_rows
from registry.imports_staged import import_staged
from registry.services import REGISTERS, scope_for

__all__ = [
    "ENCODINGS",
    "IMPORT_KINDS",
    "FileRefused",
    "ImportReport",
    "file_sha256",
    "register_import",
]


def register_import(
    *,
    kind: str,
    stream: IO[bytes],
    actor: User | None,
    valid_only: bool = False,
    encoding: str = "auto",
    filename: str = "",
    channel: str = "",
    max_errors: int | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> ImportReport:
    """Import a register file of ``kind`` from a seekable binary stream; audited.

    ``actor`` None is the operator at the command line, who may write everywhere;
    anyone else writes only rows of enterprises within their jurisdiction.
    """
    if kind not in IMPORT_KINDS or encoding not in ENCODINGS:
        raise ValueError(kind if kind not in IMPORT_KINDS else encoding)
    register = REGISTERS[kind]
    scope = scope_for(actor)
    report = ImportReport(kind=kind, valid_only=valid_only, max_errors=max_errors)
    report.sha256 = file_sha256(stream)
    try:
        _import(register, scope, stream, report, encoding, progress)
    except FileRefused as exc:
        report.add_error(exc.row, exc.column, exc.reason)
        report.imported = False
        report.created = report.updated = report.unchanged = 0
    events.register_imported(
        actor=actor,
        kind=kind,
        sha256=report.sha256,
        report={
            "filename": filename,
            "channel": channel,
            "encoding": report.encoding,
            "valid_only": valid_only,
            "imported": report.imported,
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "refused": report.refused,
        },
    )
    return report


def _import(register, scope, stream, report, encoding, progress) -> None:
    if connections[router.db_for_write(register.model)].vendor == "postgresql":
        import_staged(register, scope, stream, report, encoding, progress)
    else:
        import_rows(register, scope, stream, report, encoding, progress)
