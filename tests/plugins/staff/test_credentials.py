"""Credentials: alerts at 90/60/30 days, and an expired required one blocking a provider's
bookings through the scheduling plugin unless a manager overrides it (clock: 2026-01-05)."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core.errors import Conflict, PermissionDenied, ValidationError
from medoffice.core.services import patients
from medoffice.plugins.staff import credentials

from ._audit import actions
from .conftest import NOW

pytestmark = pytest.mark.medoffice_plugins("staff")


def add(practice, staff_id, **data):
    with practice.operation("manager") as ctx:
        return credentials.add(ctx, staff_id, {"kind": "licence"} | data)


class TestAlerts:
    def test_expiring_credentials_fall_in_their_alert_step(self, medoffice_practice, world):
        for days, kind in ((-1, "gone"), (0, "today"), (30, "thirty"), (31, "thirty-one"), (90, "ninety"),
                           (91, "later")):
            add(medoffice_practice, world.adams, kind=kind,
                expires_on=str(dt.date(2026, 1, 5) + dt.timedelta(days=days)))
        add(medoffice_practice, world.max, kind="BLS card", expires_on="2026-01-04", required_for_work="yes")
        with medoffice_practice.operation("manager", write=False) as ctx:
            found = [(c.kind, c.alert, c.blocks) for c in credentials.expiring(ctx)]
        assert found == [("gone", "expired", False), ("BLS card", "expired", True), ("today", "30", False),
                         ("thirty", "30", False), ("thirty-one", "60", False), ("ninety", "90", False)]

    def test_the_front_desk_sees_only_its_own(self, medoffice_practice, world):
        add(medoffice_practice, world.cleo, kind="CPR card", expires_on="2026-03-01")
        add(medoffice_practice, world.adams, kind="DEA registration", expires_on="2026-03-01")
        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("frontdesk", write=False) as ctx:
                credentials.expiring(ctx)
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert [c.kind for c in credentials.list_credentials(ctx, mine=True)] == ["CPR card"]

    @pytest.mark.parametrize("data", [{"kind": ""}, {"kind": "x", "expires_on": "2026-02-30"},
                                      {"kind": "x", "issued_on": "2026-02-01", "expires_on": "2026-01-01"},
                                      {"kind": "x", "required_for_work": "maybe"}, {"kind": "x", "colour": "red"},
                                      {"kind": "x\x07"}])
    def test_hostile_fields_are_refused(self, medoffice_practice, world, data):
        with pytest.raises(ValidationError):
            with medoffice_practice.operation("manager") as ctx:
                credentials.add(ctx, world.adams, data)
        with medoffice_practice.operation("manager", write=False) as ctx:
            assert credentials.list_credentials(ctx, include_retired=True) == []


@pytest.fixture
def bookable(medoffice_practice, world):
    from medoffice.plugins.scheduling import catalogue

    with medoffice_practice.operation("admin") as ctx:
        catalogue.add_type(ctx, "Check-up", 30)
        for weekday in ("mon", "tue", "wed", "thu", "fri"):
            catalogue.add_template(ctx, world.adams, weekday, "09:00", "12:00", "Main")
        world.ann = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                            "sex": "f"}).patient.mrn
    return world


def book(practice, world, start="2026-01-07 09:00"):
    from medoffice.plugins.scheduling import booking

    with practice.operation("frontdesk") as ctx:
        return booking.book(ctx, world.ann, world.adams, "Check-up", start)


def booked(practice, world):
    from medoffice.plugins.scheduling import appointment_lists

    with practice.operation("frontdesk", write=False) as ctx:
        return [str(a.start) for a in appointment_lists.list_for_patient(ctx, world.ann)]


@pytest.mark.medoffice_plugins("staff", "scheduling")
class TestTheBookingBlock:
    def test_hook_validate_appointment_refuses_a_provider_with_an_expired_required_licence(
            self, medoffice_practice, bookable):
        licence = add(medoffice_practice, bookable.adams, kind="medical licence", issuer="NY",
                      expires_on="2026-01-06", required_for_work=True)
        book(medoffice_practice, bookable, "2026-01-06 09:00")  # the last valid day
        with pytest.raises(Conflict) as refused:
            book(medoffice_practice, bookable)
        assert str(refused.value) == (
            f"cannot book: staff: Dr Adams's NY medical licence (credential {licence.id}) expired on 2026-01-06 and "
            f"is required for work (renew it, or a manager may override: medoffice credentials override {licence.id})")
        assert booked(medoffice_practice, bookable) == ["2026-01-06 09:00:00-05:00"]

    def test_a_credential_not_required_only_alerts(self, medoffice_practice, bookable):
        add(medoffice_practice, bookable.adams, kind="board certification", expires_on="2025-01-01")
        assert book(medoffice_practice, bookable).provider_id == bookable.adams

    def test_a_managers_override_lets_bookings_through_until_its_day_and_is_audited(
            self, medoffice_practice, bookable):
        licence = add(medoffice_practice, bookable.adams, expires_on="2026-01-01", required_for_work=True)
        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("frontdesk") as ctx:
                credentials.override(ctx, licence.id, reason="renewal in the post", until="2026-01-09")
        with medoffice_practice.operation("manager") as ctx:
            granted = credentials.override(ctx, licence.id, reason="renewal in the post", until="2026-01-08")
        book(medoffice_practice, bookable, "2026-01-08 09:00")
        with pytest.raises(Conflict, match="expired on 2026-01-01"):
            book(medoffice_practice, bookable, "2026-01-09 09:00")
        log = actions(medoffice_practice, "hr.credential.")
        assert ("hr.credential.overridden", str(licence.id), "manager") in log
        assert ("hr.credential.override_used", str(licence.id), "frontdesk") in log
        with medoffice_practice.operation("manager") as ctx:
            credentials.end_override(ctx, granted.id)
        with pytest.raises(Conflict, match="required for work"):
            book(medoffice_practice, bookable, "2026-01-07 10:00")

    def test_a_renewal_lifts_the_block(self, medoffice_practice, bookable):
        licence = add(medoffice_practice, bookable.adams, expires_on="2026-01-01", required_for_work=True)
        with pytest.raises(Conflict):
            book(medoffice_practice, bookable)
        with medoffice_practice.operation("manager") as ctx:
            credentials.update(ctx, licence.id, {"expires_on": "2028-01-01"})
        assert book(medoffice_practice, bookable)

    @pytest.mark.parametrize(("reason", "until", "wrong"), [
        ("", "2026-01-08", "reason is required"), ("ok", "2026-01-04", "in the past"),
        ("ok", "2026-06-01", "at most 90 days"), ("ok", "soon", "real date")])
    def test_an_override_needs_a_reason_and_a_near_day(self, medoffice_practice, bookable, reason, until, wrong):
        licence = add(medoffice_practice, bookable.adams, expires_on="2026-01-01", required_for_work=True)
        with pytest.raises(ValidationError, match=wrong):
            with medoffice_practice.operation("manager") as ctx:
                credentials.override(ctx, licence.id, reason=reason, until=until)
        with medoffice_practice.operation("manager", write=False) as ctx:
            assert credentials.overrides(ctx, include_past=True) == []

    def test_the_slot_finder_offers_no_time_the_booking_would_refuse(self, medoffice_practice, bookable):
        """Dr Adams's licence is good through Tuesday: the desk is offered Monday and Tuesday,
        never Wednesday on; a manager's override brings Wednesday back until its day."""
        from medoffice.plugins.scheduling import slots

        def days_offered():
            with medoffice_practice.operation("frontdesk", write=False) as ctx:
                found = slots.find_slots(ctx, "Check-up", "2026-01-05", "2026-01-09", limit=100)
            return sorted({str(s.start.date()) for s in found if s.provider_id == bookable.adams})

        assert days_offered() == ["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09"]
        licence = add(medoffice_practice, bookable.adams, kind="medical licence", issuer="NY",
                      expires_on="2026-01-06", required_for_work=True)
        assert days_offered() == ["2026-01-05", "2026-01-06"]
        with medoffice_practice.operation("manager") as ctx:
            credentials.override(ctx, licence.id, reason="renewal in the mail", until="2026-01-07")
        assert days_offered() == ["2026-01-05", "2026-01-06", "2026-01-07"]
        book(medoffice_practice, bookable, "2026-01-07 09:00")

    def test_no_free_slot_says_which_days_a_credential_blocks_the_provider(self, medoffice_practice, bookable):
        """Asked for Dr Adams's slots after her licence lapsed, the desk is told why there are
        none (at the command line and in the search's words), not left to hunt for a gap."""
        from medoffice.plugins.scheduling import slots

        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert slots.blocked_words(ctx, bookable.adams, "2026-01-07", "2026-01-09") is None
        licence = add(medoffice_practice, bookable.adams, kind="medical licence", issuer="NY",
                      expires_on="2026-01-06", required_for_work=True)
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert slots.find_slots(ctx, "Check-up", "2026-01-07", "2026-01-09", provider_id=bookable.adams) == []
            words = slots.blocked_words(ctx, bookable.adams, "2026-01-07", "2026-01-09")
            assert words == (f"Dr Adams cannot be booked from 2026-01-07 to 2026-01-09: a credential required for "
                             f"work has expired (renew it, or a manager may override it: medoffice credentials list "
                             f"--staff {bookable.adams}).")
        result = medoffice_practice.cli("appointments", "slots", "--type", "Check-up", "--provider",
                                        str(bookable.adams), "--from", "2026-01-07", "--to", "2026-01-09",
                                        user="frontdesk", clock=lambda: NOW)
        assert result.exit_code == 0 and result.stdout.splitlines() == ["(none)", words]
        as_json = medoffice_practice.cli("appointments", "slots", "--type", "Check-up", "--provider",
                                         str(bookable.adams), "--from", "2026-01-07", "--to", "2026-01-09", "--json",
                                         user="frontdesk", clock=lambda: NOW)
        assert as_json.exit_code == 0 and as_json.json() == []
        with medoffice_practice.operation("manager") as ctx:
            credentials.override(ctx, licence.id, reason="renewal in the mail", until="2026-01-07")
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            assert slots.blocked_words(ctx, bookable.adams, "2026-01-05", "2026-01-09") == (
                f"Dr Adams cannot be booked from 2026-01-08 to 2026-01-09: a credential required for work has "
                f"expired (renew it, or a manager may override it: medoffice credentials list --staff {bookable.adams}).")

    @pytest.mark.medoffice_backends("sqlite")
    async def test_the_booking_screen_says_why_a_blocked_provider_has_no_slot(self, medoffice_practice, bookable):
        """At the desk, F6 for Ann with Dr Adams, whose licence lapsed before today: the slot
        step says she cannot be booked and why, in place of "no free slot"."""
        from medoffice.plugins.scheduling.screens.booking import BookingScreen
        from medoffice.testing import burst, wait_for

        add(medoffice_practice, bookable.adams, expires_on="2026-01-01", required_for_work=True)
        medoffice_practice.runtime.clock = lambda: NOW
        async with medoffice_practice.pilot("frontdesk", size=(80, 24)) as pilot:
            app = pilot.app
            await wait_for(pilot, lambda: app.home is not None and app.screen is app.home)
            app.open_plugin_screen("scheduling.book")
            await wait_for(pilot, lambda: isinstance(app.screen, BookingScreen))
            flow = app.screen
            await burst(pilot, *"Ann", "enter", "enter", *"adams", "enter")  # typed ahead, no pauses

            def said() -> str:
                return str(flow.query_one("#booking-message").render())

            await wait_for(pilot, lambda: flow.step == "slot" and "cannot be booked" in said())
            assert said().startswith("No free slot. Dr Adams cannot be booked from 2026-01-05 to 2026-02-04: "
                                     "a credential required for work has expired")
            assert flow.slots == []

    def test_the_staff_service_says_who_may_work(self, medoffice_practice, bookable):
        add(medoffice_practice, bookable.adams, expires_on="2026-01-06", required_for_work=True)
        start = dt.datetime(2026, 1, 6, 14, tzinfo=dt.timezone.utc)
        with medoffice_practice.operation("frontdesk", write=False) as ctx:
            service = ctx.hooks.staff(ctx)
            assert service.is_available(ctx, bookable.adams, start, start + dt.timedelta(hours=1))
            assert not service.is_available(ctx, bookable.adams, start, start + dt.timedelta(days=1, hours=1))
            assert service.is_available(ctx, bookable.baker, start, start + dt.timedelta(days=3))


