"""``medoffice inventory locations|vendors|items …``."""

from __future__ import annotations

import click

from medoffice.core.cli import emit, json_option, operation, parse_assignments, table
from medoffice.core.cli.params import FileToRead

from ._lazy import money, on_first_use
from ._root import inventory

catalogue = on_first_use("catalogue")
imports = on_first_use("imports")

CATEGORY_CHOICE = click.Choice(("medical", "office", "drug", "lab"), case_sensitive=False)
METHOD_CHOICE = click.Choice(("email", "phone", "fax", "portal", "rep"), case_sensitive=False)


@inventory.group("locations")
def locations_group() -> None:
    """Where stock is kept: the supply room, the vaccine fridge."""


@locations_group.command("add")
@click.argument("name")
@click.option("--note")
@json_option
def location_add(name, note, as_json) -> None:
    """Add the storage location NAME."""
    with operation() as ctx:
        done = catalogue.add_location(ctx, name, note=note)
    emit(done, as_json=as_json, human=lambda r: click.echo(f"location {r.id}: {r.name}"))


@locations_group.command("list")
@json_option
def location_list(as_json) -> None:
    """The storage locations."""
    with operation(write=False) as ctx:
        rows = catalogue.list_locations(ctx)
    emit(rows, as_json=as_json, human=lambda rs: table([(r.id, r.name, r.note or "") for r in rs],
                                                       ("ID", "NAME", "NOTE")))


@inventory.group("vendors")
def vendors_group() -> None:
    """Suppliers: contact, account number, terms and how to order."""


def _vendor_options(command):
    for option in reversed([
        click.option("--contact"), click.option("--phone"), click.option("--email"),
        click.option("--account", "account_number", help="The practice's account number with them."),
        click.option("--terms", help="Payment terms, such as 'net 30'."),
        click.option("--method", "ordering_method", type=METHOD_CHOICE, help="How orders are sent."),
        click.option("--note")]):
        command = option(command)
    return command


def _given(**values):
    return {k: v for k, v in values.items() if v is not None}


@vendors_group.command("add")
@click.argument("name")
@_vendor_options
@json_option
def vendor_add(name, as_json, **values) -> None:
    """Add the vendor NAME."""
    with operation() as ctx:
        done = catalogue.add_vendor(ctx, {"name": name, **_given(**values)})
    emit(done, as_json=as_json, human=lambda r: click.echo(f"vendor {r.id}: {r.name} (orders by {r.ordering_method})"))


@vendors_group.command("edit")
@click.argument("name")
@click.option("--name", "new_name", help="A new name.")
@_vendor_options
@json_option
def vendor_edit(name, new_name, as_json, **values) -> None:
    """Change the vendor NAME's details (only the options given)."""
    changes = _given(**values)
    if new_name is not None:
        changes["name"] = new_name
    if not changes:
        raise click.UsageError("give at least one detail to change")
    with operation() as ctx:
        done = catalogue.update_vendor(ctx, name, changes)
    emit(done, as_json=as_json, human=lambda r: click.echo(f"vendor {r.id}: {r.name} changed"))


@vendors_group.command("list")
@json_option
def vendor_list(as_json) -> None:
    """The vendors."""
    with operation(write=False) as ctx:
        rows = catalogue.list_vendors(ctx)
    emit(rows, as_json=as_json, human=lambda rs: table(
        [(r.id, r.name, r.account_number or "", r.terms or "", r.ordering_method, r.phone or r.email or "")
         for r in rs], ("ID", "NAME", "ACCOUNT", "TERMS", "ORDERS BY", "CONTACT")))


@inventory.group("items")
def items_group() -> None:
    """The supplies the office stocks."""


@items_group.command("add")
@click.argument("sku")
@click.argument("name")
@click.option("--category", type=CATEGORY_CHOICE, required=True)
@click.option("--location", required=True, help="Its home: where it is received and used from.")
@click.option("--unit", help="The unit of issue (pair, each, dose); default each.")
@click.option("--pack-unit", help="What the vendor sells (box, case); default box.")
@click.option("--pack-size", help="Units in a pack; default 1.")
@click.option("--lots", "tracks_lots", is_flag=True, default=None, help="Track lots and expiry.")
@click.option("--par", help="The level to order back up to.")
@click.option("--reorder-point", help="Order when usable stock is at or below this.")
@click.option("--vendor", help="The preferred vendor.")
@click.option("--vendor-item", "vendor_item_number", help="The vendor's item number.")
@click.option("--pack-price", help="The vendor's price per pack.")
@click.option("--lead-days", "lead_time_days", help="Days from order to delivery.")
@click.option("--ndc", help="A vaccine's or drug's NDC.")
@json_option
def item_add(sku, name, as_json, **values) -> None:
    """Add the item SKU called NAME."""
    with operation() as ctx:
        done = catalogue.add_item(ctx, {"sku": sku, "name": name, **_given(**values)})
    emit(done, as_json=as_json, human=lambda r: click.echo(
        f"item {r.id}: {r.sku} {r.name}, {r.pack_unit} of {r.pack_size} {r.unit}, par {r.par}, "
        f"reorder at {r.reorder_point}"))


