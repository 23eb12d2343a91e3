"""Import a register from a CSV file (DESIGN §7.2), streaming, with a row-level report.

The file is CSV with one header row, in UTF-8 (with or without BOM) or GBK. With
``encoding="auto"`` UTF-8 is tried first and GBK is used when the file is not
UTF-8; the report says which. The headers are the English column names of
DESIGN §7.2 or their Chinese equivalents:

=====================  ===========================================================
column                 Chinese header
=====================  ===========================================================
uscc                   统一社会信用代码
name                   企业名称 (enterprises), 姓名 (workers)
sector                 行业
jurisdiction           辖区
address                地址
legal_representative   法定代表人
contact_phone          联系电话
enterprise_uscc        企业统一社会信用代码, or 统一社会信用代码
id_number              身份证号, or 身份证号码
job                    岗位
is_team_leader         是否班组长
special_ops            特种作业类别
hired_on               入职日期
category               证书类别
number                 证书编号
issued_on              发证日期
valid_until            有效期至
review_due_on          复审日期
kind                   培训类型
course                 课程
hours                  学时
theory_passed          理论合格
practical_passed       实操合格
assessed_on            考核日期
=====================  ===========================================================

Every row is checked by the same rules as the API (``registry.services``). By
default the import is all or nothing: a file with one refused row writes nothing.
``valid_only=True`` writes the valid rows and reports the others. Rows are
upserted by natural key, so importing the same file again changes nothing. The
file is read through a csv reader over a text wrapper of the binary stream, so
memory stays flat as files grow.

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

On other databases (SQLite in the tests) a first pass validates the file in
chunks of ``CHUNK_SIZE`` rows, with the references of each chunk looked up in a
few queries and duplicates found with a fixed-size Bloom filter confirmed by an
exact pass; a second pass in one transaction writes it. The tests run on both,
which is what shows that the implementations of the rules agree.
"""

import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import IntegrityError, connections, router, transaction
from django.utils.translation import gettext as _

from casework.models import User
from registry import events
from registry.services import (
    REGISTERS,
    Register,
    Row,
    Scope,
    field_for,
    row_clean,
    rows_resolve,
    rows_upsert,
    scope_for,
)

IMPORT_KINDS = ("enterprises", "workers", "certificates", "trainings", "trainers")
ENCODINGS = ("auto", "utf-8", "gbk")
CHUNK_SIZE = 2000
PROGRESS_EVERY = 100_000

CHINESE_HEADERS: dict[str, dict[str, str]] = {
    "enterprises": {
        "统一社会信用代码": "uscc",
        "企业名称": "name",
        "行业": "sector",
        "辖区": "jurisdiction",
        "地址": "address",
        "法定代表人": "legal_representative",
        "联系电话": "contact_phone",
    },
    "workers": {
        "姓名": "name",
        "岗位": "job",
        "是否班组长": "is_team_leader",
        "特种作业类别": "special_ops",
        "入职日期": "hired_on",
    },
    "certificates": {
        "证书类别": "category",
        "证书编号": "number",
        "发证日期": "issued_on",
        "有效期至": "valid_until",
        "复审日期": "review_due_on",
    },
    "trainings": {
        "培训类型": "kind",
        "岗位": "job",
        "课程": "course",
        "学时": "hours",
        "理论合格": "theory_passed",
        "实操合格": "practical_passed",
        "考核日期": "assessed_on",
    },
    "trainers": {"岗位": "job"},
}
# Columns that every kind except ``enterprises`` names the same way.
SHARED_CHINESE = {
    "企业统一社会信用代码": "enterprise_uscc",
    "统一社会信用代码": "enterprise_uscc",
    "身份证号": "id_number",
    "身份证号码": "id_number",
}


class FileRefused(Exception):
    """The file as a whole cannot be imported (empty, bad header, undecodable)."""

    def __init__(self, reason: str, *, row: int = 1, column: str | None = None):
        super().__init__(reason)
        self.reason, self.row, self.column = reason, row, column


@dataclass
class ImportReport:
    kind: str
    encoding: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    imported: bool = False
    valid_only: bool = False
    sha256: str = ""
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    max_errors: int | None = None

    def add_error(self, row: int, column: str | None, reason: str) -> None:
        self.error_count += 1
        if self.max_errors is None or len(self.errors) < self.max_errors:
            self.errors.append({"row": row, "column": column, "reason": reason})

    @property
    def ok(self) -> bool:
        """Tell whether the import did what was asked (valid rows only: whatever was valid)."""
        return self.imported and (self.valid_only or self.refused == 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "encoding": self.encoding,
            "sha256": self.sha256,
            "valid_only": self.valid_only,
            "imported": self.imported,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "refused": self.refused,
            "error_count": self.error_count,
            "errors": sorted(self.errors, key=lambda e: (e["row"], e["column"] or "")),
            "errors_truncated": self.error_count > len(self.errors),
        }


# --- reading the file ------------------------------------------------------------------


def file_sha256(stream: IO[bytes]) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


