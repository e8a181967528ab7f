"""``medoffice evaluations …``: forms, cycles, each person's evaluation and its two signatures."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, say, table
from medoffice.core.cli.params import RECORD_ID
from medoffice.core.text import MULTILINE, printable

from ._lazy import day_text, on_first_use

service = on_first_use("evaluations")
setup = on_first_use("evaluation_setup")


@click.group()
def evaluations() -> None:
    """Performance evaluations: self-assessment, the manager's review, goals, both signatures."""


def pairs(values, option: str) -> dict[str, str]:
    """``NAME=VALUE`` options as a mapping (a usage error when malformed or repeated)."""
    found: dict[str, str] = {}
    for value in values:
        name, sep, given = value.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"{option} takes NAME=VALUE, got {printable(value[:60])!r}")
        if name.strip().lower() in (k.lower() for k in found):
            raise click.UsageError(f"{option} names {printable(name.strip()[:60])!r} twice")
        found[name.strip()] = given
    return found


def _status(e) -> str:
    return "overdue" if e.overdue else e.status.replace("_", " ")


def _list(rows) -> None:
    table([(e.id, e.staff, e.cycle, e.period, day_text(e.due_on), _status(e),
            "" if e.days is None else (f"{-e.days} days ago" if e.days < 0 else f"in {e.days} days"))
           for e in rows], ("id", "staff", "cycle", "period", "due", "status", "when"))


def _detail(d) -> None:
    e = d.summary
    say(f"evaluation {e.id}: {e.staff}, {e.cycle} {e.period}, due {e.due_on}, {_status(e)}")
    say(f"form {d.template}, rated {d.scale_min} to {d.scale_max}" + (f" ({d.scale_labels})" if d.scale_labels else ""))
    table([(line.name, "" if line.self_rating is None else line.self_rating,
            "" if line.manager_rating is None else line.manager_rating)
           for line in d.lines if line.kind == "competency"], ("competency", "self", "manager"))
    for line in d.lines:
        if line.kind == "comment":
            say(f"{line.name}:")
            for side, text in (("self", line.self_text), ("manager", line.manager_text)):
                if text:
                    click.echo(f"  [{side}] " + printable(text, allow=MULTILINE).replace("\n", "\n  "))
    for label, text in (("self comment", d.self_comment), ("manager comment", d.manager_comment),
                        ("goals for the next period", d.goals)):
        if text:
            click.echo(f"{label}: " + printable(text, allow=MULTILINE).replace("\n", "\n  "))
    if d.review_hidden:
        say("the manager's review shows once the manager signs")
    if d.self_waived:
        say(f"self-assessment waived by {d.self_signed_by}: {d.self_waived}")
    elif e.self_signed_at:
        say(f"self-assessment signed by {d.self_signed_by}")
    if e.manager_signed_at:
        say(f"review signed by {e.manager_signed_by}")
    if d.cancel_reason:
        say(f"cancelled: {d.cancel_reason}")


# -- forms and cycles ------------------------------------------------------------------------


@evaluations.group("templates")
def templates() -> None:
    """Evaluation forms: competencies rated on a scale, and comment fields."""


@templates.command("add")
@click.argument("name")
@click.option("--competency", "competencies", multiple=True, required=True, help="A competency to rate (repeat).")
@click.option("--comment", "comments", multiple=True, help="A comment field to write in (repeat).")
@click.option("--scale-min", default="1", show_default=True)
@click.option("--scale-max", default="5", show_default=True)
@click.option("--labels", help="What the ratings mean ('1 unsatisfactory ... 5 outstanding').")
@json_option
def templates_add(name: str, competencies, comments, scale_min: str, scale_max: str, labels, as_json: bool) -> None:
    """Make the evaluation form NAME."""
    with operation() as ctx:
        record = setup.add_template(ctx, name, competencies, comments, scale_min=scale_min, scale_max=scale_max,
                                      scale_labels=labels)
    emit(record, as_json=as_json, human=lambda t: say(
        f"template {t.id}: {t.name}, {len(t.competencies)} competencies rated {t.scale_min}-{t.scale_max}, "
        f"{len(t.comments)} comment fields"))


