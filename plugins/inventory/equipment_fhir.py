"""The equipment as FHIR R4 ``Device`` resources, in a collection Bundle with the practice's
``Organization`` that owns them.

Each asset is one Device: its name (``user-friendly-name``) and model (``model-name``,
and ``modelNumber``), serial number, the vendor's phone and email as its contact and its name in a note (R4 has
no element for the seller, and the vendor is not always the manufacturer), where it stands (``location.display``: the inventory's locations are
not the practice's FHIR Locations, so the reference is only a display), status ``active`` or,
out of service, ``inactive`` with the status reason ``offline`` and the reason in words, and
each maintenance plan's next due date as a note (R4's Device has no element for it).

Ids follow the project's rule (:class:`~medoffice.core.records.FhirIds`): the same asset
always gets the same id. The export is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from medoffice.core import Context
from medoffice.core import fhir as core_fhir

from .equipment import list_assets
from .equipment_models import Asset, MaintenancePlan
from .models import Vendor
from .permissions import READ

STATUS_REASON = "http://terminology.hl7.org/CodeSystem/device-status-reason"


def _pruned(value: Any) -> Any:
    """``value`` without its empty elements (FHIR JSON leaves them out)."""
    if isinstance(value, dict):
        kept = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [v for v in map(_pruned, value) if v not in (None, "", [], {})]
    return value


def device_resource(ctx: Context, asset, ids, practice) -> dict[str, Any]:
    """One asset (an :class:`~.equipment.AssetRecord`) as a ``Device``."""
    row = ctx.session.get(Asset, asset.id)
    vendor = ctx.session.get(Vendor, row.vendor_id) if row.vendor_id else None
    plans = ctx.session.execute(select(MaintenancePlan).where(MaintenancePlan.asset_id == asset.id)
                                .order_by(MaintenancePlan.next_due, MaintenancePlan.task)).scalars()
    notes = [{"text": f"{p.task} every {p.every_months} months, next due {p.next_due.isoformat()}"} for p in plans]
    if vendor is not None:
        notes.append({"text": f"bought from {vendor.name}"})
    if asset.warranty_ends:
        notes.append({"text": f"warranty ends {asset.warranty_ends.isoformat()}"})
    if asset.out_from is not None:
        notes.append({"text": f"out of service from {asset.out_from.isoformat()}: {asset.out_reason}"})
    contact = []
    if vendor is not None:
        contact = [{"system": "phone", "value": vendor.phone} if vendor.phone else None,
                   {"system": "email", "value": vendor.email} if vendor.email else None]
    return _pruned({
        "resourceType": "Device",
        "id": ids.id("Device", f"inventory-asset/{asset.id}"),
        "identifier": [{"system": "urn:medoffice:inventory:asset", "value": str(asset.id)}],
        "status": "active" if asset.in_service and asset.retired_at is None else "inactive",
        "statusReason": [] if asset.in_service and asset.retired_at is None else [{
            "coding": [{"system": STATUS_REASON, "code": "offline", "display": "Offline"}],
            "text": f"retired: {asset.retire_reason}" if asset.retired_at is not None else asset.out_reason}],
        "serialNumber": asset.serial,
        "deviceName": [{"name": asset.name, "type": "user-friendly-name"},
                       {"name": asset.model, "type": "model-name"} if asset.model else None],
        "modelNumber": asset.model,
        "owner": core_fhir.organization_reference(ids, practice),
        "contact": contact,
        "location": {"display": asset.location} if asset.location else {},
        "note": notes,
    })


def export_bundle(ctx: Context) -> dict[str, Any]:
    """Every asset (retired ones ``inactive``) as a Device, with the practice's Organization, in one collection Bundle."""
    ctx.require(READ)
    ids = core_fhir.ids_for(ctx)
    practice = ctx.practice
    assets = [*list_assets(ctx), *list_assets(ctx, retired=True)]  # retired ones as inactive Devices
    resources = [core_fhir.organization_resource(practice, ids)]
    resources += [device_resource(ctx, asset, ids, practice) for asset in assets]
    ctx.audit("inventory.equipment.exported", "inventory_asset", None, summary={"format": "fhir",
                                                                              "devices": len(assets)})
    return core_fhir.bundle(resources, timestamp=ctx.now().isoformat())
