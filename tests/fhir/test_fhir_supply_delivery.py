"""Receipts exported as FHIR R4 SupplyDelivery resources read back as a receiving system reads
them: valid R4B, the Bundle's invariants kept, every reference resolved inside the bundle,
the same ids when exported again, the demo's receipts line by line (``inventory receipts
export-fhir``)."""

from __future__ import annotations

import json

from fhir.resources.R4B.supplydelivery import SupplyDelivery
from sqlalchemy import func, select

from medoffice.plugins.inventory import fhir as inventory_fhir
from medoffice.plugins.inventory import receiving
from medoffice.plugins.inventory.models import ReceiptLine

from ._checks import check_bundle, is_uuid


def test_the_demos_receipts_are_valid_supply_deliveries_whose_references_resolve(demo_source):
    with demo_source.operation() as ctx:
        bundle = inventory_fhir.receipts_bundle(ctx)
        again = inventory_fhir.receipts_bundle(ctx)
        lines = ctx.session.execute(select(func.count()).select_from(ReceiptLine)).scalar_one()
        first_order = receiving.list_receipts(ctx)[-1].order_id
        one_order = inventory_fhir.receipts_bundle(ctx, order_id=first_order)
        nothing = inventory_fhir.receipts_bundle(ctx, start="2000-01-01", end="2000-01-31")
    document = check_bundle(bundle)
    check_bundle(one_order)
    assert nothing == {"resourceType": "Bundle", "type": "collection", "timestamp": nothing["timestamp"]}
    deliveries = [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "SupplyDelivery"]
    assert len(deliveries) == lines >= 3
    kinds = {e["resource"]["resourceType"] for e in document["entry"]}
    assert kinds == {"SupplyDelivery", "Organization", "Location"}
    for resource in deliveries:
        SupplyDelivery.model_validate(resource)
        assert is_uuid(resource["id"]) and resource["status"] == "completed"
        assert resource["suppliedItem"]["quantity"]["value"] > 0
        assert resource["basedOn"][0]["identifier"]["system"] == inventory_fhir.PO_SYSTEM
    strep = [r for r in deliveries if r["suppliedItem"]["itemCodeableConcept"]["text"] == "Rapid strep test kit"]
    assert strep and {"system": inventory_fhir.LOT_SYSTEM, "value": "SK5611"} in strep[0]["identifier"]
    assert [e["fullUrl"] for e in bundle["entry"]] == [e["fullUrl"] for e in again["entry"]]
    assert json.loads(json.dumps(one_order))["entry"]


def test_a_drug_is_a_medication_with_its_ndc(medoffice_practice):
    """A vaccine received against an order is delivered as a medication coded by its NDC."""
    from medoffice.plugins.inventory import catalogue, orders

    with medoffice_practice.operation("admin") as ctx:
        catalogue.add_location(ctx, "Fridge")
        catalogue.add_vendor(ctx, {"name": "Harbor"})
        catalogue.add_item(ctx, {"sku": "FLU", "name": "Flu vaccine", "category": "drug", "unit": "dose",
                                 "pack_size": 10, "tracks_lots": True, "location": "Fridge", "vendor": "Harbor",
                                 "pack_price": "180.00", "ndc": "49281-0421-10"})
        number = orders.create_order(ctx, "Harbor").id
        orders.set_line(ctx, number, "FLU", 2)
        orders.approve(ctx, number)
        orders.mark_sent(ctx, number)
        receiving.receive(ctx, number, {"FLU": 2}, lots={"FLU": "F1"}, expires={"FLU": "2090-01-31"})
    result = medoffice_practice.cli("inventory", "receipts", "export-fhir", "--order", str(number), user="frontdesk")
    assert result.exit_code == 0, result.output
    document = check_bundle(json.loads(result.stdout))
    (delivery,) = [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "SupplyDelivery"]
    assert delivery["type"]["coding"][0]["code"] == "medication"
    assert delivery["suppliedItem"]["itemCodeableConcept"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/ndc", "code": "49281-0421-10"}
    assert delivery["suppliedItem"]["quantity"] == {"value": 20, "unit": "dose"}
    bad = medoffice_practice.cli("inventory", "receipts", "export-fhir", "--from", "yesterday", user="frontdesk")
    assert bad.exit_code == 1 and "Traceback" not in bad.output
