"""``medoffice hiring …``: job openings, the hiring stages, applicants, and the hire."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, say, table
from medoffice.core.cli.params import RECORD_ID

from ._lazy import day_text, on_first_use

service = on_first_use("hiring")


@click.group()
def hiring() -> None:
    """Job openings, applicants through the practice's stages, and hiring them."""


# -- openings --------------------------------------------------------------------------------


@hiring.group("openings")
def openings() -> None:
    """Jobs the practice is hiring for."""


def _opening_table(rows) -> None:
    table([(o.id, o.title, o.role, o.location or "", o.hours or "", o.pay, o.status.replace("_", " "), o.applicants)
           for o in rows], ("id", "title", "role", "location", "hours", "pay", "status", "applicants"))


def _opening_line(o) -> None:
    say(f"opening {o.id}: {o.title} ({o.role}), {o.status.replace('_', ' ')}" + (f", {o.pay}" if o.pay else ""))


def _opening_options(function):
    for option in reversed([
        click.option("--location", help="The location's name."),
        click.option("--hours", help="The hours, as words (Mon-Fri 8:00-16:30)."),
        click.option("--pay-min", help="The low end of the pay range (18.00)."),
        click.option("--pay-max", help="The high end of the pay range (22.00)."),
        click.option("--pay-per", help="hour or year."),
        click.option("--note", help="Anything else about the job."),
    ]):
        function = option(function)
    return function


@openings.command("add")
@click.argument("title")
@click.option("--role", required=True, help="The staff role a hire gets (front_desk, medical_assistant…).")
@_opening_options
@json_option
def openings_add(title: str, role: str, location, hours, pay_min, pay_max, pay_per, note, as_json: bool) -> None:
    """Open a job called TITLE."""
    with operation() as ctx:
        record = service.add_opening(ctx, {"title": title, "role": role, "location": location, "hours": hours,
                                           "pay_min": pay_min, "pay_max": pay_max, "pay_per": pay_per,
                                           "note": note})
    emit(record, as_json=as_json, human=_opening_line)


@openings.command("update")
@click.argument("opening_id", type=RECORD_ID)
@click.option("--title")
@click.option("--role")
@click.option("--status", help="open, on_hold, filled or closed.")
@_opening_options
@json_option
def openings_update(opening_id: int, title, role, status, location, hours, pay_min, pay_max, pay_per, note,
                    as_json: bool) -> None:
    """Change an opening (its status among its fields)."""
    changes = {"title": title, "role": role, "status": status, "location": location, "hours": hours,
               "pay_min": pay_min, "pay_max": pay_max, "pay_per": pay_per, "note": note}
    with operation() as ctx:
        record = service.update_opening(ctx, opening_id, changes)
    emit(record, as_json=as_json, human=_opening_line)


@openings.command("list")
@click.option("--all", "include_closed", is_flag=True, help="Filled and closed openings too.")
@json_option
def openings_list(include_closed: bool, as_json: bool) -> None:
    """Open and on-hold openings, with how many applicants are in the pipeline."""
    with operation(write=False) as ctx:
        found = service.list_openings(ctx, include_closed=include_closed)
    emit(found, as_json=as_json, human=_opening_table)


# -- stages ----------------------------------------------------------------------------------


@hiring.group("stages")
def stages() -> None:
    """The practice's hiring stages (hired, rejected and withdrawn end the pipeline)."""


def _stage_table(rows) -> None:
    table([(s.name, s.outcome or "", s.applicants) for s in rows], ("stage", "outcome", "applicants"))


@stages.command("list")
@json_option
def stages_list(as_json: bool) -> None:
    """The stages in order, with how many applicants are at each."""
    with operation(write=False) as ctx:
        found = service.list_stages(ctx)
    emit(found, as_json=as_json, human=_stage_table)


@stages.command("add")
@click.argument("name")
@click.option("--before", help="The stage it comes before (else before the outcomes).")
@json_option
def stages_add(name: str, before, as_json: bool) -> None:
    """Add a stage called NAME."""
    with operation() as ctx:
        record = service.add_stage(ctx, name, before=before)
    emit(record, as_json=as_json, human=lambda s: say(f"added the stage {s.name!r}"))


@stages.command("rename")
@click.argument("name")
@click.argument("new_name")
@json_option
def stages_rename(name: str, new_name: str, as_json: bool) -> None:
    """Rename the stage NAME to NEW_NAME."""
    with operation() as ctx:
        record = service.rename_stage(ctx, name, new_name)
    emit(record, as_json=as_json, human=lambda s: say(f"renamed to {s.name!r}"))


@stages.command("remove")
@click.argument("name")
@json_option
def stages_remove(name: str, as_json: bool) -> None:
    """Remove the stage NAME (no applicant may be at it)."""
    with operation() as ctx:
        record = service.remove_stage(ctx, name)
    emit(record, as_json=as_json, human=lambda s: say(f"removed the stage {s.name!r}"))


# -- applicants ------------------------------------------------------------------------------


@hiring.group("applicants")
def applicants() -> None:
    """People who applied (personal data: opening one's file is audited)."""


def _applicant_table(ctx_local):
    def show(rows) -> None:
        table([(a.id, a.name, a.opening, a.stage, str(a.applied_on),
                ctx_local(a.next_interview) if a.next_interview else "") for a in rows],
              ("id", "name", "opening", "stage", "applied", "interview"))
    return show


def _applicant_line(a) -> None:
    say(f"applicant {a.id}: {a.name}, {a.opening}, at {a.stage!r}"
        + (f" ({a.rejection_reason})" if a.rejection_reason else ""))