@items_group.command("edit")
@click.argument("item")
@click.option("--set", "pairs", multiple=True, metavar="FIELD=VALUE", required=True,
              help="A field to change (repeat): name, sku, category, ndc, unit, pack_unit, pack_size, "
                   "tracks_lots, par, reorder_point, location, vendor, vendor_item_number, pack_price, "
                   "lead_time_days.")
@json_option
def item_edit(item, pairs, as_json) -> None:
    """Change the item ITEM (its SKU or name)."""
    values = parse_assignments(pairs)
    with operation() as ctx:
        done = catalogue.update_item(ctx, item, values)
    emit(done, as_json=as_json, human=lambda r: click.echo(f"item {r.id}: {r.sku} {r.name} changed"))


@items_group.command("retire")
@click.argument("item")
@json_option
def item_retire(item, as_json) -> None:
    """Stop stocking ITEM: it leaves the lists and the reorder list (none on hand or on order)."""
    with operation() as ctx:
        done = catalogue.set_active(ctx, item, False)
    emit(done, as_json=as_json, human=lambda r: click.echo(f"item {r.sku} {r.name} retired"))


@items_group.command("restore")
@click.argument("item")
@json_option
def item_restore(item, as_json) -> None:
    """Stock the retired ITEM again."""
    with operation() as ctx:
        done = catalogue.set_active(ctx, item, True)
    emit(done, as_json=as_json, human=lambda r: click.echo(f"item {r.sku} {r.name} stocked again"))


@items_group.command("list")
@click.option("--search", help="Part of the SKU or name.")
@click.option("--category", type=CATEGORY_CHOICE)
@json_option
def item_list(search, category, as_json) -> None:
    """The active items, by name."""
    with operation(write=False) as ctx:
        rows = catalogue.list_items(ctx, search=search, category=category)
    emit(rows, as_json=as_json, human=lambda rs: table(
        [(r.sku, r.name, r.category, f"{r.pack_unit}/{r.pack_size} {r.unit}", r.par, r.reorder_point, r.location,
          r.vendor or "", money(r.pack_price)) for r in rs],
        ("SKU", "NAME", "CATEGORY", "PACK", "PAR", "REORDER", "HOME", "VENDOR", "PACK PRICE")))


@items_group.command("show")
@click.argument("item")
@json_option
def item_show(item, as_json) -> None:
    """One item's details."""
    with operation(write=False) as ctx:
        done = catalogue.get_item(ctx, item)

    def human(r) -> None:
        table([(k, "" if v is None else v) for k, v in (
            ("SKU", r.sku), ("name", r.name), ("category", r.category), ("NDC", r.ndc), ("unit", r.unit),
            ("pack", f"{r.pack_unit} of {r.pack_size}"), ("lots tracked", "yes" if r.tracks_lots else "no"),
            ("par", r.par), ("reorder point", r.reorder_point), ("home", r.location), ("vendor", r.vendor),
            ("vendor item", r.vendor_item_number), ("pack price", money(r.pack_price)),
            ("lead time (days)", r.lead_time_days))], ("FIELD", "VALUE"))
    emit(done, as_json=as_json, human=human)


def _import(kind: str, path, as_json: bool) -> None:
    from medoffice.core import csvio
    from medoffice.core.cli.progress import bar

    text = csvio.read_file(path)
    with bar(as_json=as_json) as progress, operation() as ctx:
        result = getattr(imports, f"import_{kind}")(ctx, text, progress=progress)
    emit(result, as_json=as_json, human=lambda r: click.echo(
        f"added {len(r.added)}, updated {len(r.updated)}, unchanged {len(r.unchanged)}"))


@vendors_group.command("import")
@click.argument("path", type=FileToRead())
@json_option
def vendor_import(path, as_json) -> None:
    """Import vendors from a CSV file with the column name and any of contact, phone, email,
    account_number, terms, ordering_method, note (all rows or none; safe to run twice)."""
    with open(path, "rb") as handle:
        _import("vendors", handle, as_json)


@items_group.command("import")
@click.argument("path", type=FileToRead())
@json_option
def item_import(path, as_json) -> None:
    """Import items from a CSV file with the columns sku, name, category, location and any of
    unit, pack_unit, pack_size, tracks_lots, par, reorder_point, vendor, vendor_item_number,
    pack_price, lead_time_days, ndc (all rows or none; safe to run twice)."""
    with open(path, "rb") as handle:
        _import("items", handle, as_json)
