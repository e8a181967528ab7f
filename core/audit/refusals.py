"""Recording refusals: a refused unit of work (:class:`~medoffice.core.errors.PermissionDenied`)
is appended as ``permission.denied`` in a transaction of its own (:func:`refusals_recorded`).

The refused unit of work rolls back, so the refusal is recorded after it, by the thread's
outermost unit of work only (units of work count their nesting here), once per refusal.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..errors import MedofficeError, PermissionDenied

if TYPE_CHECKING:
    from ..records import UserRecord
    from ..runtime import Runtime


def _command() -> str | None:
    """The command being run (``audit show``), when it is the CLI that runs it."""
    try:
        import click
    except ImportError:  # pragma: no cover - click is a dependency
        return None
    context = click.get_current_context(silent=True)
    if context is None:
        return None
    names = []
    while context is not None:
        names.append(context.info_name or "")
        context = context.parent
    return " ".join(reversed(names[:-1])) or None


_NESTING = threading.local()


def unit_entered() -> int:
    """Count a unit of work begun on this thread; returns the depth it began at (0: the
    thread's outermost), to give back to :func:`unit_left` and :func:`record_refusal`."""
    depth = getattr(_NESTING, "depth", 0)
    _NESTING.depth = depth + 1
    return depth


def unit_left(depth: int) -> None:
    """The unit of work that began at ``depth`` has ended."""
    _NESTING.depth = depth


def record_refusal(runtime: Runtime, user: UserRecord | None, refused: PermissionDenied, depth: int) -> None:
    """Record ``refused`` as ``permission.denied`` when it ends the thread's outermost unit of
    work (``depth`` 0), once per refusal, in a short transaction of its own."""
    if depth == 0 and not getattr(refused, "_medoffice_recorded", False):
        refused._medoffice_recorded = True  # type: ignore[attr-defined]
        _record_refusal(runtime, user, refused)


@contextmanager
def refusals_recorded(runtime: Runtime, user: UserRecord | None) -> Iterator[None]:
    """Around a unit of work: a :class:`PermissionDenied` that ends it is recorded as
    ``permission.denied`` (who, which permission, which command) in a short transaction of its
    own, once the refused unit of work has rolled back, so a refusal in a read-only command is
    recorded too. Only the outermost unit of work of a thread records, and each refusal once.
    A refusal that cannot be recorded (the database refuses the write) is still raised.
    """
    depth = unit_entered()
    try:
        yield
    except PermissionDenied as refused:
        record_refusal(runtime, user, refused, depth)
        raise
    finally:
        unit_left(depth)


def _record_refusal(runtime: Runtime, user: UserRecord | None, refused: PermissionDenied) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    summary = {"permission": refused.permission}
    command = _command()
    if command:
        summary["command"] = command
    try:
        with runtime.operation(user) as ctx:
            ctx.audit("permission.denied", "permission", refused.permission, summary=summary)
    except (MedofficeError, SQLAlchemyError, OSError):
        pass