@templates.command("list")
@click.option("--all", "include_retired", is_flag=True, help="Retired forms too.")
@json_option
def templates_list(include_retired: bool, as_json: bool) -> None:
    """The evaluation forms."""
    with operation(write=False) as ctx:
        found = setup.list_templates(ctx, include_retired=include_retired)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(t.id, t.name, f"{t.scale_min}-{t.scale_max}", ", ".join(t.competencies), ", ".join(t.comments),
          "" if t.active else "retired") for t in rows], ("id", "template", "scale", "competencies", "comments", "")))


@templates.command("retire")
@click.argument("name")
@json_option
def templates_retire(name: str, as_json: bool) -> None:
    """No new evaluations on the form NAME."""
    with operation() as ctx:
        record = setup.retire_template(ctx, name)
    emit(record, as_json=as_json, human=lambda t: say(f"template {t.id}: {t.name} retired"))


@evaluations.group("cycles")
def cycles() -> None:
    """When evaluations come round: annual, or a number of days after each hire."""


@cycles.command("add")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(["annual", "new_hire"]))
@click.option("--template", required=True, help="The form it uses.")
@click.option("--days-after-hire", help="A new_hire cycle's: days after the start (90 if not given).")
@json_option
def cycles_add(name: str, kind: str, template: str, days_after_hire, as_json: bool) -> None:
    """Make the evaluation cycle NAME."""
    with operation() as ctx:
        record = setup.add_cycle(ctx, name, kind, template, days_after_hire=days_after_hire)
    emit(record, as_json=as_json, human=lambda c: say(
        f"cycle {c.id}: {c.name}, {c.kind}" + (f" ({c.days_after_hire} days after hire)" if c.days_after_hire else "")
        + f", form {c.template}"))


@cycles.command("list")
@click.option("--all", "include_retired", is_flag=True, help="Retired cycles too.")
@json_option
def cycles_list(include_retired: bool, as_json: bool) -> None:
    """The evaluation cycles."""
    with operation(write=False) as ctx:
        found = setup.list_cycles(ctx, include_retired=include_retired)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(c.id, c.name, c.kind, "" if c.days_after_hire is None else c.days_after_hire, c.template,
          "" if c.active else "retired") for c in rows], ("id", "cycle", "kind", "days after hire", "form", "")))


@cycles.command("retire")
@click.argument("name")
@json_option
def cycles_retire(name: str, as_json: bool) -> None:
    """Schedule no more evaluations in the cycle NAME."""
    with operation() as ctx:
        record = setup.retire_cycle(ctx, name)
    emit(record, as_json=as_json, human=lambda c: say(f"cycle {c.id}: {c.name} retired"))


# -- evaluations -----------------------------------------------------------------------------


@evaluations.command("schedule")
@click.argument("cycle")
@click.option("--due", help="The due day (YYYY-MM-DD); a new_hire cycle's is the start plus its days.")
@click.option("--staff", "staff_ids", type=RECORD_ID, multiple=True, help="A staff member (repeat); everyone if none.")
@click.option("--role", "roles", multiple=True, help="Only the staff of a role (repeat).")
@click.option("--period", help="The period's name (the due day's year for an annual cycle).")
@json_option
def schedule(cycle: str, due, staff_ids, roles, period, as_json: bool) -> None:
    """Give evaluations in CYCLE to the staff (those who have one for the period are passed over)."""
    if staff_ids and roles:
        raise click.UsageError("give --staff or --role, not both")
    with operation() as ctx:
        made = service.schedule(ctx, cycle, due=due, staff_ids=staff_ids, roles=roles, period=period)
    emit(made, as_json=as_json, human=_list)


@evaluations.command("list")
@click.option("--staff", "staff_id", type=RECORD_ID, help="One staff member's history.")
@click.option("--mine", is_flag=True, help="Your own.")
@click.option("--status", type=click.Choice(["open", "self_signed", "signed", "cancelled", "overdue"]))
@click.option("--cycle", help="One cycle's.")
@json_option
def list_(staff_id, mine: bool, status, cycle, as_json: bool) -> None:
    """Evaluations, latest due first."""
    if mine and staff_id is not None:
        raise click.UsageError("give --staff or --mine, not both")
    with operation(write=False) as ctx:
        found = service.list_evaluations(ctx, staff_id=staff_id, mine=mine, status=status, cycle=cycle)
    emit(found, as_json=as_json, human=_list)


