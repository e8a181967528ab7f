"""Billing's answer when a completed visit is taken back (``medoffice_appointment_changed``
with kind ``"undone"`` and reason ``"completed"``).

A completed visit opened an encounter for charge entry. Taking "done" back is harmless while
that encounter is empty: it stays open, and completing the visit again finds it. Once a
charge is entered on it, or it is closed, money follows from the visit, so billing refuses
the undo with one line (the undo is then not written at all); the charges must be voided
first.
"""

from __future__ import annotations

from medoffice.core import Conflict, hookimpl


@hookimpl
def medoffice_appointment_changed(ctx, change):
    """Refuse to take back a visit done whose encounter has charges or is closed."""
    if change.kind != "undone" or change.reason != "completed":
        return
    from sqlalchemy import select

    from .models import Charge, Encounter

    encounter = ctx.session.execute(select(Encounter).where(
        Encounter.appointment_id == change.appointment.id)).scalar_one_or_none()
    if encounter is None:
        return
    charged = ctx.session.execute(select(Charge.id).where(Charge.encounter_id == encounter.id).limit(1)).first()
    if charged is not None or encounter.status != "open":
        raise Conflict(f"this visit's charges are entered in billing (encounter {encounter.id}): "
                       "they must be voided before the visit can be taken back")
