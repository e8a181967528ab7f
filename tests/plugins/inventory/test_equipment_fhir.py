"""The demo practice's equipment, exported as FHIR R4 ``Device`` resources, as a receiving system
reads it: valid R4B models, Bundle invariants and references (the project's rules in
tests/fhir/_checks.py), and the demo's work to do (one calibration overdue, one asset out of
service) where the office expects it."""

from __future__ import annotations

import datetime as dt

import pytest
from fhir.resources.R4B.device import Device

from medoffice.plugins.inventory import equipment, equipment_fhir
from medoffice.plugins.inventory import equipment_maintenance as maintenance

from ...fhir._checks import check_bundle, is_uuid

pytestmark = pytest.mark.medoffice_plugins("inventory")


@pytest.fixture
def demo(medoffice_env, medoffice_backend, medoffice_db_url):
    """The demo with every installed plugin (seed 3, 10 patients), made once per process and copied."""
    from medoffice.testing._demo import demo_runtime

    runtime = demo_runtime(medoffice_db_url, backend=medoffice_backend, seed=3, patient_count=10)
    yield runtime
    runtime.close()


def test_the_demo_has_one_calibration_overdue_and_an_asset_out_of_service(demo):
    with demo.operation(write=False) as ctx:
        late = maintenance.overdue(ctx)
        soon = maintenance.due(ctx, 30)
        down = equipment.list_assets(ctx, out_of_service=True)
        cards = {c.title: c for plugin, c in ctx.hooks.dashboard_cards(ctx) if plugin == "inventory"}
    assert [(r.asset, r.task) for r in late] == [("ECG machine", "calibration")]
    assert len(soon) > len(late)
    assert [(a.name, a.in_service) for a in down] == [("Spirometer", False)]
    assert cards["Equipment maintenance overdue"].value == "1"
    assert cards["Equipment out of service"].detail.startswith("Spirometer (")


def test_the_equipment_exports_as_valid_devices_with_stable_ids(demo):
    with demo.operation() as ctx:
        first = equipment_fhir.export_bundle(ctx)
        assets = {a.id: a for a in equipment.list_assets(ctx)}
    with demo.operation() as ctx:
        again = equipment_fhir.export_bundle(ctx)
    document = check_bundle(first)
    devices = [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Device"]
    organization = next(e for e in document["entry"] if e["resource"]["resourceType"] == "Organization")
    assert len(devices) == len(assets) >= 5
    for device in devices:
        Device.model_validate(device)
        assert is_uuid(device["id"])
        asset = assets[int(device["identifier"][0]["value"])]
        assert device["serialNumber"] == asset.serial
        assert device["deviceName"][0] == {"name": asset.name, "type": "user-friendly-name"}
        assert device["owner"]["reference"] == organization["fullUrl"]
        assert device["status"] == ("active" if asset.in_service else "inactive")
        assert any(n["text"].startswith(("calibration", "service", "spore", "electrical")) for n in device["note"])
    spirometer = next(d for d in devices if d["deviceName"][0]["name"] == "Spirometer")
    assert spirometer["statusReason"][0]["coding"][0]["code"] == "offline"
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in first["entry"]]
    ecg = next(d for d in devices if d["deviceName"][0]["name"] == "ECG machine")
    due = dt.date.fromisoformat(next(n["text"] for n in ecg["note"] if n["text"].startswith("calibration"))[-10:])
    with demo.operation(write=False) as ctx:
        assert due < ctx.local(ctx.now()).date()