@evaluations.command("due")
@click.option("--within", default="30", show_default=True, help="Days ahead that count as due.")
@click.option("--mine", is_flag=True, help="Your own.")
@json_option
def due(within: str, mine: bool, as_json: bool) -> None:
    """Evaluations overdue or due within N days and not yet signed by the manager."""
    with operation(write=False) as ctx:
        found = service.due(ctx, within=within, mine=mine)
    emit(found, as_json=as_json, human=_list)


@evaluations.command("show")
@click.argument("evaluation_id", type=RECORD_ID)
@json_option
def show(evaluation_id: int, as_json: bool) -> None:
    """One evaluation: both sides' ratings, comments, goals and signatures."""
    with operation() as ctx:
        found = service.show(ctx, evaluation_id)
    emit(found, as_json=as_json, human=_detail)


def _answer_options(function):
    for option in reversed([
        click.option("--rate", "ratings", multiple=True, metavar="COMPETENCY=N", help="A rating (repeat)."),
        click.option("--write", "texts", multiple=True, metavar="FIELD=TEXT", help="A comment field (repeat)."),
        click.option("--comment", help="An overall comment."),
    ]):
        function = option(function)
    return function


@evaluations.command("self-assess")
@click.argument("evaluation_id", type=RECORD_ID)
@_answer_options
@json_option
def self_assess(evaluation_id: int, ratings, texts, comment, as_json: bool) -> None:
    """Rate yourself and write in your own evaluation (until you sign it)."""
    rated, written = pairs(ratings, "--rate"), pairs(texts, "--write")
    with operation() as ctx:
        found = service.self_assess(ctx, evaluation_id, ratings=rated, texts=written, comment=comment)
    emit(found, as_json=as_json, human=_detail)


@evaluations.command("review")
@click.argument("evaluation_id", type=RECORD_ID)
@_answer_options
@click.option("--goals", help="Goals for the next period.")
@json_option
def review(evaluation_id: int, ratings, texts, comment, goals, as_json: bool) -> None:
    """The manager's ratings, words and goals (until the manager signs)."""
    rated, written = pairs(ratings, "--rate"), pairs(texts, "--write")
    with operation() as ctx:
        found = service.review(ctx, evaluation_id, ratings=rated, texts=written, comment=comment, goals=goals)
    emit(found, as_json=as_json, human=_detail)


@evaluations.command("sign")
@click.argument("evaluation_id", type=RECORD_ID)
@json_option
def sign(evaluation_id: int, as_json: bool) -> None:
    """Sign: your own self-assessment first; then a manager signs the review, which closes it."""
    with operation() as ctx:
        found = service.sign(ctx, evaluation_id)
    emit(found, as_json=as_json, human=lambda d: say(
        f"evaluation {d.summary.id} of {d.summary.staff}: "
        + ("signed by both" if d.summary.status == "signed" else "self-assessment signed; the manager signs next")))


@evaluations.command("waive-self")
@click.argument("evaluation_id", type=RECORD_ID)
@click.option("--reason", required=True, help="Why the staff member does not sign (no user, declined).")
@json_option
def waive_self(evaluation_id: int, reason: str, as_json: bool) -> None:
    """Sign off the self-assessment in the staff member's stead, with the reason (audited)."""
    with operation() as ctx:
        found = service.waive_self(ctx, evaluation_id, reason=reason)
    emit(found, as_json=as_json, human=lambda d: say(
        f"evaluation {d.summary.id}: self-assessment waived ({d.self_waived})"))


@evaluations.command("cancel")
@click.argument("evaluation_id", type=RECORD_ID)
@click.option("--reason", required=True)
@json_option
def cancel(evaluation_id: int, reason: str, as_json: bool) -> None:
    """Call off an evaluation the manager has not signed (it stays on file)."""
    with operation() as ctx:
        found = service.cancel(ctx, evaluation_id, reason=reason)
    emit(found, as_json=as_json, human=lambda d: say(f"evaluation {d.summary.id} cancelled ({d.cancel_reason})"))
