"""``medoffice onboarding …``: new hires' to-do lists and the documents each role hands in."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, say, table
from medoffice.core.cli.params import RECORD_ID

from ._lazy import day_text, on_first_use

service = on_first_use("onboarding")


@click.group()
def onboarding() -> None:
    """New hires' to-do lists: the trainings and documents their role requires."""


def _items(rows) -> None:
    table([(i.id, i.staff, i.kind, i.title, day_text(i.due_on), i.status) for i in rows],
          ("id", "staff", "kind", "title", "due", "status"))


@onboarding.command("list")
@click.option("--staff", "staff_id", type=RECORD_ID, help="One staff member's list.")
@click.option("--mine", is_flag=True, help="Your own list (your user linked to your staff record).")
@click.option("--all", "include_done", is_flag=True, help="Done items too.")
@json_option
def list_(staff_id, mine: bool, include_done: bool, as_json: bool) -> None:
    """What new hires still have to do, by due day."""
    if mine and staff_id is not None:
        raise click.UsageError("give --staff or --mine, not both")
    with operation(write=False) as ctx:
        found = service.to_do(ctx, staff_id=staff_id, mine=mine, include_done=include_done)
    emit(found, as_json=as_json, human=_items)


@onboarding.command("done")
@click.argument("item_id", type=RECORD_ID)
@json_option
def done(item_id: int, as_json: bool) -> None:
    """Tick a document as handed in (trainings tick themselves when completed)."""
    with operation() as ctx:
        record = service.mark_done(ctx, item_id)
    emit(record, as_json=as_json, human=lambda i: say(f"done: {i.staff}, {i.title}"))


@onboarding.group("documents")
def documents() -> None:
    """The documents new hires of each role hand in."""


@documents.command("add")
@click.argument("role")
@click.argument("title")
@click.option("--within", "within_days", default="7", show_default=True, help="Days after the start day.")
@json_option
def documents_add(role: str, title: str, within_days: str, as_json: bool) -> None:
    """New hires in ROLE (all: everyone) hand in TITLE within N days."""
    with operation() as ctx:
        record = service.add_document(ctx, role, title, within_days=within_days)
    emit(record, as_json=as_json, human=lambda d: say(f"document {d.id}: {d.title} for {d.role}, "
                                                      f"within {d.within_days} days"))


@documents.command("list")
@json_option
def documents_list(as_json: bool) -> None:
    """The documents per role."""
    with operation(write=False) as ctx:
        found = service.list_documents(ctx)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(d.id, "all" if d.role == "*" else d.role, d.title, d.within_days) for d in rows],
        ("id", "role", "title", "within days")))


@documents.command("remove")
@click.argument("document_id", type=RECORD_ID)
@json_option
def documents_remove(document_id: int, as_json: bool) -> None:
    """Stop asking new hires for a document."""
    with operation() as ctx:
        record = service.remove_document(ctx, document_id)
    emit(record, as_json=as_json, human=lambda d: say(f"removed document {d.id}: {d.title}"))
