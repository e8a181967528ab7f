"""``medoffice inventory receipts export-fhir``: receipts as FHIR R4 SupplyDelivery resources.

The Bundle goes to standard output, or to ``--output FILE`` (mode 0600) with a one-line note
on stderr (``--json`` then prints what was written). One audited unit of work: the file is
written before its ``inventory.receipts.exported`` entry commits, and put in place after.
"""

from __future__ import annotations

import click

from medoffice.core.cli import emit, export_operation, json_option
from medoffice.core.cli.params import RECORD_ID, FileToWrite

from ._lazy import on_first_use
from .orders import receipts_group

fhir = on_first_use("fhir")


@receipts_group.command("export-fhir")
@click.option("--from", "first", help="First day received, YYYY-MM-DD (default: the first receipt).")
@click.option("--to", "last", help="Last day received, YYYY-MM-DD (default: the last receipt).")
@click.option("--order", "order_id", type=RECORD_ID, help="Only the receipts of this purchase order.")
@click.option("--output", "-o", type=FileToWrite(), help="Write to FILE (default: standard output).")
@json_option
def receipts_export_fhir(first, last, order_id, output, as_json) -> None:
    """Receipts as a FHIR R4 Bundle: a SupplyDelivery per line, its vendor and location."""
    from medoffice.core.fhir import to_json

    with export_operation(output) as (ctx, target):
        bundle = fhir.receipts_bundle(ctx, start=first, end=last, order_id=order_id)
        document = to_json(bundle) + "\n"
        if target is not None:
            target.write(document)
    deliveries = sum(1 for e in bundle.get("entry", []) if e["resource"]["resourceType"] == "SupplyDelivery")
    if output:
        if as_json:
            emit({"format": "fhir", "deliveries": deliveries, "output": output}, as_json=True)
        else:
            click.echo(f"exported {deliveries} supply deliveries to {output}", err=True)
    else:
        click.echo(document, nl=False)
