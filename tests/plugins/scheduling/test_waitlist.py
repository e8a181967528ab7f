"""The waitlist: patients waiting for an earlier slot, offered the time a cancellation frees.

The practice's clock stands on Monday 2026-01-05 12:00 UTC (07:00 in New York); Dr Adams
works Mon-Fri 09:00-12:00 and 13:00-17:00 at Main, Dr Baker Tue 09:00-12:00 at Main and Mon,
Wed 08:00-10:00 at North (see conftest.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from medoffice.core import PluginInfo, hookimpl
from medoffice.core.errors import Conflict, NotFound, PluginError, ValidationError
from medoffice.core.records import WaitlistOffer
from medoffice.plugins.scheduling import appointment_lists, booking, day_flow, waitlist
from medoffice.plugins.scheduling.models import WaitlistEntry

from .conftest import register

pytestmark = pytest.mark.medoffice_plugins("scheduling")

UTC = dt.timezone.utc


class OfferRecorder:
    """A delivery plugin that records every offer it is asked to send."""

    plugin_info = PluginInfo(id="offer-recorder", title="Offer recorder", api_version=1)

    def __init__(self) -> None:
        self.offers: list[WaitlistOffer] = []
        self.broken = False

    @hookimpl
    def medoffice_waitlist_offer(self, ctx, offer):
        if self.broken:
            raise RuntimeError("the SMS gateway is down")
        self.offers.append(offer)


@pytest.fixture
def recorder():
    return OfferRecorder()


@pytest.fixture
def medoffice_extra_plugins(recorder):
    return [recorder]


def statuses(practice) -> dict[str, str]:
    with practice.operation("frontdesk", write=False) as ctx:
        return {e.mrn: e.status for e in waitlist.list_entries(ctx, status="all")}


def count_entries(practice) -> int:
    with practice.operation("admin", write=False) as ctx:
        return ctx.session.execute(select(func.count()).select_from(WaitlistEntry)).scalar_one()


def test_hook_waitlist_offer_a_cancellation_offers_the_entries_that_fit_and_not_the_others(
        medoffice_practice, world, recorder):
    """Ann's 09:00 check-up with Dr Adams on Tuesday is cancelled. Of six patients waiting,
    only Bo fits that half hour: the others want a longer visit, another provider, a later
    week or another location, and Ann is not offered her own slot back."""
    with medoffice_practice.operation("frontdesk") as ctx:
        dee, eve, fay = register(ctx, "Dee"), register(ctx, "Eve"), register(ctx, "Fay")
        ann = booking.book(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00")
        waitlist.add(ctx, world.ann, "Check-up", note="wants it earlier still")
        bo = waitlist.add(ctx, world.bo, "Check-up", note="mornings")
        waitlist.add(ctx, world.cy, "Long", provider_id=world.adams)
        waitlist.add(ctx, dee, "Check-up", provider_id=world.baker)
        waitlist.add(ctx, eve, "Check-up", earliest="2026-01-10")
        waitlist.add(ctx, fay, "Check-up", location="North")
    assert recorder.offers == []
    with medoffice_practice.operation("frontdesk") as ctx:
        booking.cancel(ctx, ann.id, "feeling better")

    (offer,) = recorder.offers
    assert offer == WaitlistOffer(
        entry_id=bo.id, patient_id=bo.patient_id, mrn=world.bo, appointment_type="Check-up", duration_minutes=30,
        provider_id=world.adams, start=dt.datetime(2026, 1, 6, 14, 0, tzinfo=UTC),
        end=dt.datetime(2026, 1, 6, 14, 30, tzinfo=UTC), location_id=ann.location_id, freed_appointment_id=ann.id,
        cause="cancelled", offers=1, note="mornings")
    assert statuses(medoffice_practice) == {world.ann: "waiting", world.bo: "offered", world.cy: "waiting",
                                            dee: "waiting", eve: "waiting", fay: "waiting"}
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        (offered,) = waitlist.offers(ctx)
    assert (offered.entry.mrn, offered.entry.offers, offered.entry.offered_at) == (
        world.bo, 1, dt.datetime(2026, 1, 5, 7, 0, tzinfo=ctx.timezone))
    assert (f"{offered.start:%a %H:%M}", f"{offered.end:%H:%M}", offered.provider, offered.location,
            offered.freed_appointment_id, offered.cause) == ("Tue 09:00", "09:30", "Dr Adams", "Main", ann.id,
                                                             "cancelled")


def test_a_move_away_offers_only_the_time_it_freed(medoffice_practice, world, recorder):
    """Ann's two-hour visit moves from 09:00 to 10:00: only 09:00-10:00 is free, which holds
    Bo's check-up but not Cy's two-hour visit. A second freed slot counts a second offer."""
    with medoffice_practice.operation("frontdesk") as ctx:
        long = booking.book(ctx, world.ann, world.adams, "Long", "2026-01-07 09:00")
        waitlist.add(ctx, world.bo, "Check-up")
        waitlist.add(ctx, world.cy, "Long")
    with medoffice_practice.operation("frontdesk") as ctx:
        booking.move(ctx, long.id, "2026-01-07 10:00")
    (offer,) = recorder.offers
    assert (offer.mrn, offer.cause, offer.start, offer.end) == (
        world.bo, "rescheduled", dt.datetime(2026, 1, 7, 14, 0, tzinfo=UTC), dt.datetime(2026, 1, 7, 15, 0, tzinfo=UTC))
    with medoffice_practice.operation("frontdesk") as ctx:
        booking.cancel(ctx, long.id, "travelling")
    assert [(o.mrn, o.offers) for o in recorder.offers] == [(world.bo, 1), (world.bo, 2), (world.cy, 1)]


def test_a_no_show_a_past_slot_and_a_still_busy_provider_offer_nothing(medoffice_practice, world, recorder):
    """A no-show frees nothing bookable; nor does a cancelled slot already past, nor one the
    provider is busy in anyway (an overbooking over it)."""
    with medoffice_practice.operation("manager") as ctx:
        waitlist.add(ctx, world.cy, "Check-up")
        missed = booking.book(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00")
        booking.book(ctx, world.ann, world.adams, "Check-up", "2026-01-06 10:00")
        overbooked = booking.book(ctx, world.bo, world.adams, "Check-up", "2026-01-06 10:00", overbook_reason="urgent")
    medoffice_practice.runtime.clock = lambda: dt.datetime(2026, 1, 6, 14, 20, tzinfo=UTC)  # 09:20: Ann is missing
    with medoffice_practice.operation("manager") as ctx:
        day_flow.no_show(ctx, missed.id)
        booking.cancel(ctx, overbooked.id, "not needed")
    medoffice_practice.runtime.clock = lambda: dt.datetime(2026, 1, 6, 20, 0, tzinfo=UTC)
    with medoffice_practice.operation("manager") as ctx:
        (later,) = [a for a in appointment_lists.list_for_patient(ctx, world.ann) if a.status == "booked"]
        booking.cancel(ctx, later.id, "too late to offer")
    assert recorder.offers == []
    assert statuses(medoffice_practice) == {world.cy: "waiting"}


def test_a_failing_delivery_plugin_rolls_the_cancellation_back_and_is_named(medoffice_practice, world, recorder):
    with medoffice_practice.operation("frontdesk") as ctx:
        ann = booking.book(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00")
        waitlist.add(ctx, world.bo, "Check-up")
    recorder.broken = True
    with pytest.raises(PluginError, match="plugin 'offer-recorder': medoffice_waitlist_offer raised RuntimeError: "
                                          "the SMS gateway is down"):
        with medoffice_practice.operation("frontdesk") as ctx:
            booking.cancel(ctx, ann.id, "feeling better")
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        (still,) = appointment_lists.list_for_patient(ctx, world.ann)
    assert (still.status, statuses(medoffice_practice)) == ("booked", {world.bo: "waiting"})


def test_book_from_an_entry_and_remove_one_with_a_reason(medoffice_practice, world):
    with medoffice_practice.operation("frontdesk") as ctx:
        bo = waitlist.add(ctx, world.bo, "Check-up")
        cy = waitlist.add(ctx, world.cy, "Check-up", provider_id=world.baker, latest="2026-02-01")
    with medoffice_practice.operation("frontdesk") as ctx:
        with pytest.raises(ValidationError, match="is for any provider"):
            waitlist.book(ctx, bo.id, "2026-01-06 11:00")
        entry, appointment = waitlist.book(ctx, bo.id, "2026-01-06 11:00", provider_id=world.adams)
        waitlist.remove(ctx, cy.id, "booked at another practice")
    assert (entry.status, entry.appointment_id, appointment.provider_id) == ("booked", appointment.id, world.adams)
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        assert waitlist.list_entries(ctx) == []
        closed = waitlist.list_entries(ctx, status="all")
        (listed,) = appointment_lists.list_for_patient(ctx, world.bo)
    assert [(e.mrn, e.status, e.closed_reason) for e in closed] == [
        (world.bo, "booked", None), (world.cy, "removed", "booked at another practice")]
    assert listed.id == appointment.id
    with pytest.raises(Conflict, match=f"waitlist entry {cy.id} is already removed"):
        with medoffice_practice.operation("frontdesk") as ctx:
            waitlist.remove(ctx, cy.id, "again")


def test_a_patient_waits_once_per_type_and_the_list_is_oldest_first(medoffice_practice, world):
    with medoffice_practice.operation("frontdesk") as ctx:
        waitlist.add(ctx, world.cy, "Long")
        waitlist.add(ctx, world.ann, "Check-up")
        waitlist.add(ctx, world.ann, "Long")
        with pytest.raises(Conflict, match=r"Lee, Ann already waits for 'Check-up' \(waitlist entry 2\)"):
            waitlist.add(ctx, world.ann, "check-up")
        assert [(e.mrn, e.appointment_type) for e in waitlist.list_entries(ctx)] == [
            (world.cy, "Long"), (world.ann, "Check-up"), (world.ann, "Long")]
        assert [e.mrn for e in waitlist.list_entries(ctx, appointment_type="Long")] == [world.cy, world.ann]


@pytest.mark.parametrize(("options", "error", "message"), [
    ({"earliest": "2026-02-30"}, ValidationError, "earliest must be a real date as YYYY-MM-DD, got '2026-02-30'"),
    ({"earliest": "2026-03-01", "latest": "2026-02-01"}, ValidationError,
     "the latest day (2026-02-01) is before the earliest (2026-03-01)"),
    ({"latest": "2025-12-31", "earliest": "2025-12-01"}, ValidationError, "the latest day (2025-12-31) is already past"),
    ({"provider_id": 99}, NotFound, "no provider with staff id 99"),
    ({"location": "South"}, NotFound, "no location named 'South' (known: Main, North)"),
])
def test_bad_input_is_refused_and_nothing_is_written(medoffice_practice, world, options, error, message):
    with pytest.raises(error) as raised:
        with medoffice_practice.operation("frontdesk") as ctx:
            waitlist.add(ctx, world.ann, "Check-up", **options)
    assert str(raised.value) == message
    assert count_entries(medoffice_practice) == 0


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def test_the_waitlist_from_the_shell(medoffice_cli, medoffice_practice, cli_world):
    """Add, list, a cancellation that offers, offers, book from the entry, remove."""
    w = cli_world
    added = ok(medoffice_cli("waitlist", "add", w.bo, "--type", "Check-up", "--provider", str(w.adams),
                             "--from", "2030-03-01", "--to", "2030-04-30", "--note", "mornings", user="frontdesk"))
    assert added.stdout == ("added waitlist entry 1: Lee, Bo (000002) for Check-up with Dr Adams, "
                            "2030-03-01 to 2030-04-30 (waiting)\n")
    ok(medoffice_cli("waitlist", "add", w.cy, "--type", "Long", "--json", user="frontdesk"))
    ok(medoffice_cli("appointments", "book", w.ann, "--provider", str(w.adams), "--type", "Check-up",
                     "--at", "2030-03-12 09:00", user="frontdesk"))
    ok(medoffice_cli("appointments", "cancel", "1", "--reason", "ill", user="frontdesk"))
    listed = ok(medoffice_cli("waitlist", "list", "--json", user="billing")).json()
    assert [(e["id"], e["status"], e["offers"]) for e in listed] == [(1, "offered", 1), (2, "waiting", 0)]
    table = ok(medoffice_cli("waitlist", "offers", user="frontdesk")).stdout.splitlines()
    assert table[0].split()[:4] == ["entry", "patient", "mrn", "type"]
    assert table[1].split()[:5] == ["1", "Lee,", "Bo", "000002", "Check-up"]
    assert "Tue 2030-03-12 09:00-09:30" in table[1]
    booked = ok(medoffice_cli("waitlist", "book", "1", "--at", "2030-03-12 09:00", "--json", user="frontdesk")).json()
    assert (booked["entry"]["status"], booked["appointment"]["mrn"]) == ("booked", w.bo)
    removed = ok(medoffice_cli("waitlist", "remove", "2", "--reason", "no longer needed", user="frontdesk"))
    assert removed.stdout == "removed waitlist entry 2: Lee, Cy (000003) for Long (no longer needed)\n"
    assert ok(medoffice_cli("waitlist", "list", user="frontdesk")).stdout == "(none)\n"


@pytest.mark.parametrize(("args", "message"), [
    (["add", "999999", "--type", "Check-up"], "no patient with MRN '999999'"),
    (["add", "000001", "--type", "Check-up", "--from", "2030-02-30"],
     "earliest must be a real date as YYYY-MM-DD, got '2030-02-30'"),
    (["remove", "7", "--reason", "x"], "no waitlist entry with id 7"),
])
def test_bad_input_from_the_shell_is_one_line_exit_1(medoffice_cli, medoffice_practice, cli_world, args, message):
    result = medoffice_cli("waitlist", *args, user="frontdesk")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
    assert count_entries(medoffice_practice) == 0
