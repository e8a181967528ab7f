"""``medoffice billing fees …``: the fee schedule, and its CSV import and export."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, table
from medoffice.core.cli.params import FileToWrite

from ._lazy import on_first_use
from ._root import billing

fees = on_first_use("fees")


def _fee_table(rows) -> None:
    table([(f.code, f"{f.fee:.2f}", f.description or "", "" if f.active else "removed") for f in rows],
          ("code", "fee", "description", "status"))


@billing.group("fees")
def fees_group() -> None:
    """The fee schedule: CPT/HCPCS codes and the practice's fees (no CPT descriptions shipped)."""


@fees_group.command("add")
@click.argument("code")
@click.argument("fee")
@click.option("--description", help="The practice's own wording for the code.")
@json_option
def add(code: str, fee: str, description: str | None, as_json: bool) -> None:
    """Add CODE with its FEE per unit (or change the fee of a code already there)."""
    with operation() as ctx:
        record = fees.set_fee(ctx, code, fee, description=description)
    emit(record, as_json=as_json, human=lambda f: click.echo(f"{f.code}: {f.fee:.2f}"
                                                            + (f" ({f.description})" if f.description else "")))


@fees_group.command("remove")
@click.argument("code")
@json_option
def remove(code: str, as_json: bool) -> None:
    """Take CODE off the fee schedule (charges already made keep it)."""
    with operation() as ctx:
        record = fees.remove_fee(ctx, code)
    emit(record, as_json=as_json, human=lambda f: click.echo(f"removed {f.code} from the fee schedule"))


@fees_group.command("list")
@click.option("--all", "include_inactive", is_flag=True, help="Removed codes too.")
@json_option
def list_(include_inactive: bool, as_json: bool) -> None:
    """The fee schedule, by code."""
    with operation(write=False) as ctx:
        found = fees.list_fees(ctx, include_inactive=include_inactive)
    emit(found, as_json=as_json, human=_fee_table)


@fees_group.command("import")
@click.argument("path", type=click.File("rb"))
@json_option
def import_(path, as_json: bool) -> None:
    """Import a fee schedule from a CSV file with the columns code, fee[, description][, active]
    (all rows or none; safe to run twice)."""
    from medoffice.core import csvio
    from medoffice.core.cli.progress import bar

    text = csvio.read_file(path)
    with bar(as_json=as_json) as progress, operation() as ctx:
        result = fees.import_csv(ctx, text, progress=progress)
    emit(result, as_json=as_json, human=lambda r: click.echo(
        f"added {len(r.added)}, updated {len(r.updated)}, unchanged {len(r.unchanged)}"))


@fees_group.command("export")
@click.option("--output", "-o", type=FileToWrite(allow_dash=True), default="-", help="File (else standard output).")
@click.option("--all", "include_inactive", is_flag=True, help="Removed codes too (active: no).")
def export(output, include_inactive: bool) -> None:
    """Write the fee schedule as CSV (the columns 'fees import' reads, with each code's state)."""
    import io
    import sys

    from medoffice.core.cli import export_operation
    from medoffice.core.cli.progress import bar

    to_stdout = output == "-"
    buffer = io.StringIO()
    with bar(data_to_stdout=to_stdout) as progress, \
            export_operation(None if to_stdout else output, write=False) as (ctx, target):
        fees.export_csv(ctx, sys.stdout if to_stdout else buffer,
                        include_inactive=include_inactive, progress=progress)
        if target is not None:  # private (0600), in place only once complete
            target.write(buffer.getvalue())


@fees_group.command("allow")
@click.argument("code")
@click.argument("payer")
@click.argument("amount")
@json_option
def allow(code: str, payer: str, amount: str, as_json: bool) -> None:
    """Record what PAYER allows for CODE (its contracted rate)."""
    with operation() as ctx:
        record = fees.set_allowed(ctx, code, payer, amount)
    emit(record, as_json=as_json, human=lambda a: click.echo(
        f"{a.payer} allows {a.allowed:.2f} for {a.code} (fee {a.fee:.2f})"))


@fees_group.command("allowed")
@click.argument("code", required=False)
@json_option
def allowed(code: str | None, as_json: bool) -> None:
    """What payers allow, per code (for CODE only when given)."""
    with operation(write=False) as ctx:
        found = fees.list_allowed(ctx, code)
    emit(found, as_json=as_json, human=lambda rows: table(
        [(a.code, a.payer, f"{a.allowed:.2f}", f"{a.fee:.2f}") for a in rows], ("code", "payer", "allowed", "fee")))
