"""Numbers that are never handed out twice: the 837P's interchange and group control numbers.

A number is taken in the operation that uses it. On PostgreSQL the counter's row is locked
(``SELECT … FOR UPDATE``) until that operation ends; on SQLite every write operation already
holds the database's write lock (``BEGIN IMMEDIATE``). Either way two terminals exporting at
once get different numbers, and a number taken by an operation that rolls back is taken
again by the next one (nothing was sent with it).
"""

from __future__ import annotations

from sqlalchemy import select

from medoffice.core import Conflict, Context

from .models import Sequence

INTERCHANGE = "x12.interchange"
GROUP = "x12.group"
MAX_CONTROL_NUMBER = 999_999_999
"""ISA13 has nine digits."""


def take(ctx: Context, name: str, *, maximum: int = MAX_CONTROL_NUMBER) -> int:
    """The next number of the counter ``name`` (1 for a new counter).

    Raises:
        Conflict: the counter has used up every number up to ``maximum``.
    """
    row = ctx.session.execute(select(Sequence).where(Sequence.name == name).with_for_update()).scalar_one_or_none()
    if row is None:
        row = Sequence(name=name, next_value=1)
        ctx.session.add(row)
    number = row.next_value
    if number > maximum:
        raise Conflict(f"the counter {name} has used every number up to {maximum}")
    row.next_value = number + 1
    ctx.session.flush()
    return number
