"""Billing's answer when a completed visit is taken back (``medoffice_appointment_changed``
with kind ``"undone"`` and reason ``"completed"``).

A completed visit opened an encounter for charge entry. What happens to it when the desk
takes "done" back (``encounters.take_back_visit``):

- **nothing entered yet** (no diagnosis, no charge line, still open): the encounter is
  removed with the undo, so charge entry no longer lists a visit that did not happen; it is
  audited as ``billing.encounter.removed``. Completing the visit again opens a new one.
- **charges on it** (a line not voided), or **closed**: the undo is refused with one line
  naming the patient, the visit and the amount; nothing changes. Money follows from the
  visit, so a biller voids the lines first (a closed encounter's lines no longer change).
- **only diagnoses or voided lines**: the undo goes ahead and the encounter stays open
  with them (a voided line is kept as history, never deleted); completing the visit again
  finds it.
"""

from __future__ import annotations

from medoffice.core import hookimpl


@hookimpl
def medoffice_appointment_changed(ctx, change):
    """Remove the empty encounter of a visit done that is taken back; refuse once it has charges."""
    if change.kind != "undone" or change.reason != "completed":
        return
    from . import encounters

    encounters.take_back_visit(ctx, change.appointment)
