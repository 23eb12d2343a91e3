"""Reading a register file: its bytes, its encoding, its header, and the import's report.

The three ways of the import (``registry.imports_rows`` on any database,
``registry.imports_staged`` and ``registry.imports_direct`` on PostgreSQL) read the
file through this module and report in the same ``ImportReport``.
"""

import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from django.utils.translation import gettext as _

from registry.rules import key_text
from registry.services import Register, field_for

T = TypeVar("T")

IMPORT_KINDS = ("enterprises", "workers", "certificates", "trainings", "trainers")
ENCODINGS = ("auto", "utf-8", "gbk")
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


def chinese_names(kind: str) -> dict[str, str]:
    """Chinese header → column name, of the register ``kind``."""
    if kind == "enterprises":
        return dict(CHINESE_HEADERS[kind])
    return {**SHARED_CHINESE, **CHINESE_HEADERS[kind]}


def chinese_header(kind: str, name: str) -> str | None:
    """The Chinese header of a column (the first, when it has several), or None."""
    return next((label for label, n in chinese_names(kind).items() if n == name), None)


def chinese_aliases(kind: str, name: str) -> list[str]:
    """Every Chinese header of a column."""
    return [label for label, n in chinese_names(kind).items() if n == name]


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
    # Column name → the header the file gave it; whether the file's headers are Chinese.
    headers: dict[str, str] = field(default_factory=dict)
    chinese_headers: bool = False

    def header_of(self, column: str | None) -> str | None:
        """The column as the file named it (for a missing one, as the file would have)."""
        if column is None:
            return None
        if column in self.headers:
            return self.headers[column]
        if self.chinese_headers:
            return chinese_header(self.kind, column) or column
        return column

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
            "errors": [
                {**error, "header": self.header_of(error["column"])}
                for error in sorted(self.errors, key=lambda e: (e["row"], e["column"] or ""))
            ],
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


def records(stream: IO[bytes], encoding: str) -> Iterator[tuple[int, list[str]]]:
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
        raise Undecodable(reader.line_num + 1) from None
    except csv.Error as exc:
        raise FileRefused(
            _("The file is not readable CSV: %(error)s") % {"error": exc}, row=reader.line_num
        ) from None
    finally:
        text.close()


class Undecodable(Exception):
    """The file is not text in the codec tried; ``line`` is where it stops being so."""

    def __init__(self, line: int):
        self.line = line


def header_names(register: Register, cells: list[str], *, chinese_file: bool = False) -> list[str]:
    """Map the header cells to column names; refuse unknown, repeated or missing ones.

    A refusal names a column as the file does (``chinese_file``: in Chinese).
    """
    chinese = chinese_names(register.kind)

    def as_written(name: str) -> str:
        return (chinese_header(register.kind, name) if chinese_file else None) or name

    names = []
    for cell in cells:
        label = _header_label(cell)
        name = label.lower() if label.lower() in register.column_names else chinese.get(label)
        if name is None:
            raise FileRefused(
                _("Unknown column %(label)s; the columns of %(kind)s are: %(columns)s.")
                % {
                    "label": label or '""',
                    "kind": register.kind,
                    "columns": ", ".join(as_written(n) for n in register.column_names),
                },
                column=label,
            )
        if name in names:
            raise FileRefused(
                _("The column %(name)s appears twice.") % {"name": label}, column=name
            )
        names.append(name)
    for column in register.columns:
        needed = column.required or field_for(column.name) in register.key
        if needed and column.name not in names:
            raise FileRefused(
                _("The required column %(name)s is missing.") % {"name": as_written(column.name)},
                column=column.name,
            )
    return names


def _header_label(cell: str) -> str:
    return cell.strip().lstrip("\ufeff")


def key_cell(register: Register, name: str, raw: str) -> str:
    """A raw key cell as its parser would normalise it: a label as its code (for duplicates)."""
    vocabulary = getattr(register.column(name).parse, "vocabulary", None)
    if vocabulary is not None:
        value = vocabulary.value_of(raw)
        if value is not None:
            return str(value)
    return key_text(name, raw)


def key_of(register: Register, names: list[str], cells: list[str]) -> str:
    """The natural key of a raw row, normalised the way the parsers normalise it."""
    parts = []
    for column in register.key:
        name = {"enterprise_id": "enterprise_uscc"}.get(column, column)
        index = names.index(name) if name in names else len(cells)
        parts.append(key_cell(register, name, cells[index]) if index < len(cells) else "")
    return "\x1f".join(parts)


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


def read_decoded(encoding: str, report: ImportReport, read: Callable[[str], T]) -> tuple[str, T]:
    """Run ``read(codec)`` with UTF-8, then GBK (or the one codec asked for) until it decodes.

    Returns the codec and what ``read`` returned; the report names the codec. A
    file that no codec decodes, or that has a header and no rows, is refused.
    """
    candidates = ["utf-8", "gbk"] if encoding == "auto" else [encoding]
    for codec in candidates:
        try:
            result = read(codec)
            break
        except Undecodable as exc:
            _undecodable(report, codec, candidates, exc)  # raises after the last one
    report.encoding = codec
    if report.rows == 0:
        raise FileRefused(_("The file has a header but no rows."))
    return codec, result


def read_header(
    register: Register, stream, codec: str, report: ImportReport | None = None
) -> list[str]:
    """The column names of the file's header; the report learns the headers as written."""
    for _line, cells in records(stream, codec):
        labels = [_header_label(cell) for cell in cells]
        chinese = chinese_names(register.kind)
        chinese_file = sum(label in chinese for label in labels) * 2 > len(labels)
        if report is not None:
            report.chinese_headers = chinese_file
        names = header_names(register, cells, chinese_file=chinese_file)
        if report is not None:
            report.headers = dict(zip(names, labels, strict=True))
        return names
    raise FileRefused(_("The file is empty."))


def data_records(stream, codec: str) -> Iterator[tuple[int, list[str]]]:
    rows = records(stream, codec)
    next(rows)  # the header
    return rows
