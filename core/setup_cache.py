"""The practice's read-mostly set-up, kept per runtime between units of work.

A booking reads the appointment type, the provider, their weekly templates, the locations and
rooms, the practice's zone…: things that change a few times a year and are read on every
booking, every day board, every slot search. A :class:`SetupCache` keeps what units of work
loaded (each value under a name, loaded by the caller's own function, in the caller's
transaction) and hands it to the next ones, as long as the database's set-up generation
(:mod:`medoffice.core.storage.generation`) has not moved: each unit of work reads that one
number once, the first time it asks for a kept value, and a change anywhere (this terminal,
another one, another plugin, a script) moves it, because triggers move it.

A unit of work that changes the set-up itself stops using, and filling, the kept values from
then on: it reads its own changes, and the others see them once it commits (the number moved).

Values kept must be immutable (records, tuples, frozen mappings): every unit of work of the
runtime, on any thread, shares them.

.. versionadded:: 1
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import column, event, select, table
from sqlalchemy.orm import Session

from .storage import generation
from .storage.plain import Statement, flush_pending

if TYPE_CHECKING:
    from .context import Context

T = TypeVar("T")

_CHANGED = "medoffice.setup_changed"
"""Set in a session's info once its unit of work wrote a set-up table."""
_SEEN = "medoffice.setup_generation"
"""The generations (by owner) a session's unit of work read."""
_MEMO = "medoffice.setup_values"
"""The kept values a unit of work has been handed, by name: asked again (a batch of
bookings asks for the same type and provider each time), handed at once, while the unit of
work has not changed the set-up."""


@functools.cache
def _read(owners: tuple[str, ...]) -> Statement:
    """One plain statement reading the generation of each of ``owners`` (built once per set)."""
    counters = [table(generation.counter(owner), column("id"), column("value")) for owner in owners]
    return Statement(select(*(select(c.c.value).where(c.c.id == 1).scalar_subquery() for c in counters)))


class SetupCache:
    """Values of the set-up, each valid for one generation of its owner's set-up (see the
    module's docstring). A value's name starts with its owner (``scheduling.types``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owners: tuple[str, ...] = ()
        self._present: set[str] = set()
        self._generations: dict[str, int] = {}
        self._values: dict[str, dict[str, Any]] = {}

    def _counter_exists(self, ctx: Context, owner: str) -> bool:
        """Whether the owner's counter is in the database (asked once per runtime, and again
        while it is not: a ``db upgrade`` may make it)."""
        from sqlalchemy import inspect

        if not inspect(ctx.session.connection()).has_table(generation.counter(owner)):
            return False
        with self._lock:
            self._present.add(owner)
        return True

    def _check(self, ctx: Context, owners: tuple[str, ...]) -> dict[str, int]:
        """Read the owners' generations in this unit of work; forget what they outdate."""
        (row,) = ctx.plain_rows(_read(owners))
        found = {owner: value for owner, value in zip(owners, row, strict=True) if value is not None}
        with self._lock:
            for owner, value in found.items():
                if self._generations.get(owner) != value:
                    self._generations[owner] = value
                    self._values[owner] = {}
            if any(owner not in self._owners for owner in found):
                self._owners = (*self._owners, *(o for o in found if o not in self._owners))
        return found

    def get(self, ctx: Context, name: str, load: Callable[[Context], T]) -> T:
        """The value ``name``: kept, or made by ``load(ctx)`` (and kept, when the set-up has not
        changed in this unit of work)."""
        session = ctx.made_session  # a read-only unit of work may have none: nothing changed then
        if session is not None:
            flush_pending(session)  # as a query would: a pending change of the set-up marks the unit of work
        info = ctx.info
        if info.get(_CHANGED):
            return load(ctx)
        memo = info.get(_MEMO)
        if memo is not None and name in memo:
            return memo[name]
        owner = name.partition(".")[0]
        if owner not in self._present and not self._counter_exists(ctx, owner):
            return load(ctx)  # a database not upgraded yet (``db status`` on it): nothing is kept
        seen = info.get(_SEEN)
        if seen is None:  # the first ask of the unit of work: every owner known so far, at once
            seen = info[_SEEN] = self._check(ctx, tuple(dict.fromkeys((*self._owners, owner))))
        elif owner not in seen:
            seen.update(self._check(ctx, (owner,)))
        if owner not in seen:  # no counter: nothing can be trusted to stay
            return load(ctx)
        with self._lock:
            kept = self._values.get(owner) if self._generations.get(owner) == seen[owner] else None
            if kept is not None and name in kept:
                value = kept[name]
                info.setdefault(_MEMO, {})[name] = value
                return value
        value = load(ctx)
        if not ctx.info.get(_CHANGED):
            with self._lock:
                if self._generations.get(owner) == seen[owner]:
                    self._values.setdefault(owner, {})[name] = value
                    info.setdefault(_MEMO, {})[name] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._owners, self._generations, self._values, self._present = (), {}, {}, set()


def _touches(table: Any, columns: Any = None) -> bool:
    name = getattr(table, "name", None)
    if name not in generation.WATCHED:
        return False
    ignored = generation.IGNORED_COLUMNS.get(name)
    return not ignored or columns is None or not set(columns) <= ignored


def _after_flush(session: Session, _context: Any) -> None:
    if session.info.get(_CHANGED):
        return
    from sqlalchemy import inspect

    for instance in (*session.new, *session.deleted):
        if _touches(getattr(type(instance), "__table__", None)):
            session.info[_CHANGED] = True
            return
    for instance in session.dirty:
        table = getattr(type(instance), "__table__", None)
        if table is None or getattr(table, "name", None) not in generation.WATCHED:
            continue
        state = inspect(instance)
        changed = [attr.key for attr in state.attrs if attr.history.has_changes()]
        if changed and _touches(table, changed):
            session.info[_CHANGED] = True
            return


def _on_execute(state: Any) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and not state.session.info.get(_CHANGED):
        if _touches(getattr(state.statement, "table", None)):
            state.session.info[_CHANGED] = True


event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "do_orm_execute", _on_execute)
