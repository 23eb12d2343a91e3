"""The API's JSON parser: refuses what no field may hold, before any view sees it.

- A body nested beyond Python's recursion limit is a 400 (the standard parser
  lets ``RecursionError`` through as a 500).
- A NUL character or a lone surrogate (``\\u0000``, ``\\ud800`` escapes) in any
  string or key is a 400 naming the top-level field: PostgreSQL cannot store
  NUL and no encoding can store a lone surrogate, so they would fail at the
  database, after work was done, as a 500. A surrogate *pair* (an emoji) is a
  character like any other.
"""

import re

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.utils import json

# The only ways a NUL or a lone surrogate can reach a decoded JSON string.
_SUSPECT = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def _holds_bad_text(value) -> bool:
    """Whether any string in ``value`` (keys included) holds a NUL or a lone surrogate.

    Iterative: a body may be nested as deep as the parser allows.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _BAD_CHARACTER.search(item) is not None:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def bad_text_message() -> str:
    return _("Text may not contain a NUL character or an unpaired surrogate.")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise ParseError(_("The body is not valid %(codec)s.") % {"codec": encoding}) from None
        try:
            data = json.loads(text)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
        if _SUSPECT.search(text) and _holds_bad_text(data):
            if not isinstance(data, dict):
                raise ValidationError({"detail": bad_text_message()})
            raise ValidationError(
                {
                    # A key that itself holds the bad character is named escaped.
                    key.encode("unicode_escape").decode() if _holds_bad_text(key) else key: [
                        bad_text_message()
                    ]
                    for key, value in data.items()
                    if _holds_bad_text(key) or _holds_bad_text(value)
                }
            )
        return data
