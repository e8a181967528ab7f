"""Merging two records of one patient: each plugin moves its own rows.

The core owns the patients; plugins own rows that point at them (appointments, waitlist
entries, ledgers, policies, claims). ``medoffice patients merge`` and the TUI's merge screen
call :func:`medoffice.core.services.patient_merge.merge`, which asks every plugin first and
then has each move its rows, all in one unit of work: if any plugin refuses or raises,
nothing moves. **A plugin with a table that refers to ``core_patient`` must implement both
hooks**, or a merge leaves its rows on the absorbed (inactive) patient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._markers import hookspec

if TYPE_CHECKING:
    from ..context import Context
    from ..records import MergePreview, MovedRow, PatientMerge


@hookspec
def medoffice_patient_merge_preview(ctx: Context, merge: PatientMerge) -> MergePreview | None:
    """Say what a merge would move of yours, or refuse it. Write nothing.

    Called for the preview a person confirms (``patients merge --dry-run``, the merge screen)
    and again, in the merging operation itself, right before ``medoffice_patient_merge``.

    Args:
        ctx: the operation's context (read your own tables through ``ctx.session``).
        merge: ``merge.keep`` will absorb ``merge.absorb``; ``merge.merge_id`` is None.

    Returns:
        None when the absorbed patient has nothing of yours; else a
        :class:`~medoffice.core.records.MergePreview`: short lines saying what would move
        ("2 appointments") and, to stop the merge, a one-line ``refusal`` ("both patients
        are booked at 09:00 on 2026-01-06"). Every plugin is asked; the merge is refused
        with every reason given, each prefixed with the plugin's title.
    """


@hookspec
def medoffice_patient_merge(ctx: Context, merge: PatientMerge) -> list[MovedRow] | None:
    """Move your rows from the absorbed patient to the kept one, now.

    Called once per plugin in the merging operation, after every plugin's preview allowed
    it and before the core marks ``merge.absorb`` inactive and merged into ``merge.keep``.
    Write through ``ctx.session``; raising (a :class:`~medoffice.core.errors.Conflict` for
    the user, anything else for a bug) rolls the whole merge back.

    Args:
        ctx: the merging operation's context; ``ctx.user`` is who merges.
        merge: the two patients and ``merge.merge_id``, the merge's number.

    Returns:
        The rows moved, as :class:`~medoffice.core.records.MovedRow` (table, primary key),
        or None when nothing moved. The core keeps them with the merge
        (``core_patient_merge_row``).
    """
