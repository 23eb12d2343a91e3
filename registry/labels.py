"""What people type in a coded column: the code, or its label in Chinese or English.

A coded column of a register (an enterprise's ``sector``, a certificate's
``category``, a worker's ``special_ops``, a training's ``kind``) stores a code of
its Django ``choices``; a flag (``is_team_leader``, ``theory_passed``,
``practical_passed``) stores a boolean. A file or an API write may give the code
or the label people read on the pages: the source (English) label, or its
translation in ``locale/zh_Hans`` (read here with ``override("zh-hans")``). A
flag takes 是/否 and the usual spellings of yes and no.

Each column has one ``Vocabulary``, and the column's parser in
``registry.services`` is the only reader of it: the row-by-row import, the
staged and the direct imports on PostgreSQL (whose COPY text is the parser's
result, ``registry.copy_text.cell_rule``) and the API's writes all turn a label
into its code there, so they cannot disagree. A text is compared folded
(``fold``: NFKC, so that full-width letters and brackets read as half-width;
case-insensitive; runs of white space as one space).
"""

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import override

# The languages whose labels are accepted: the pages' languages (config.settings.LANGUAGES).
LABEL_LANGUAGES = ("zh-hans", "en")
SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """``text`` as it is compared: NFKC, case-folded, white space collapsed, stripped."""
    return SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


class Vocabulary:
    """The words a coded column accepts, each standing for one value.

    ``entries`` gives, in the language in force, the (value, label) pairs; the
    codes themselves are accepted too (``codes``). The lookup is built on first
    use (translations are not ready when the module is imported) and kept.
    """

    def __init__(
        self,
        name: str,
        entries: Callable[[], Iterable[tuple[Any, str]]],
        *,
        codes: Iterable[tuple[str, Any]] = (),
        words: Iterable[tuple[str, Any]] = (),
    ):
        self.name = name
        self._entries, self._codes, self._words = entries, tuple(codes), tuple(words)
        self._lookup: dict[str, Any] | None = None
        self._lock = threading.Lock()

    @property
    def lookup(self) -> dict[str, Any]:
        """Folded word → value: the codes, the labels in every language, the extra words."""
        if self._lookup is None:
            with self._lock:
                if self._lookup is None:
                    self._lookup = self._build()
        return self._lookup

    def _build(self) -> dict[str, Any]:
        lookup: dict[str, Any] = {}

        def add(word: str, value: Any) -> None:
            key = fold(word)
            if lookup.setdefault(key, value) != value:
                raise ImproperlyConfigured(
                    f"{self.name}: {word!r} stands for both {lookup[key]!r} and {value!r}"
                )

        for word, value in self._codes + self._words:
            add(word, value)
        for language in LABEL_LANGUAGES:
            with override(language):
                for value, label in self._entries():
                    add(str(label), value)
        return lookup

    def value_of(self, text: str) -> Any:
        """The value ``text`` stands for, or None when it is no code, label or word."""
        return self.lookup.get(fold(text))

    def labels(self) -> list[tuple[Any, str]]:
        """(value, label) in the language in force, for messages and the column list."""
        return [(value, str(label)) for value, label in self._entries()]


def choices_vocabulary(name: str, choices: type[models.TextChoices]) -> Vocabulary:
    """The codes of ``choices`` and their labels."""
    return Vocabulary(name, lambda: choices.choices, codes=[(c, c) for c in choices.values])


# Yes and no, as people type them (compared folded: "YES", "Ｙ" and "True" are accepted too).
TRUE_WORDS = ("是", "是的", "true", "yes", "y", "1", "√", "✓", "✔")
FALSE_WORDS = ("否", "不是", "false", "no", "n", "0", "×", "✗", "✘")

FLAG = Vocabulary(
    "flag", lambda: (), words=[(w, True) for w in TRUE_WORDS] + [(w, False) for w in FALSE_WORDS]
)


def flag_listing() -> str:
    """The words a flag accepts, for its refusal and the column list."""
    return "是, 否, true, false, yes, no, y, n, 1, 0, √, ×"


def choice_listing(vocabulary: Vocabulary) -> str:
    """``label (code)`` of each code, in the language in force."""
    return ", ".join(f"{label} ({code})" for code, label in vocabulary.labels())