@pytest.mark.medoffice_plugins("scheduling")
def test_without_the_staff_plugin_scheduling_books_as_before(medoffice_practice, bookable):
    from medoffice.plugins.scheduling import slots

    assert book(medoffice_practice, bookable).provider_id == bookable.adams
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert slots.blocked_words(ctx, bookable.adams, "2026-01-05") is None


@pytest.mark.medoffice_plugins("staff")
def test_the_compliance_report_lists_what_to_chase_worst_first(medoffice_practice, world):
    from medoffice.plugins.staff import training

    add(medoffice_practice, world.max, kind="BLS card", issuer="AHA", expires_on="2026-01-01",
        required_for_work=True)
    add(medoffice_practice, world.adams, kind="DEA registration", issuer="DEA", expires_on="2026-03-01")
    with medoffice_practice.operation("manager") as ctx:
        training.add_requirement(ctx, "HIPAA", ["all"], every_months=12, first_within_days=10)
        training.complete(ctx, world.adams, "HIPAA", on="2024-12-01")
    result = medoffice_practice.cli("reports", "run", "staff.compliance", "--param", "within=60", "--json",
                                    user="manager", clock=lambda: NOW)
    assert result.exit_code == 0, result.stderr
    rows = [r[:4] + [r[5]] for r in result.json()["rows"]]
    assert rows[:2] == [["overdue", "Dr Adams", "training", "HIPAA", "35 days overdue"],
                        ["overdue", "Max Assist", "credential", "AHA BLS card", "expired, blocks work"]]
    assert ["due", "Dr Adams", "credential", "DEA registration", "expires in 55 days"] in rows
    refused = medoffice_practice.cli("reports", "run", "staff.compliance", user="frontdesk", clock=lambda: NOW)
    assert refused.exit_code == 1 and "hr.compliance" in refused.stderr


@pytest.mark.medoffice_plugins("staff", "scheduling")
def test_disabling_the_staff_plugin_lifts_the_block_and_enabling_it_brings_it_back(medoffice_practice, bookable):
    """The block is the staff plugin's: disabled, booking works as without it; enabled again,
    its credentials are still on file and block again."""
    licence = add(medoffice_practice, bookable.adams, expires_on="2026-01-01", required_for_work=True)
    assert medoffice_practice.cli("plugins", "disable", "staff").exit_code == 0
    medoffice_practice.runtime.reload_plugins()
    assert book(medoffice_practice, bookable, "2026-01-07 09:00")
    enabled = medoffice_practice.cli("plugins", "enable", "staff")
    assert enabled.exit_code == 0, enabled.stderr
    medoffice_practice.runtime.reload_plugins()
    with pytest.raises(Conflict, match=f"credential {licence.id}"):
        book(medoffice_practice, bookable, "2026-01-08 09:00")
    assert booked(medoffice_practice, bookable) == ["2026-01-07 09:00:00-05:00"]
