"""An appointment type that needs equipment cannot be booked (or moved) while that equipment is
out of service; an overdue calibration is reported, not refused (docs/inventory.md#equipment-
and-booking). Scheduling tells the veto hook which equipment the type reserves; inventory knows
only the asset's booking name.

Clock: Monday 2026-01-05 15:00 UTC. Dr Adams works at Main on weekdays 09:00-12:00; the type
"ECG test" needs the ECG (scheduling's resource), which is the inventory asset "ECG machine".
"""

from __future__ import annotations

import pytest

from medoffice.core.errors import Conflict
from medoffice.core.services import patients, practice, staff
from medoffice.core.validation import luhn_check_digit
from medoffice.plugins.inventory import equipment
from medoffice.plugins.inventory import equipment_maintenance as maintenance

pytestmark = pytest.mark.medoffice_plugins("inventory", "scheduling")


@pytest.fixture
def clinic(medoffice_practice, world):
    from medoffice.plugins.scheduling import catalogue, resources

    base = "123456701"
    with medoffice_practice.operation("admin") as ctx:
        practice.add_location(ctx, "Main")
        world.adams = staff.add(ctx, {"name": "Dr Adams", "role": "provider", "is_provider": True,
                                      "npi": base + str(luhn_check_digit("80840" + base))}).id
        for weekday in ("mon", "tue", "wed", "thu", "fri"):
            catalogue.add_template(ctx, world.adams, weekday, "09:00", "12:00", "Main")
        catalogue.add_type(ctx, "ECG test", 30)
        catalogue.add_type(ctx, "Check-up", 30)
        resources.add_resource(ctx, "ECG", location="Main")
        resources.set_type_needs(ctx, "ECG test", equipment=["ECG"])
        world.ann = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                            "sex": "f"}).patient.mrn
    with medoffice_practice.operation("manager") as ctx:
        equipment.add_asset(ctx, {"name": "ECG machine", "resource": "ECG", "location": "Supply room"})
        maintenance.add_plan(ctx, "ECG machine", "calibration", 12, due="2025-11-01")  # overdue
    return world


def book(practice_fixture, world, kind, at):
    from medoffice.plugins.scheduling import booking

    with practice_fixture.operation("frontdesk") as ctx:
        return booking.book(ctx, world.ann, world.adams, kind, at)


def test_an_overdue_calibration_does_not_stop_the_booking(medoffice_practice, clinic):
    assert book(medoffice_practice, clinic, "ECG test", "2026-01-06 09:00").appointment_type == "ECG test"


def test_out_of_service_equipment_refuses_the_types_that_need_it_until_it_is_back(medoffice_practice, clinic):
    from medoffice.plugins.scheduling import booking

    p = medoffice_practice
    kept = book(p, clinic, "ECG test", "2026-01-06 09:00")
    with p.operation("manager") as ctx:
        equipment.set_in_service(ctx, "ECG machine", False, "lead cable broken")
    with pytest.raises(Conflict) as refused:
        book(p, clinic, "ECG test", "2026-01-07 09:00")
    assert str(refused.value) == "cannot book: inventory: ECG is out of service (lead cable broken)"
    with pytest.raises(Conflict, match="ECG is out of service"):
        with p.operation("frontdesk") as ctx:
            booking.move(ctx, kept.id, "2026-01-08 10:00")
    assert book(p, clinic, "Check-up", "2026-01-07 09:00").appointment_type == "Check-up"
    with p.operation("manager") as ctx:
        equipment.set_in_service(ctx, "ECG machine", True, "cable replaced")
    assert book(p, clinic, "ECG test", "2026-01-07 10:00").appointment_type == "ECG test"


def test_out_of_service_from_a_day_to_come_refuses_only_bookings_from_that_day(medoffice_practice, clinic):
    """The ECG goes for repair on Thursday: Wednesday's ECG tests are still booked and moved
    freely, Thursday's and later are refused, naming the day."""
    from medoffice.plugins.scheduling import booking

    p = medoffice_practice
    with p.operation("manager") as ctx:
        equipment.set_in_service(ctx, "ECG machine", False, "sent for repair", from_day="2026-01-08")
    wednesday = book(p, clinic, "ECG test", "2026-01-07 09:00")
    with pytest.raises(Conflict) as refused:
        book(p, clinic, "ECG test", "2026-01-08 09:00")
    assert str(refused.value) == ("cannot book: inventory: ECG is out of service from Thu 2026-01-08 "
                                  "(sent for repair)")
    with pytest.raises(Conflict, match="out of service from Thu 2026-01-08"):
        with p.operation("frontdesk") as ctx:
            booking.move(ctx, wednesday.id, "2026-01-09 10:00")
    with p.operation("frontdesk") as ctx:
        assert booking.move(ctx, wednesday.id, "2026-01-06 10:00").appointment_type == "ECG test"
    with p.operation("manager") as ctx, pytest.raises(Exception, match="within 366 days"):
        equipment.set_in_service(ctx, "ECG machine", False, "x", from_day="2030-01-01")
