"""Formatting X12 segments: ``~`` ends a segment, ``*`` separates elements, ``:`` the parts
of a composite element and ``^`` repetitions (ISA11).

A value holding one of those characters, or anything outside printable ASCII, would break
the file (or be refused by the clearinghouse); :func:`text_problem` says so and the
scrubber asks it about every value before anything is written. The writer itself does not
repair values: what is exported is what was checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

SEGMENT = "~"
ELEMENT = "*"
COMPONENT = ":"
REPETITION = "^"
DELIMITERS = frozenset(SEGMENT + ELEMENT + COMPONENT + REPETITION)

Element = str | tuple[str, ...] | None
"""An element: a value, a composite (its parts) or nothing."""


def text_problem(value: str | None) -> str | None:
    """Why ``value`` cannot go into an X12 file as it is, or None when it can.

    >>> text_problem("Zoë")
    "has a character that is not plain ASCII ('ë')"
    >>> text_problem("A*B")
    "has the X12 delimiter '*'"
    """
    if not value:
        return None
    for char in value:
        if char in DELIMITERS:
            return f"has the X12 delimiter {char!r}"
        if not (" " <= char <= "~"):
            kind = "a control character" if ord(char) < 128 else "a character that is not plain ASCII"
            return f"has {kind} ({char!r})"
    return None


def amount(value: Decimal) -> str:
    """An X12 decimal (``R``): no trailing zeros, no point for whole amounts (``95``, ``12.5``)."""
    text = f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _element(value: Element) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        parts = list(value)
        while parts and not parts[-1]:
            parts.pop()
        return COMPONENT.join(p or "" for p in parts)
    return value


class Segments:
    """The segments of one transaction, in order; trailing empty elements are left out."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: list[str] = []

    def add(self, segment_id: str, *elements: Element) -> None:
        values = [segment_id, *[e if e.__class__ is str else _element(e) for e in elements]]  # most are text
        while len(values) > 1 and not values[-1]:
            values.pop()
        self._items.append(ELEMENT.join(values))

    def extend(self, texts: Iterable[str]) -> None:
        """Add segments already formatted (without their terminator)."""
        self._items.extend(texts)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(self._items)

    def text(self) -> str:
        return "".join(s + SEGMENT for s in self._items)
