"""``medoffice appointments check-in|room|complete|no-show|undo`` and ``medoffice schedule
grace``: the patient's way through the day, one command per step, and the undo of the last.

Each prints the appointment after the step (``--json``: the same fields as ``appointments
list``); ``undo`` also says which step it took back. A step refused is one line on stderr,
exit 1, in the desk's words (``Ann Lee's 09:00 appointment starts at 09:00: a no-show may be
marked from 09:15 …``).
"""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation
from medoffice.core.cli.params import RECORD_ID

from ._lazy import on_first_use
from .booking import _one, _show, appointments, schedule

day_flow = on_first_use("day_flow")


def _step(name: str, verb: str, doc: str):
    """``medoffice appointments NAME APPOINTMENT_ID``: take one step of the day."""

    @click.argument("appointment_id", type=RECORD_ID)
    @json_option
    def command(appointment_id: int, as_json: bool) -> None:
        with operation() as ctx:
            record = getattr(day_flow, name.replace("-", "_"))(ctx, appointment_id)
            view = _one(ctx, record)
        emit(view, as_json=as_json, human=_show(verb))

    command.__doc__ = doc
    return appointments.command(name)(command)


_step("check-in", "checked in", "The patient of APPOINTMENT_ID has arrived (on the day, however late).")
_step("complete", "completed", "The visit APPOINTMENT_ID is over; its room is free again.")
_step("no-show", "no-show for", "The patient of APPOINTMENT_ID did not come (after the grace period).")


@appointments.command("room")
@click.argument("appointment_id", type=RECORD_ID)
@click.option("--room", help="The room at the appointment's location (default: the one it was booked in).")
@click.option("--share", "share_reason", metavar="REASON",
              help="Put the patient in even though someone is in the room, for this reason "
                   "(needs scheduling.overbook).")
@json_option
def room(appointment_id: int, room: str | None, share_reason: str | None, as_json: bool) -> None:
    """The patient of APPOINTMENT_ID went into a room, or (already in one) moved to the room
    named with --room. A room someone is in is refused, naming them; undo takes a move back
    to the earlier room."""
    with operation() as ctx:
        record = day_flow.room(ctx, appointment_id, room, override_reason=share_reason)
        view = _one(ctx, record)
    emit(view, as_json=as_json, human=_show("roomed"))


@appointments.command("undo")
@click.argument("appointment_id", type=RECORD_ID)
@json_option
def undo(appointment_id: int, as_json: bool) -> None:
    """Take back the last step of APPOINTMENT_ID: check-in, room, complete or no-show."""
    with operation() as ctx:
        undone = day_flow.undo(ctx, appointment_id)
        view = _one(ctx, undone.appointment)
    step = day_flow.STEP_NAMES[undone.step]
    emit({"undone": undone.step, "appointment": view}, as_json=as_json,
         human=lambda data: _show(f"undid the {step} of")(data["appointment"]))


@schedule.group("grace")
def grace() -> None:
    """How long after its start an appointment may be marked a no-show."""


def _show_grace(setting) -> None:
    click.echo(f"a no-show may be marked {setting.minutes} minutes after the start"
               + (" (the default)" if setting.default else ""))


@grace.command("show")
@json_option
def grace_show(as_json: bool) -> None:
    """The practice's grace period before a no-show."""
    with operation(write=False) as ctx:
        setting = day_flow.grace_setting(ctx)
    emit(setting, as_json=as_json, human=_show_grace)


@grace.command("set")
@click.argument("minutes")
@json_option
def grace_set(minutes: str, as_json: bool) -> None:
    """Mark a no-show only MINUTES after the start (0-1440; needs scheduling.manage)."""
    with operation() as ctx:
        setting = day_flow.set_grace(ctx, minutes)
    emit(setting, as_json=as_json, human=_show_grace)
