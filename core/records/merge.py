"""Records of a patient merge: what each plugin says it would move, and what it moved.

Two records of one person (registered twice) are merged by the core's patients service
(:mod:`medoffice.core.services.patient_merge`). The core owns the patients; each plugin owns
rows that point at them (appointments, ledgers, policies), so each plugin answers two hooks
with these records: ``medoffice_patient_merge_preview`` (what it would move, or why it
refuses) and ``medoffice_patient_merge`` (move them now, and say which rows moved).

.. versionadded:: 1 (hook API version 1)
"""

from __future__ import annotations

import re

import attrs

from .shared import PatientRecord

_TABLE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def _one_line(instance: object, attribute: attrs.Attribute, value: str | None) -> None:
    if value is not None and (not value.strip() or "\n" in value):
        raise ValueError(f"{attribute.name} must be one non-blank line")


@attrs.frozen
class PatientMerge:
    """Two records of one person: ``keep`` absorbs ``absorb``.

    ``keep`` keeps its MRN and demographics; after the merge ``absorb`` is inactive and marked
    merged into ``keep``, never deleted. ``merge_id`` is None in a preview, and the number
    of the merge (``core_patient_merge``) when the rows are moved.
    """

    keep: PatientRecord
    absorb: PatientRecord
    merge_id: int | None = None


@attrs.frozen
class MergePreview:
    """One plugin's answer to a proposed merge.

    ``moves`` are short lines for people ("3 appointments", "balance $40.00"), nothing when the
    absorbed patient has nothing of the plugin's. ``refusal`` is None to allow the merge, or one
    line saying why it is unsafe ("both patients are booked at 09:00 on 2026-01-06"); any
    refusal stops the whole merge.
    """

    moves: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    refusal: str | None = attrs.field(default=None, validator=_one_line)


@attrs.frozen
class MovedRow:
    """One row a plugin moved from the absorbed patient to the kept one: its table and its
    primary key. The core keeps the list with the merge (``core_patient_merge_row``), so what
    moved stays known without reading the audit log back."""

    table: str = attrs.field(validator=attrs.validators.matches_re(_TABLE))
    row_id: int = attrs.field(validator=attrs.validators.instance_of(int))


__all__ = ["MergePreview", "MovedRow", "PatientMerge"]
