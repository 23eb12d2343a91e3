"""PostgreSQL COPY text for the register import: cleaned cells, escaping, a feed.

Both ways of the import on PostgreSQL (``registry.imports_staged`` and
``registry.imports_direct``) turn each raw cell into the COPY text of its cleaned
value by the shared column rules of ``registry.services``, and stream the lines
to the server through ``CopyFeed``.
"""

import datetime
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from registry.rules import required_reason
from registry.services import Column, Refused, parse_id_number

CACHE_LIMIT = 50_000  # distinct values per cached column before the cache starts over
BLOCK_CHARS = 1 << 16  # characters of COPY text handed to the server at a time


class Null(str):
    """COPY's NULL (``\\N``), told apart from a text that reads the same by its identity."""


NULL = Null("\\N")


def copy_value(value: Any) -> str:
    """A cleaned value as text for COPY (not yet escaped; None is ``NULL``)."""
    if isinstance(value, str):
        return value
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


NO_CACHE: dict[str, str] = {}  # never filled: the columns whose values hardly repeat


def cell_rule(column: Column) -> tuple[dict[str, str], Callable[[str], str]]:
    """How a raw cell of ``column`` becomes the COPY text of its cleaned value.

    Returns a cache (raw cell → text, filled by the function; never filled for free
    text and ID numbers, whose values hardly repeat) and the function, which applies
    the column's shared rule and raises ``Refused`` as the rule does. Free text is
    checked inline (strip, length) and handed to the rule only to be refused.
    """
    parse, required = column.parse, column.required
    default = copy_value(column.default)

    def blank() -> str:
        if required:
            raise Refused(required_reason())
        return default

    max_length = getattr(parse, "max_length", None)
    if max_length is not None:

        def text(raw: str) -> str:
            value = raw.strip()
            if not value:
                return blank()
            if len(value) > max_length or "\x00" in value:
                parse(raw)  # refuses, with the rule's reason
            return value

        return NO_CACHE, text
    if parse is parse_id_number:

        def id_number(raw: str) -> str:
            return parse(raw) if raw and not raw.isspace() else blank()

        return NO_CACHE, id_number
    memo: dict[str, str] = {}

    def cached(raw: str) -> str:
        value = blank() if not raw or raw.isspace() else copy_value(parse(raw))
        if len(memo) >= CACHE_LIMIT:
            memo.clear()
        memo[raw] = value  # a refused value never gets here: it is checked every time
        return value

    return memo, cached


class CopyFeed:
    """A file-like view of CSV blocks for ``copy_expert``; keeps the error of the source.

    An exception raised inside ``read`` would be lost in the COPY protocol, so it is
    kept and the COPY ends; the caller raises it once ``copy_expert`` returns.
    """

    def __init__(self, blocks: Iterator[str]):
        self.blocks, self.error = blocks, None

    def read(self, size: int = -1) -> str:
        if self.error is not None:
            return ""
        try:
            return next(self.blocks, "")
        except Exception as exc:  # noqa: BLE001 (re-raised by the caller)
            self.error = exc
            return ""


COPY_SPECIAL = re.compile(r"[\\\n\r\x00]")


def copy_line(fields: list[str], tail: str) -> str:
    """One line of COPY text format, every field escaped; ``tail`` is appended as is.

    PostgreSQL text cannot hold NUL, which only the key of a refused row can still
    carry here (for finding duplicates): it is written as U+FFFD.
    """
    escaped = [
        f
        if f is NULL
        else f.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\x00", "\ufffd")
        for f in fields
    ]
    if tail:
        escaped.append(tail)
    return "\t".join(escaped)
