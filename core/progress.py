"""How a long service operation (an import, an export) tells its caller how far it has got.

The service takes a :class:`Progress` and calls :meth:`Progress.step` when it starts a stage
(``"checking"`` so many rows, then ``"writing"`` them) and :meth:`Progress.advance` as it
goes; it never knows who listens. The command line passes a bar drawn on a terminal
(:func:`medoffice.core.cli.progress.bar`), everything else the silent :data:`SILENT`.

.. versionadded:: 1
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """What a long operation reports."""

    def step(self, label: str, total: int | None) -> None:
        """A stage begins: ``label`` (``"writing patients"``) over ``total`` items (None: unknown)."""

    def advance(self, count: int = 1) -> None:
        """``count`` more items of the current stage are done."""


class _Silent:
    def step(self, label: str, total: int | None) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


SILENT: Progress = _Silent()
"""A :class:`Progress` that reports nothing (the default of every service)."""

__all__ = ["SILENT", "Progress"]
