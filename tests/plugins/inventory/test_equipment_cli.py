"""``medoffice inventory equipment …`` as the manager and the front desk type it: --json,
one-line errors with exit 1, usage errors with exit 2, nothing written on a refusal, and the
equipment as FHIR Devices a receiving system accepts."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from medoffice.plugins.inventory.equipment_maintenance import add_months

from .test_cli import ok, refused

pytestmark = pytest.mark.medoffice_plugins("inventory")


def test_the_manager_keeps_the_ecg_and_the_desk_sees_what_is_due(medoffice_practice, cli_world, tmp_path):
    p = medoffice_practice
    added = ok(p, "inventory", "equipment", "add", "ECG machine", "--model", "CardioScan 12", "--serial", "CS-1",
               "--location", "Supply room", "--vendor", "Harbor", "--bought", "2024-03-01", "--cost", "4850",
               "--warranty-ends", "2027-03-01", "--resource", "ECG")
    assert (added["purchase_cost"], added["in_service"], added["next_due"]) == ("4850.00", True, None)
    ok(p, "inventory", "equipment", "plan", "add", "ECG machine", "calibration", "--every", "12",
       "--due", "2024-03-01")
    ok(p, "inventory", "equipment", "plan", "add", "CS-1", "service", "--every", "6", "--due", "2099-01-01")
    late = ok(p, "inventory", "equipment", "overdue", user="frontdesk")
    assert [(r["asset"], r["task"]) for r in late] == [("ECG machine", "calibration")] and late[0]["days"] < 0
    done = dt.date.today() - dt.timedelta(days=30)
    logged = ok(p, "inventory", "equipment", "log", "ECG machine", "--task", "calibration", "--work",
                "calibrated, within 1 %", "--vendor", "Harbor", "--on", done.isoformat(), "--cost", "180.00")
    assert (logged["next_due"], logged["done_by"]) == (add_months(done, 12).isoformat(), "Harbor")
    assert ok(p, "inventory", "equipment", "overdue", user="frontdesk") == []
    ok(p, "inventory", "equipment", "out", "ECG machine", "--reason", "lead cable broken")
    shown = ok(p, "inventory", "equipment", "show", "ecg machine", user="frontdesk")
    assert shown["asset"]["out_reason"] == "lead cable broken"
    assert [e["kind"] for e in shown["history"]] == ["out_of_service"]
    assert [s["work"] for s in shown["log"]] == ["calibrated, within 1 %"]
    human = p.cli("inventory", "equipment", "show", "ECG machine", user="frontdesk")
    assert human.exit_code == 0 and "no: lead cable broken" in human.stdout and "Maintenance plans:" in human.stdout
    listed = p.cli("inventory", "equipment", "list", "--out-of-service", user="frontdesk")
    assert "ECG machine" in listed.stdout and "OUT" in listed.stdout
    target = tmp_path / "devices.json"
    assert p.cli("inventory", "equipment", "export-fhir", "--to", str(target)).exit_code == 0
    devices = [e["resource"] for e in json.loads(target.read_text())["entry"]
               if e["resource"]["resourceType"] == "Device"]
    assert [(d["serialNumber"], d["status"], d["statusReason"][0]["text"]) for d in devices] == [
        ("CS-1", "inactive", "lead cable broken")]
    retired = ok(p, "inventory", "equipment", "retire", "CS-1", "--reason", "replaced by a new model")
    assert retired["retire_reason"] == "replaced by a new model"
    assert ok(p, "inventory", "equipment", "list", user="frontdesk") == []
    assert [a["name"] for a in ok(p, "inventory", "equipment", "list", "--retired")] == ["ECG machine"]
    assert p.cli("inventory", "equipment", "export-fhir", "--to", str(target)).exit_code == 0
    assert [e["resource"]["statusReason"][0]["text"] for e in json.loads(target.read_text())["entry"]
            if e["resource"]["resourceType"] == "Device"] == ["retired: replaced by a new model"]
    assert ok(p, "inventory", "equipment", "restore", "ECG machine")["retired_at"] is None
    ok(p, "inventory", "equipment", "back", "ECG machine", "--reason", "cable replaced")
    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    going = p.cli("inventory", "equipment", "out", "ECG machine", "--reason", "sent for repair", "--from", later)
    assert going.exit_code == 0 and "OUT OF SERVICE on" in going.stdout
    assert f"out from {later}" in p.cli("inventory", "equipment", "list", user="frontdesk").stdout


def test_refusals_are_one_line_and_write_nothing(medoffice_practice, cli_world):
    p = medoffice_practice
    ok(p, "inventory", "equipment", "add", "Autoclave")
    ok(p, "inventory", "equipment", "plan", "add", "Autoclave", "service", "--every", "6")
    refused(p.cli("inventory", "equipment", "add", "Scale", user="frontdesk"), 1,
            "lacks the permission 'inventory.equipment'")
    refused(p.cli("inventory", "equipment", "out", "Autoclave", "--reason", "x", user="frontdesk"), 1,
            "lacks the permission 'inventory.equipment'")
    refused(p.cli("inventory", "equipment", "add", "Scale", "--cost", "12.345"), 1, "more than two decimals")
    refused(p.cli("inventory", "equipment", "retire", "Autoclave"), 2, "--reason")
    refused(p.cli("inventory", "equipment", "retire", "Autoclave", "--reason", "sold", user="frontdesk"), 1,
            "lacks the permission 'inventory.equipment'")
    refused(p.cli("inventory", "equipment", "restore", "Autoclave"), 1, "Autoclave is not retired")
    refused(p.cli("inventory", "equipment", "add", "autoclave"), 1, "already an asset called 'autoclave'")
    refused(p.cli("inventory", "equipment", "log", "Autoclave", "--work", "x", "--task", "nope", "--by", "me"), 1,
            "Autoclave has no nope plan")
    refused(p.cli("inventory", "equipment", "log", "Autoclave", "--work", "x"), 1, "done by is required")
    refused(p.cli("inventory", "equipment", "plan", "add", "Autoclave", "check", "--every", "0"), 1,
            "every months must be at least 1")
    refused(p.cli("inventory", "equipment", "back", "Autoclave", "--reason", "fixed"), 1,
            "in service already; nothing to put back")
    refused(p.cli("inventory", "equipment", "out", "Autoclave", "--reason", " "), 1, "reason is required")
    refused(p.cli("inventory", "equipment", "out", "MRI", "--reason", "x"), 1, "no asset with the name")
    refused(p.cli("inventory", "equipment", "due", "--days", "-1", user="frontdesk"), 1, "days must be at least 0")
    refused(p.cli("inventory", "equipment", "out", "Autoclave"), 2, "--reason")
    refused(p.cli("inventory", "equipment", "plan", "change", "Autoclave", "service"), 2, "give --every or --due")
    assert [a["name"] for a in ok(p, "inventory", "equipment", "list")] == ["Autoclave"]
    assert ok(p, "inventory", "equipment", "show", "Autoclave")["log"] == []
    assert ok(p, "inventory", "equipment", "show", "Autoclave")["asset"]["in_service"] is True