@applicants.command("add")
@click.argument("opening_id", type=RECORD_ID)
@click.argument("name")
@click.option("--email")
@click.option("--phone")
@click.option("--applied", help="The day they applied (YYYY-MM-DD; today if not given).")
@click.option("--note", help="A first note for their file.")
@json_option
def applicants_add(opening_id: int, name: str, email, phone, applied, note, as_json: bool) -> None:
    """Add NAME as an applicant for the opening OPENING_ID, at the first stage."""
    with operation() as ctx:
        record = service.add_applicant(ctx, opening_id, {"name": name, "email": email, "phone": phone,
                                                         "applied_on": applied, "note": note})
    emit(record, as_json=as_json, human=_applicant_line)


@applicants.command("list")
@click.option("--opening", "opening_id", type=RECORD_ID, help="One opening's applicants.")
@click.option("--stage", help="Those at one stage (an outcome too).")
@click.option("--all", "include_closed", is_flag=True, help="Hired, rejected and withdrawn too.")
@json_option
def applicants_list(opening_id, stage, include_closed: bool, as_json: bool) -> None:
    """Applicants in the pipeline, by stage."""
    with operation() as ctx:
        found = service.list_applicants(ctx, opening_id=opening_id, stage=stage, include_closed=include_closed)
        zone = ctx.timezone  # read inside the operation: after it, the session is closed
    emit(found, as_json=as_json, human=_applicant_table(lambda moment: f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"))


@applicants.command("show")
@click.argument("applicant_id", type=RECORD_ID)
@json_option
def applicants_show(applicant_id: int, as_json: bool) -> None:
    """An applicant's file: details, interviews and dated notes."""
    with operation() as ctx:
        a = service.open_applicant(ctx, applicant_id)
        zone = ctx.timezone

    def human(a) -> None:
        _applicant_line(a)
        say(f"  applied {a.applied_on}; email {a.email or '-'}; phone {a.phone or '-'}"
            + (f"; staff #{a.staff_id}" if a.staff_id else ""))
        for i in a.interviews:
            say(f"  interview {i.starts_at.astimezone(zone):%Y-%m-%d %H:%M}"
                + (f" with {i.interviewer}" if i.interviewer else "") + (f" at {i.place}" if i.place else ""))
        for n in a.notes:
            say(f"  {n.written_at.astimezone(zone):%Y-%m-%d %H:%M} {n.author} [{n.kind}] {n.body}")

    emit(a, as_json=as_json, human=human)


@applicants.command("note")
@click.argument("applicant_id", type=RECORD_ID)
@click.argument("text")
@json_option
def applicants_note(applicant_id: int, text: str, as_json: bool) -> None:
    """Add a dated note to an applicant's file."""
    with operation() as ctx:
        record = service.add_note(ctx, applicant_id, text)
    emit(record, as_json=as_json, human=lambda a: say(f"noted on applicant {a.id} ({a.name})"))


@applicants.command("move")
@click.argument("applicant_id", type=RECORD_ID)
@click.argument("stage")
@click.option("--reason", help="Why (required to reject).")
@json_option
def applicants_move(applicant_id: int, stage: str, reason, as_json: bool) -> None:
    """Move an applicant to STAGE (rejected and withdrawn among them)."""
    with operation() as ctx:
        record = service.move(ctx, applicant_id, stage, reason=reason)
    emit(record, as_json=as_json, human=_applicant_line)


@applicants.command("interview")
@click.argument("applicant_id", type=RECORD_ID)
@click.option("--at", "at", required=True, help="'YYYY-MM-DD HH:MM' in the practice's time zone.")
@click.option("--with", "interviewer", help="Who interviews.")
@click.option("--place", help="Where.")
@json_option
def applicants_interview(applicant_id: int, at: str, interviewer, place, as_json: bool) -> None:
    """Book an interview with an applicant."""
    with operation() as ctx:
        record = service.schedule_interview(ctx, applicant_id, at, interviewer=interviewer, place=place)
        shown = f"{ctx.local(record.next_interview):%Y-%m-%d %H:%M}" if record.next_interview else at
    emit(record, as_json=as_json, human=lambda a: say(f"interview with {a.name} on {shown}"))


# -- hire ------------------------------------------------------------------------------------


@hiring.command("hire")
@click.argument("applicant_id", type=RECORD_ID)
@click.option("--start", help="Their first day (YYYY-MM-DD; today if not given).")
@click.option("--role", help="Their staff role (the opening's if not given).")
@click.option("--provider", "is_provider", is_flag=True, help="They see patients (needs --npi).")
@click.option("--npi", help="A provider's NPI.")
@click.option("--user", help="The user name they sign in with, when they have one already.")
@json_option
def hire(applicant_id: int, start, role, is_provider: bool, npi, user, as_json: bool) -> None:
    """Hire an applicant: makes their staff record and their onboarding to-do list."""
    with operation() as ctx:
        made = service.hire(ctx, applicant_id, start=start, role=role, is_provider=is_provider, npi=npi, user=user)

    def human(h) -> None:
        say(f"hired {h.staff.name} as staff #{h.staff.id} ({h.staff.role}), starting {day_text(h.hired_on)}; "
            f"{len(h.onboarding)} onboarding item(s)")
        for item in h.onboarding:
            say(f"  {item.kind}: {item.title}, due {day_text(item.due_on)}")

    emit(made, as_json=as_json, human=human)
