"""``medoffice billing clearinghouse …``: the connectors, the file drop's folders, sending a
batch's 837P and fetching the 277/835 files that come back."""

from __future__ import annotations

from pathlib import Path

import click

from medoffice.core.cli import emit, json_option, operation, table
from medoffice.core.cli.params import RECORD_ID

from ._lazy import on_first_use
from ._root import billing

clearinghouse = on_first_use("clearinghouse")
file_drop = on_first_use("file_drop")

VIA = click.option("--via", help="The connector's name, when more than one is set up (see 'clearinghouse list').")


@billing.group("clearinghouse")
def clearinghouse_group() -> None:
    """Send 837P batches to a clearinghouse and collect its 277 and 835 files."""


@clearinghouse_group.command("list")
@json_option
def list_(as_json) -> None:
    """The connectors set up now (the file drop once its folders are named, and plugins')."""
    with operation(write=False) as ctx:
        found = clearinghouse.list_connectors(ctx)
    emit(found, as_json=as_json, human=lambda rows: table([(c.name, c.plugin) for c in rows], ("connector", "plugin"))
         if rows else click.echo("no clearinghouse connector is set up"))


@clearinghouse_group.command("file-drop")
@click.option("--outbox", required=True, help="The folder the clearinghouse's client uploads from (absolute).")
@click.option("--inbox", required=True, help="The folder it downloads the answers into (absolute).")
@json_option
def set_file_drop(outbox, inbox, as_json) -> None:
    """Name the file drop's folders: 837P files go to OUTBOX, 277/835 files come from INBOX."""
    with operation() as ctx:
        drop = file_drop.set_up(ctx, outbox, inbox)
    emit({"outbox": str(drop.outbox), "inbox": str(drop.inbox)}, as_json=as_json,
         human=lambda d: click.echo(f"file drop: outbox {d['outbox']}, inbox {d['inbox']}"))


@clearinghouse_group.command("submit")
@click.argument("batch_id", type=RECORD_ID)
@VIA
@json_option
def submit(batch_id, via, as_json) -> None:
    """Send exported batch BATCH_ID's 837P file (as first written) to the clearinghouse."""
    with operation() as ctx:
        sent = clearinghouse.submit(ctx, batch_id, via=via)
    emit(sent, as_json=as_json,
         human=lambda s: click.echo(f"batch {s.batch_id}: {s.file_name} sent by {s.connector} -> {s.destination}"))


@clearinghouse_group.command("fetch")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder to keep the files in.")
@VIA
@json_option
def fetch(out, via, as_json) -> None:
    """Collect the files the clearinghouse sent back (277 claim status, 835 remittance) into OUT."""
    with operation() as ctx:
        found = clearinghouse.fetch(ctx, out, via=via)
    emit(found, as_json=as_json, human=lambda rows: table([(f.name, f.kind, f.path) for f in rows],
                                                          ("file", "kind", "kept as"))
         if rows else click.echo("nothing to fetch"))
