"""``medoffice policies …``: office policies, their versions, and who has acknowledged them."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, say, table
from medoffice.core.cli.params import RECORD_ID
from medoffice.core.errors import ValidationError
from medoffice.core.text import MULTILINE, printable

from ._lazy import day_text, on_first_use

service = on_first_use("policies")
MAX_FILE_BYTES = 400_000
"""A Markdown body is at most 100,000 characters; a file far bigger is refused unread."""


@click.group()
def policies() -> None:
    """Office policies and procedures: versions, the roles they apply to, acknowledgments."""


def _roles(roles) -> str:
    return ", ".join("all" if r == "*" else r for r in roles)


def _line(p) -> None:
    say(f"policy {p.id}: {p.title} ({p.category}), version {p.version} of {p.published_on}, for {_roles(p.roles)}"
        + ("" if p.active else " (retired)"))


def read_body(path: str | None) -> str | None:
    """The Markdown text of ``--body-file`` (``-``: standard input), refused as one line when
    it is not UTF-8 text or far too long."""
    if path is None:
        return None
    try:
        with click.open_file(path, "rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ValidationError(f"cannot read {path!r}: {error.strerror or error}", field="body") from None
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(f"{path!r} is larger than {MAX_FILE_BYTES:,} bytes", field="body")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{path!r} is not UTF-8 text (save the policy as Markdown or plain text, or give "
                              "--file with a reference to the document)", field="body") from None


def _text_options(function):
    for option in reversed([
        click.option("--body-file", type=click.Path(dir_okay=False, allow_dash=True),
                     help="A Markdown file with the policy's text (- reads standard input)."),
        click.option("--file", "file_ref", help="Instead of a body: where the document is (a path or address)."),
        click.option("--note", help="What this version changes."),
    ]):
        function = option(function)
    return function


@policies.command("add")
@click.argument("title")
@click.option("--category", required=True, help="HIPAA, safety, HR, front desk…")
@click.option("--role", "roles", multiple=True, required=True, help="A staff role it applies to (repeat; all: everyone).")
@_text_options
@click.option("--within", "within_days", default="14", show_default=True,
              help="Days the staff have to acknowledge each version.")
@json_option
def add(title: str, category: str, roles, body_file, file_ref, note, within_days: str, as_json: bool) -> None:
    """Write the policy TITLE and publish its version 1 for the roles given."""
    body = read_body(body_file)
    with operation() as ctx:
        record = service.add(ctx, title, category, roles, body=body, file_ref=file_ref, within_days=within_days,
                             note=note)
    emit(record, as_json=as_json, human=_line)


@policies.command("publish")
@click.argument("title")
@_text_options
@click.option("--role", "roles", multiple=True, help="The roles it applies to (the version before's if not given).")
@json_option
def publish(title: str, body_file, file_ref, note, roles, as_json: bool) -> None:
    """Publish a new version of TITLE: everyone it applies to acknowledges it afresh."""
    body = read_body(body_file)
    with operation() as ctx:
        record = service.publish(ctx, title, body=body, file_ref=file_ref, roles=roles, note=note)
    emit(record, as_json=as_json, human=_line)


@policies.command("retire")
@click.argument("title")
@json_option
def retire(title: str, as_json: bool) -> None:
    """Stop requiring TITLE (its versions and acknowledgments stay on file)."""
    with operation() as ctx:
        record = service.retire(ctx, title)
    emit(record, as_json=as_json, human=_line)


@policies.command("list")
@click.option("--all", "include_retired", is_flag=True, help="Retired policies too.")
@json_option
def list_(include_retired: bool, as_json: bool) -> None:
    """The policies, their version in force and (for managers) how many have signed it."""
    with operation(write=False) as ctx:
        found = service.list_policies(ctx, include_retired=include_retired)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(p.id, p.title, p.category, p.version, str(p.published_on), _roles(p.roles),
          "" if p.required is None else f"{p.signed}/{p.required}", "" if p.active else "retired") for p in rows],
        ("id", "policy", "category", "version", "published", "roles", "signed", "")))


@policies.command("show")
@click.argument("title")
@click.option("--version", help="An earlier version's number (the one in force if not given).")
@json_option
def show(title: str, version, as_json: bool) -> None:
    """Read a policy: its text, or where its document is."""
    with operation(write=False) as ctx:
        found = service.read(ctx, title, version=version)
        signed = f"{ctx.local(found.acknowledged_at):%Y-%m-%d %H:%M}" if found.acknowledged_at else None

    def human(p) -> None:
        say(f"{p.title} ({p.category}), version {p.version} of {p.published_on} by {p.published_by}"
            + ("" if p.current else " (no longer in force)") + f", for {_roles(p.roles)}")
        if p.note:
            say(f"changes: {p.note}")
        say(f"you acknowledged it on {signed}" if signed else "you have not acknowledged this version")
        say("")
        click.echo(printable(p.body, allow=MULTILINE) if p.body else f"the document: {printable(p.file_ref)}")

    emit(found, as_json=as_json, human=human)


@policies.command("ack")
@click.argument("title")
@click.option("--version", help="The version you read (refused if a newer one is in force).")
@json_option
def ack(title: str, version, as_json: bool) -> None:
    """Acknowledge, as yourself, that you have read the version in force of TITLE."""
    with operation() as ctx:
        record = service.acknowledge(ctx, title, version=version)
        when = f"{ctx.local(record.acknowledged_at):%Y-%m-%d %H:%M}"
    emit(record, as_json=as_json, human=lambda a: say(
        f"{a.staff} acknowledged {a.policy}, version {a.version}, on {when}"))


@policies.command("unsigned")
@click.option("--policy", help="One policy's.")
@click.option("--staff", "staff_id", type=RECORD_ID, help="One staff member's.")
@click.option("--mine", is_flag=True, help="Your own policies to acknowledge.")
@click.option("--within", help="Only those due within N days (overdue included).")
@json_option
def unsigned(policy, staff_id, mine: bool, within, as_json: bool) -> None:
    """Who has not acknowledged the version in force, per policy and person, most overdue first."""
    if mine and staff_id is not None:
        raise click.UsageError("give --staff or --mine, not both")
    with operation(write=False) as ctx:
        found = service.unsigned(ctx, policy=policy, staff_id=staff_id, mine=mine, within=within)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(u.staff, u.policy, u.version, str(u.published_on), day_text(u.due_on), u.status,
          f"{-u.days} days ago" if u.days < 0 else f"in {u.days} days") for u in rows],
        ("staff", "policy", "version", "published", "due", "status", "when")))


@policies.command("signatures")
@click.argument("title")
@json_option
def signatures(title: str, as_json: bool) -> None:
    """Everyone the version in force of TITLE applies to, and when each acknowledged it."""
    with operation(write=False) as ctx:
        found = service.signatures(ctx, title)
        zone = ctx.timezone
    emit(found, as_json=as_json, human=lambda rows: table(
        [(s.staff_id, s.staff, s.role, f"{s.acknowledged_at.astimezone(zone):%Y-%m-%d %H:%M}"
          if s.acknowledged_at else "not yet", s.username or "") for s in rows],
        ("staff id", "staff", "role", "acknowledged", "as user")))
