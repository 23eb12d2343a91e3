"""Which register rows a caller may read, wherever rows are shown for a decision.

The qualification check decides from every register, as the law requires, and
names the rows it decided from. A row goes back to a caller only when that
caller could read it through its own collection (``Training.objects.visible_to``,
``Certificate.objects.visible_to``, ``Worker.objects.visible_to``); any other row
is named by its register and kind, its identifying number masked, its id and
dates left out (docs/decisions/0019). The same rule serves the qualification API,
the record of a worker check and every read of that record.

The rule is the collections' own, in one of its two forms (casework.visibility):

- ``places``: where the check's statement already read each row's place (its
  enterprise and that enterprise's jurisdiction path; for a certificate, every
  enterprise employing the person), ``visibility.sees`` decides with no query;
- otherwise one query per register for any number of rows, through the
  collection's ``visible_to``. Rows of an enterprise the caller has already
  been shown (``known_enterprise``) need none: every training and worker row of
  an enterprise is visible exactly when the enterprise is.
"""

from collections.abc import Iterable

from casework.identifiers import mask_number
from casework.visibility import sees
from registry.models import Certificate, Training, Worker

_MODELS = {"training": Training, "certificate": Certificate, "worker": Worker}
Places = dict[tuple[str, int], tuple[tuple[str, int], ...]]


def _readable(user, rows: list[dict], places: Places, known_enterprise: int | None) -> set:
    """The (register, id) pairs among ``rows`` that ``user`` may read."""
    readable, unknown = set(), {name: set() for name in _MODELS}
    for row in rows:
        key = (row.get("register"), row.get("id"))
        if key[0] not in _MODELS or key[1] is None:
            continue
        if key in places:
            if any(sees(user, path=path, enterprise_id=at) for path, at in places[key]):
                readable.add(key)
        elif known_enterprise is not None and (
            key[0] == "worker"
            or (key[0] == "training" and row.get("enterprise") == known_enterprise)
        ):
            readable.add(key)
        else:
            unknown[key[0]].add(key[1])
    for register, pks in unknown.items():
        if pks:
            found = _MODELS[register].objects.visible_to(user).filter(pk__in=pks)
            readable.update((register, pk) for pk in found.values_list("pk", flat=True))
    return readable


def _withheld(row: dict) -> dict:
    """What a caller who may not read ``row`` is told of it: that it exists, and its kind."""
    if row["register"] == "certificate":
        return {
            "register": "certificate",
            "visible": False,
            "category": row.get("category", ""),
            "number": mask_number(row.get("number", "")),
        }
    if row["register"] == "training":
        return {"register": "training", "visible": False, "kind": row.get("kind", "")}
    return {"register": row["register"], "visible": False}


def _as_seen(row: dict, readable: set) -> dict:
    if row.get("visible") is False:
        return row
    if (row.get("register"), row.get("id")) in readable:
        return {**row, "visible": True}
    return _withheld(row)


def disclose(
    user,
    row_lists: Iterable[list[dict]],
    *,
    places: Places | None = None,
    known_enterprise: int | None = None,
) -> list[list[dict]]:
    """Each list of rows as ``user`` may see it, in order; rows already withheld stay so.

    ``places`` comes from the qualification check that produced the rows;
    ``known_enterprise`` is the pk of an enterprise ``user`` is known to see.
    """
    row_lists = [list(rows) for rows in row_lists]
    shown = [row for rows in row_lists for row in rows if row.get("visible", True)]
    readable = _readable(user, shown, places or {}, known_enterprise)
    return [[_as_seen(row, readable) for row in rows] for rows in row_lists]


def disclose_reasons(user, reasons: list[dict], **known) -> list[dict]:
    """Reasons (as stored or returned) with their rows as ``user`` may see them."""
    disclosed = disclose(user, [reason.get("rows", ()) for reason in reasons], **known)
    return [{**reason, "rows": rows} for reason, rows in zip(reasons, disclosed, strict=True)]
