"""A step asked of a record that is already where the step would take it (restore an item that
is not retired, retire it twice, put an asset out of service twice, cancel a cancelled order…)
is refused like any other refusal: one line, exit 1, nothing written, nothing audited. The
service raises ``Conflict`` with the code ``nothing_to_do``, so a script tells "done already"
from "cannot be done" without reading the message (clock: Monday 2026-01-05)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from medoffice.core.errors import Conflict
from medoffice.core.records import AppointmentRecord, VisitRecord
from medoffice.core.services import patients
from medoffice.core.storage.models import AuditRow
from medoffice.plugins.inventory import catalogue, counts, equipment, kits, orders, receiving, stock, visit_supplies

from .conftest import NOW
from .test_cli import ok, refused

pytestmark = pytest.mark.medoffice_plugins("inventory")


@pytest.fixture
def done_already(medoffice_practice, world) -> SimpleNamespace:
    """Every record a step has already been taken on: the tape retired, the gloves stocked
    (not retired); the autoclave retired, the ECG out of service, the scale going out on
    Thursday, the spirometer in service; orders approved, sent, cancelled and closed; a
    shortage resolved and one dismissed; a count posted and one cancelled."""
    done = SimpleNamespace()
    with medoffice_practice.operation("manager") as ctx:
        catalogue.set_active(ctx, "TAPE", False)
        for name in ("Autoclave", "ECG machine", "Scale", "Spirometer"):
            equipment.add_asset(ctx, {"name": name})
        equipment.retire(ctx, "Autoclave", "sold")
        equipment.set_in_service(ctx, "ECG machine", False, "lead cable broken")
        equipment.set_in_service(ctx, "Scale", False, "sent for repair", from_day="2026-01-08")

        def order(*steps: str) -> int:
            made = orders.create_order(ctx, "Harbor")
            orders.set_line(ctx, made.id, "SYR-3", 1)
            for step in steps:
                {"approve": lambda: orders.approve(ctx, made.id), "send": lambda: orders.mark_sent(ctx, made.id),
                 "receive": lambda: receiving.receive(ctx, made.id, {"SYR-3": 1}),
                 "close": lambda: orders.close(ctx, made.id),
                 "cancel": lambda: orders.cancel(ctx, made.id, "ordered twice")}[step]()
            return made.id

        done.approved, done.sent = order("approve"), order("approve", "send")
        done.cancelled, done.closed = order("cancel"), order("approve", "send", "receive", "close")
        kits.define(ctx, "Flu shot", {"GLV-M": 1})
        patient = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                          "sex": "f"}).patient.id
        for number in (1, 2):
            visit = AppointmentRecord(number, patient, 1, "Flu shot", NOW, NOW + dt.timedelta(minutes=15),
                                      status="completed")
            visit_supplies.draw_for_visit(ctx, VisitRecord(visit, NOW))
        first, second = sorted(s.id for s in visit_supplies.shortages(ctx))
        stock.adjust(ctx, "GLV-M", 5, "delivery")
        done.resolved = visit_supplies.resolve(ctx, first).id
        done.dismissed = visit_supplies.dismiss(ctx, second, "used vinyl gloves").id
        done.posted = counts.start(ctx, "Fridge").id
        counts.post(ctx, done.posted)
        done.dropped = counts.start(ctx, "Supply room").id
        counts.cancel(ctx, done.dropped)
    return done


def audited(practice) -> int:
    """The inventory's audit entries (a command's sign-in is audited too)."""
    with practice.operation("admin", write=False) as ctx:
        return ctx.session.execute(select(func.count()).select_from(AuditRow)
                                   .where(AuditRow.action.startswith("inventory."))).scalar_one()


STEPS = {
    "items retire": (lambda ctx, d: catalogue.set_active(ctx, "TAPE", False),
                     "Medical tape is retired already; nothing to retire"),
    "items restore": (lambda ctx, d: catalogue.set_active(ctx, "GLV-M", True),
                      "Nitrile gloves, medium is not retired; nothing to restore"),
    "equipment retire": (lambda ctx, d: equipment.retire(ctx, "Autoclave", "scrapped"),
                         "Autoclave was retired on 2026-01-05 already; nothing to retire"),
    "equipment restore": (lambda ctx, d: equipment.restore(ctx, "Spirometer"),
                          "Spirometer is not retired; nothing to restore"),
    "equipment out": (lambda ctx, d: equipment.set_in_service(ctx, "ECG machine", False, "again"),
                      "ECG machine is out of service already; nothing to take out"),
    "equipment out, going out later": (
        lambda ctx, d: equipment.set_in_service(ctx, "Scale", False, "broke today"),
        "Scale goes out of service on Thu 2026-01-08 already; put it back in service first to give another day"),
    "equipment back": (lambda ctx, d: equipment.set_in_service(ctx, "Spirometer", True, "fine"),
                       "Spirometer is in service already; nothing to put back"),
    "po approve": (lambda ctx, d: orders.approve(ctx, d.approved), "is approved already; nothing to approve"),
    "po send": (lambda ctx, d: orders.mark_sent(ctx, d.sent), "is sent already; nothing to send"),
    "po cancel": (lambda ctx, d: orders.cancel(ctx, d.cancelled, "again"), "is cancelled already; nothing to cancel"),
    "po close": (lambda ctx, d: orders.close(ctx, d.closed), "is closed already; nothing to close"),
    "kits resolve": (lambda ctx, d: visit_supplies.resolve(ctx, d.resolved),
                     "is resolved already; nothing to resolve"),
    "kits dismiss": (lambda ctx, d: visit_supplies.dismiss(ctx, d.dismissed, "again"),
                     "is dismissed already; nothing to dismiss"),
    "kits dismiss, resolved": (lambda ctx, d: visit_supplies.dismiss(ctx, d.resolved, "never mind"),
                               "is resolved already; nothing to dismiss"),
    "counts post": (lambda ctx, d: counts.post(ctx, d.posted), "is posted already; nothing to post"),
    "counts cancel": (lambda ctx, d: counts.cancel(ctx, d.dropped), "is cancelled already; nothing to cancel"),
}


@pytest.mark.parametrize("step", STEPS)
def test_a_step_taken_already_is_refused_and_writes_nothing(medoffice_practice, done_already, step):
    call, words = STEPS[step]
    before = audited(medoffice_practice)
    with pytest.raises(Conflict) as refusal:
        with medoffice_practice.operation("manager") as ctx:
            call(ctx, done_already)
    assert words in str(refusal.value) and "\n" not in str(refusal.value)
    assert refusal.value.code == "nothing_to_do"
    assert audited(medoffice_practice) == before


def test_what_cannot_be_done_keeps_the_plain_conflict_code(medoffice_practice, done_already):
    """Cancelling a received order is not "done already": it cannot be done."""
    with pytest.raises(Conflict, match="cannot be cancelled") as refusal:
        with medoffice_practice.operation("manager") as ctx:
            orders.cancel(ctx, done_already.closed, "too late")
    assert refusal.value.code == "conflict"


def test_on_the_command_line_each_is_one_line_and_exit_1(medoffice_practice, cli_world):
    p = medoffice_practice
    ok(p, "inventory", "items", "retire", "TAPE")
    ok(p, "inventory", "equipment", "add", "Autoclave")
    number = str(ok(p, "inventory", "po", "new", "Harbor")["id"])
    ok(p, "inventory", "po", "cancel", number, "--reason", "ordered twice")
    before = audited(p)
    refused(p.cli("inventory", "items", "restore", "GLV-M"), 1,
            "Nitrile gloves, medium is not retired; nothing to restore")
    refused(p.cli("inventory", "items", "retire", "TAPE"), 1, "Medical tape is retired already; nothing to retire")
    refused(p.cli("inventory", "equipment", "restore", "Autoclave"), 1, "Autoclave is not retired; nothing to restore")
    refused(p.cli("inventory", "equipment", "back", "Autoclave", "--reason", "fine"), 1,
            "Autoclave is in service already; nothing to put back")
    refused(p.cli("inventory", "po", "cancel", number, "--reason", "again"), 1,
            f"purchase order {number} is cancelled already; nothing to cancel")
    assert audited(p) == before
    assert [i["sku"] for i in ok(p, "inventory", "items", "list")] == ["FLU", "GLV-M", "PAPER", "SYR-3"]