class _Unclosing(io.RawIOBase):
    """A raw view of a binary stream that leaves the stream open when the view closes."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _records(stream: IO[bytes], encoding: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells) of each non-blank record, the header included."""
    stream.seek(0)
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    text = io.TextIOWrapper(
        io.BufferedReader(_Unclosing(stream), buffer_size=1 << 16),
        encoding=codec,
        errors="strict",
        newline="",
    )
    reader = csv.reader(text)
    try:
        for cells in reader:
            if cells and (cells[0].strip() or any(cell.strip() for cell in cells)):
                yield reader.line_num, cells
    except UnicodeDecodeError:
        raise _Undecodable(reader.line_num + 1) from None
    except csv.Error as exc:
        raise FileRefused(
            _("The file is not readable CSV: %(error)s") % {"error": exc}, row=reader.line_num
        ) from None
    finally:
        text.close()


class _Undecodable(Exception):
    def __init__(self, line: int):
        self.line = line


def _header(register: Register, cells: list[str]) -> list[str]:
    """Map the header cells to column names; refuse unknown, repeated or missing ones."""
    chinese = dict(CHINESE_HEADERS[register.kind])
    if register.kind != "enterprises":
        chinese = {**SHARED_CHINESE, **chinese}
    names = []
    for cell in cells:
        label = cell.strip().lstrip("\ufeff")
        name = label.lower() if label.lower() in register.column_names else chinese.get(label)
        if name is None:
            raise FileRefused(
                _("Unknown column %(label)s; the columns of %(kind)s are: %(columns)s.")
                % {
                    "label": label or '""',
                    "kind": register.kind,
                    "columns": ", ".join(register.column_names),
                },
                column=label,
            )
        if name in names:
            raise FileRefused(_("The column %(name)s appears twice.") % {"name": name}, column=name)
        names.append(name)
    for column in register.columns:
        needed = column.required or field_for(column.name) in register.key
        if needed and column.name not in names:
            raise FileRefused(
                _("The required column %(name)s is missing.") % {"name": column.name},
                column=column.name,
            )
    return names


def _key(register: Register, names: list[str], cells: list[str]) -> str:
    """The natural key of a raw row, normalised the way the parsers normalise it."""
    parts = []
    for column in register.key:
        name = {"enterprise_id": "enterprise_uscc"}.get(column, column)
        index = names.index(name) if name in names else len(cells)
        value = cells[index].strip() if index < len(cells) else ""
        parts.append(value.upper() if name in {"uscc", "enterprise_uscc", "id_number"} else value)
    return "\x1f".join(parts)


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


# --- the import ------------------------------------------------------------------------


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
        if len(cells) < width or any(cell.strip() for cell in cells[width:]):
            row.refuse(
                None,
                _("This row has %(n)d fields; the header has %(m)d.")
                % {"n": len(cells), "m": width},
            )
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
            key = _key(state.register, state.names, cells)
            if seen.add(key):
                suspects.add(key)
                if row.errors:
                    state.refused_suspects.add(row.line)
        _progress(progress, "validated", state.report.rows)
    return suspects


def _confirm_duplicates(state: _Pass, records, suspects: set[str]) -> None:
    """Extra pass, only when the filter flagged keys: find the exact duplicates."""
    first: dict[str, int] = {}
    for line, cells in records:
        key = _key(state.register, state.names, cells)
        if key not in suspects:
            continue
        if key not in first:
            first[key] = line
            continue
        state.duplicates[line] = first[key]
        state.report.add_error(
            line,
            None,
            _("This row repeats the natural key of row %(row)d.") % {"row": first[key]},
        )
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
        from registry.imports_staged import import_staged

        import_staged(register, scope, stream, report, encoding, progress)
        return
    candidates = ["utf-8", "gbk"] if encoding == "auto" else [encoding]
    for codec in candidates:
        try:
            names = _read_header(register, stream, codec)
            state = _Pass(register, scope, names, report)
            suspects = _validate(state, _data(stream, codec), progress)
            break
        except _Undecodable as exc:
            _undecodable(report, codec, candidates, exc)
    report.encoding = codec
    if report.rows == 0:
        raise FileRefused(_("The file has a header but no rows."))
    if suspects:
        _confirm_duplicates(state, _data(stream, codec), suspects)
    if report.refused and not report.valid_only:
        return
    try:
        with transaction.atomic():
            _write(state, _data(stream, codec), progress)
    except IntegrityError:
        raise FileRefused(
            _("The registers changed while the file was imported; import it again.")
        ) from None
    report.imported = True


def _undecodable(report: ImportReport, codec: str, candidates: list[str], exc) -> None:
    """Forget what was read in ``codec``; refuse the file when it was the last one to try."""
    report.rows = report.refused = report.error_count = 0
    report.errors.clear()
    if codec == candidates[-1]:
        raise FileRefused(
            _("The file is not %(encodings)s text (line %(line)d).")
            % {
                "encodings": _(" or ").join(c.upper() for c in candidates),
                "line": exc.line,
            },
            row=exc.line,
        ) from None


def _read_header(register: Register, stream, codec: str) -> list[str]:
    for _line, cells in _records(stream, codec):
        return _header(register, cells)
    raise FileRefused(_("The file is empty."))


def _data(stream, codec: str) -> Iterator[tuple[int, list[str]]]:
    records = _records(stream, codec)
    next(records)  # the header
    return records
