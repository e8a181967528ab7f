"""Out of service means out of service *now*: the ECG machine goes to the workshop on Thursday
and is in service until then, for every list that says what is out of service (the command
line, the due list, the dashboard card, the report, the FHIR export), until Thursday begins in
the practice's New York, by the practice's clock (Monday 2026-01-05 10:00 there)."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.plugins.inventory import dashboard, equipment, equipment_fhir, equipment_reports
from medoffice.plugins.inventory import equipment_maintenance as maintenance

pytestmark = pytest.mark.medoffice_plugins("inventory")

WEDNESDAY_LATE = dt.datetime(2026, 1, 8, 4, 59, tzinfo=dt.timezone.utc)  # 23:59 on Wednesday in New York
THURSDAY_START = dt.datetime(2026, 1, 8, 5, 0, tzinfo=dt.timezone.utc)  # 00:00 on Thursday in New York


@pytest.fixture
def workshop(medoffice_practice, world):
    """The ECG machine goes out on Thursday (sent for repair), the spirometer is out now (flow
    sensor cracked), the autoclave works; each has a service due this month."""
    with medoffice_practice.operation("manager") as ctx:
        for name in ("Autoclave", "ECG machine", "Spirometer"):
            equipment.add_asset(ctx, {"name": name, "location": "Supply room"})
            maintenance.add_plan(ctx, name, "service", 6, due="2026-01-20")
        equipment.set_in_service(ctx, "Spirometer", False, "flow sensor cracked")
        equipment.set_in_service(ctx, "ECG machine", False, "sent for repair", from_day="2026-01-08")
    return world


def out_card(practice) -> tuple[str, str] | None:
    with practice.operation("frontdesk", write=False) as ctx:
        card = next((c for c in dashboard.cards(ctx) if c.title == "Equipment out of service"), None)
    return None if card is None else (card.value, card.detail)


def out_listed(practice) -> list[str]:
    with practice.operation("frontdesk", write=False) as ctx:
        return [a.name for a in equipment.list_assets(ctx, out_of_service=True)]


def test_the_command_line_lists_only_what_is_out_of_service_today(medoffice_practice, workshop):
    p = medoffice_practice

    def run(*args: str, json: bool = True):
        result = p.cli("inventory", "equipment", *args, *(["--json"] if json else []), user="frontdesk",
                       clock=p.runtime.clock)
        assert result.exit_code == 0, result.output
        return result.json() if json else result.stdout

    assert [a["name"] for a in run("list", "--out-of-service")] == ["Spirometer"]
    assert "ECG machine" not in run("list", "--out-of-service", json=False)
    assert "out from 2026-01-08" in run("list", json=False)
    ecg = run("show", "ECG machine")["asset"]
    assert (ecg["in_service"], ecg["out_from"], ecg["out_reason"]) == (True, "2026-01-08", "sent for repair")
    assert "yes, out of service from Thu 2026-01-08 (sent for repair)" in run("show", "ECG machine", json=False)
    assert {r["asset"]: r["in_service"] for r in run("due")} == {
        "Autoclave": True, "ECG machine": True, "Spirometer": False}
    marked = [line for line in run("due", json=False).splitlines() if "OUT OF SERVICE" in line]
    assert len(marked) == 1 and "Spirometer" in marked[0]


def test_the_card_the_report_and_the_export_agree_with_the_command_line(medoffice_practice, workshop):
    p = medoffice_practice
    assert out_listed(p) == ["Spirometer"]
    assert out_card(p) == ("1", "Spirometer (flow sensor cracked)")
    with p.operation("frontdesk", write=False) as ctx:
        report = equipment_reports.equipment_due(ctx, {"days": "30"})
    assert {row[3]: row[7] for row in report.rows} == {
        "Autoclave": "in service", "ECG machine": "in service", "Spirometer": "OUT OF SERVICE"}
    with p.operation("manager") as ctx:
        devices = {e["resource"]["deviceName"][0]["name"]: e["resource"]
                   for e in equipment_fhir.export_bundle(ctx)["entry"] if e["resource"]["resourceType"] == "Device"}
    assert (devices["ECG machine"]["status"], devices["Spirometer"]["status"]) == ("active", "inactive")
    assert {"text": "out of service from 2026-01-08: sent for repair"} in devices["ECG machine"]["note"]


def test_thursday_begins_in_the_practice_s_time_zone(medoffice_practice, workshop):
    """At 23:59 on Wednesday in New York (04:59 UTC on Thursday) the ECG still works; a
    minute later it is out of service for the list and the card alike."""
    p = medoffice_practice
    p.runtime.clock = lambda: WEDNESDAY_LATE
    assert out_listed(p) == ["Spirometer"] and out_card(p)[0] == "1"
    p.runtime.clock = lambda: THURSDAY_START
    assert out_listed(p) == ["ECG machine", "Spirometer"]
    assert out_card(p) == ("2", "ECG machine (sent for repair), Spirometer (flow sensor cracked)")
    with p.operation("frontdesk", write=False) as ctx:
        assert equipment.get_asset(ctx, "ECG machine").out_from is None
        assert {r.asset: r.in_service for r in maintenance.due(ctx)}["ECG machine"] is False


def test_nothing_out_of_service_shows_no_card(medoffice_practice, workshop):
    with medoffice_practice.operation("manager") as ctx:
        equipment.set_in_service(ctx, "Spirometer", True, "sensor replaced")
    assert out_card(medoffice_practice) is None
