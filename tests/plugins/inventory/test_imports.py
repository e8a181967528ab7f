"""Setting up the supply room from the vendor's spreadsheet: vendors and items from CSV, all
rows or none, and the same file twice changes nothing."""

from __future__ import annotations

import io

import pytest

from medoffice.core import ValidationError
from medoffice.plugins.inventory import catalogue, imports

pytestmark = pytest.mark.medoffice_plugins("inventory")

VENDORS = "name,phone,account_number,terms,ordering_method\nBay Lab,(555) 013-9000,BL-7,net 30,phone\nharbor,,,net 45,\n"
ITEMS = ("sku,name,category,location,unit,pack_unit,pack_size,tracks_lots,par,reorder_point,vendor,pack_price\n"
         "gz-4,Gauze 4x4,medical,Supply room,each,pack,100,no,300,100,Harbor,8.90\n"
         "STREP,Strep kit,lab,Supply room,test,kit,25,yes,50,20,Bay Lab,87.50\n"
         "GLV-M,,,,,,,,250,,,\n")


def test_vendors_then_items_and_the_same_files_again_change_nothing(medoffice_practice, world):
    with medoffice_practice.operation("manager") as ctx:
        vendors = imports.import_vendors(ctx, io.StringIO(VENDORS))
        items = imports.import_items(ctx, io.StringIO(ITEMS))
    assert (vendors.added, vendors.updated) == (("Bay Lab",), ("Harbor",))
    assert (items.added, items.updated) == (("GZ-4", "STREP"), ("GLV-M",))
    with medoffice_practice.operation("manager") as ctx:
        again = imports.import_items(ctx, io.StringIO(ITEMS)), imports.import_vendors(ctx, io.StringIO(VENDORS))
        strep = catalogue.get_item(ctx, "strep")
        gloves = catalogue.get_item(ctx, "GLV-M")
        harbor = next(v for v in catalogue.list_vendors(ctx) if v.name == "Harbor")
    assert [(r.added, r.updated) for r in again] == [((), ()), ((), ())]
    assert (strep.vendor, strep.tracks_lots, str(strep.pack_price), strep.pack_size) == ("Bay Lab", True, "87.50", 25)
    assert (gloves.par, gloves.name, gloves.pack_size) == (250, "Nitrile gloves, medium", 50)
    assert (harbor.terms, harbor.account_number) == ("net 45", "H-1")


def test_one_bad_row_imports_nothing_and_names_every_bad_row(medoffice_practice, world):
    bad = ("sku,name,category,location,par,reorder_point,vendor,pack_price\n"
           "OK-1,Fine thing,medical,Supply room,10,5,Harbor,1.00\n"
           "BAD 2,Bad sku,medical,Supply room,,,,\n"
           "OK-3,Thing,food,Garage,5,9,Nobody,1.005\n"
           "OK-1,Again,medical,Supply room,,,,\n"
           "NEW,Flu vaccine,drug,Fridge,,,,\n")
    with medoffice_practice.operation("manager") as ctx:
        with pytest.raises(ValidationError) as refused:
            imports.import_items(ctx, io.StringIO(bad))
    message = refused.value.message
    assert message.startswith("nothing imported; 4 bad row(s): row 3: SKU must be letters")
    assert "row 4:" in message and "category must be one of" in message and "no location called 'Garage'" in message
    assert "row 5: OK-1 is already on row 2" in message and "row 6: the name 'Flu vaccine' is the item FLU's" in message
    with medoffice_practice.operation("manager", write=False) as ctx:
        assert [i.sku for i in catalogue.list_items(ctx, search="ok-")] == []


def test_the_command_imports_with_exit_codes(medoffice_practice, cli_world, tmp_path):
    good = tmp_path / "vendors.csv"
    good.write_text(VENDORS)
    done = medoffice_practice.cli("inventory", "vendors", "import", str(good), "--json")
    assert done.exit_code == 0, done.output
    assert done.json()["added"] == ["Bay Lab"]
    (tmp_path / "bad.csv").write_bytes(b"sku,colour\nX,red\n")
    refused = medoffice_practice.cli("inventory", "items", "import", str(tmp_path / "bad.csv"))
    assert refused.exit_code == 1 and "unknown column(s): colour" in refused.stderr
    missing = medoffice_practice.cli("inventory", "items", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2
    desk = medoffice_practice.cli("inventory", "items", "import", str(good), user="frontdesk")
    assert desk.exit_code == 1 and "inventory.manage" in desk.stderr
