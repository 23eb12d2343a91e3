"""Links that an upper layer's cases make to a lower layer's objects, read by the lower one.

A finding (``inspections``) shows the penalty case it led to (``penalties``),
but ``inspections`` may not import ``penalties``. The upper app registers how
to find the link (``link_register("penalty_case", resolver)``) from its
``AppConfig.ready()``; the lower one asks ``link_of("penalty_case", finding)``
and gets None while no app answers.
"""

from collections.abc import Callable
from typing import Any

_links: dict[str, Callable[[Any], Any]] = {}


def link_register(name: str, resolver: Callable[[Any], Any]) -> None:
    _links[name] = resolver


def link_of(name: str, obj) -> Any:
    resolver = _links.get(name)
    return resolver(obj) if resolver is not None else None
