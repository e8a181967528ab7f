"""Receipts as FHIR R4 ``SupplyDelivery`` resources (``medoffice inventory receipts export``).

The Bundle (type ``collection``, made by the core's :func:`medoffice.core.fhir.bundle`)
carries, for the receipts asked for:

- one ``SupplyDelivery`` per receipt line (FHIR's SupplyDelivery holds one supplied item):
  status ``completed``; its type ``medication`` for vaccines and drugs, else ``device``
  (``http://terminology.hl7.org/CodeSystem/supply-item-type``); the item as a
  ``CodeableConcept`` (its NDC under ``http://hl7.org/fhir/sid/ndc`` when it has one, the
  office's SKU, its name as text) with the units received; when it came
  (``occurrenceDateTime``); the receipt line, and its lot number, as identifiers; the
  purchase order it was based on as a logical reference (the bundle carries no
  ``SupplyRequest``);
- each vendor as an ``Organization`` (the ``supplier``) and each storage location as a
  ``Location`` (the ``destination``), referenced by their ``urn:uuid:``.

Ids are the practice's (:class:`~medoffice.core.records.FhirIds`): the same receipt line
exported again has the same id, so a receiving system can tell a new delivery from one it has.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from medoffice.core import Context, ValidationError
from medoffice.core import fhir as core_fhir
from medoffice.core.fhir import _prune  # as billing's FHIR does: empty elements left out

from .common import parse_day
from .models import Item, Location, Lot, OrderLine, PurchaseOrder, Receipt, ReceiptLine, Vendor
from .orders import load_order
from .permissions import READ

SKU_SYSTEM = "urn:medoffice:inventory:sku"
PO_SYSTEM = "urn:medoffice:inventory:purchase-order"
LINE_SYSTEM = "urn:medoffice:inventory:receipt-line"
LOT_SYSTEM = "urn:medoffice:inventory:lot"
NDC_SYSTEM = "http://hl7.org/fhir/sid/ndc"
SUPPLY_TYPE = "http://terminology.hl7.org/CodeSystem/supply-item-type"


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _vendor(vendor: Vendor, ids) -> dict[str, Any]:
    return _prune({
        "resourceType": "Organization", "id": ids.id("Organization", f"inventory-vendor-{vendor.id}"),
        "active": bool(vendor.active), "name": vendor.name,
        "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "bus",
                              "display": "Non-Healthcare Business or Corporation"}]}],
        "telecom": [t for t in ({"system": "phone", "value": vendor.phone} if vendor.phone else None,
                                {"system": "email", "value": vendor.email} if vendor.email else None) if t],
    })


def _location(place: Location, ids) -> dict[str, Any]:
    return _prune({
        "resourceType": "Location", "id": ids.id("Location", f"inventory-location-{place.id}"),
        "status": "active" if place.active else "inactive", "name": place.name, "mode": "instance",
        "description": place.note or "",
    })


def _delivery(line: ReceiptLine, receipt: Receipt, order_line: OrderLine, item: Item, lot: Lot | None,
              place_key: str, vendor_key: str, ids) -> dict[str, Any]:
    coding = [{"system": NDC_SYSTEM, "code": item.ndc}] if item.ndc else []
    coding.append({"system": SKU_SYSTEM, "code": item.sku, "display": item.name})
    identifiers = [{"system": LINE_SYSTEM, "value": f"{receipt.id}-{line.id}"}]
    if lot is not None:
        identifiers.append({"system": LOT_SYSTEM, "value": lot.lot_number})
    return _prune({
        "resourceType": "SupplyDelivery",
        "id": ids.id("SupplyDelivery", f"receipt-line-{line.id}"),
        "identifier": identifiers,
        "basedOn": [{"type": "SupplyRequest", "identifier": {"system": PO_SYSTEM, "value": str(receipt.order_id)},
                     "display": f"PO {receipt.order_id}"}],
        "status": "completed",
        "type": {"coding": [{"system": SUPPLY_TYPE, "code": "medication" if item.category == "drug" else "device"}]},
        "suppliedItem": {"quantity": {"value": line.packs * order_line.pack_size, "unit": item.unit},
                         "itemCodeableConcept": {"coding": coding, "text": item.name}},
        "occurrenceDateTime": _utc(receipt.received_at),
        "supplier": ids.reference("Organization", vendor_key),
        "destination": ids.reference("Location", place_key),
    })


def receipts_bundle(ctx: Context, *, start: str | dt.date | None = None, end: str | dt.date | None = None,
                    order_id: int | None = None) -> dict[str, Any]:
    """The receipts received from ``start`` to ``end`` (days, inclusive; every receipt when
    neither is given), or those of one order, as a FHIR Bundle; audited as an export."""
    ctx.require(READ)
    query = (select(ReceiptLine, Receipt, OrderLine, Item, Lot, PurchaseOrder)
             .join(Receipt, Receipt.id == ReceiptLine.receipt_id)
             .join(OrderLine, OrderLine.id == ReceiptLine.order_line_id).join(Item, Item.id == OrderLine.item_id)
             .join(PurchaseOrder, PurchaseOrder.id == Receipt.order_id).outerjoin(Lot, Lot.id == ReceiptLine.lot_id)
             .order_by(Receipt.id, ReceiptLine.id))
    first = parse_day(start, ctx, field="from") if start is not None else None
    last = parse_day(end, ctx, field="to") if end is not None else None
    if first is not None and last is not None and last < first:
        raise ValidationError(f"the last day ({last}) is before the first ({first})", field="to")
    if first is not None:
        query = query.where(Receipt.received_on >= first)
    if last is not None:
        query = query.where(Receipt.received_on <= last)
    if order_id is not None:
        load_order(ctx, order_id)  # an unknown order is named, not exported as nothing
        query = query.where(Receipt.order_id == order_id)
    ids = core_fhir.ids_for(ctx)
    vendors: dict[int, dict[str, Any]] = {}
    places: dict[int, dict[str, Any]] = {}
    deliveries = []
    for line, receipt, order_line, item, lot, order in ctx.session.execute(query).all():
        place_id = receipt.location_id or item.location_id
        if order.vendor_id not in vendors:
            vendors[order.vendor_id] = _vendor(ctx.session.get(Vendor, order.vendor_id), ids)
        if place_id not in places:
            places[place_id] = _location(ctx.session.get(Location, place_id), ids)
        deliveries.append(_delivery(line, receipt, order_line, item, lot, f"inventory-location-{place_id}",
                                    f"inventory-vendor-{order.vendor_id}", ids))
    bundle = core_fhir.bundle([*vendors.values(), *places.values(), *deliveries], timestamp=_utc(ctx.now()))
    ctx.audit("inventory.receipts.exported", "inventory_receipt", None,
              summary={"format": "fhir", "deliveries": len(deliveries), "order_id": order_id,
                       "from": str(start) if start else None, "to": str(end) if end else None})
    return bundle
