"""Finding the next free slots for an appointment type."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from medoffice.core.errors import NotFound, ValidationError
from medoffice.plugins.scheduling import booking, slots

pytestmark = pytest.mark.medoffice_plugins("scheduling")


def find(practice, *args, **options):
    with practice.operation("frontdesk", write=False) as ctx:
        return slots.find_slots(ctx, *args, **options)


def show(found):
    return [(f"{s.start:%a %m-%d %H:%M}", s.provider) for s in found]


def test_the_earliest_slots_across_providers_skip_the_past_and_bookings(medoffice_practice, world):
    """Now is Monday 2026-01-05 07:00 in New York; Dr Baker's Monday starts at 08:00."""
    with medoffice_practice.operation("frontdesk") as ctx:
        booking.book(ctx, world.ann, world.baker, "Check-up", "2026-01-05 08:30")
        booking.book(ctx, world.bo, world.adams, "Long", "2026-01-05 09:00")
    found = find(medoffice_practice, "Check-up", "2026-01-05", "2026-01-05", limit=6)
    assert show(found) == [("Mon 01-05 08:00", "Dr Baker"), ("Mon 01-05 09:00", "Dr Baker"),
                           ("Mon 01-05 09:30", "Dr Baker"), ("Mon 01-05 11:00", "Dr Adams"),
                           ("Mon 01-05 11:30", "Dr Adams"), ("Mon 01-05 13:00", "Dr Adams")]
    assert found[0].location == "North" and found[3].location == "Main"


def test_the_next_few_slots_are_the_first_of_every_free_slot(medoffice_practice, world):
    """The desk asking for three slots is offered exactly the first three it would see in the
    whole list, across providers, even around an overbooked visit that overlaps another."""
    with medoffice_practice.operation("manager") as ctx:
        booking.book(ctx, world.ann, world.adams, "Check-up", "2026-01-05 09:00")
        booking.book(ctx, world.bo, world.adams, "Long", "2026-01-05 09:15", overbook_reason="urgent")
        booking.book(ctx, world.cy, world.baker, "Check-up", "2026-01-05 08:30")
    every = show(find(medoffice_practice, "Check-up", "2026-01-05", "2026-01-07", limit=1000))
    for few in (1, 3, 7):
        assert show(find(medoffice_practice, "Check-up", "2026-01-05", "2026-01-07", limit=few)) == every[:few]
    assert every[:4] == [("Mon 01-05 08:00", "Dr Baker"), ("Mon 01-05 09:00", "Dr Baker"),
                         ("Mon 01-05 09:30", "Dr Baker"), ("Mon 01-05 11:30", "Dr Adams")]


def test_one_provider_with_a_step_and_a_limit(medoffice_practice, world):
    found = find(medoffice_practice, "New patient", "2026-01-06", provider_id=world.baker, step_minutes=30, limit=3)
    assert show(found) == [("Tue 01-06 09:00", "Dr Baker"), ("Tue 01-06 09:30", "Dr Baker"),
                           ("Tue 01-06 10:00", "Dr Baker")]


def test_a_cancelled_booking_frees_its_slot(medoffice_practice, world):
    with medoffice_practice.operation("frontdesk") as ctx:
        first = booking.book(ctx, world.ann, world.baker, "Check-up", "2026-01-05 08:00")
    assert show(find(medoffice_practice, "Check-up", "2026-01-05", provider_id=world.baker, limit=1)) == [
        ("Mon 01-05 08:30", "Dr Baker")]
    with medoffice_practice.operation("frontdesk") as ctx:
        booking.cancel(ctx, first.id, "moved away")
    assert show(find(medoffice_practice, "Check-up", "2026-01-05", provider_id=world.baker, limit=1)) == [
        ("Mon 01-05 08:00", "Dr Baker")]


def test_the_search_is_set_based(medoffice_practice, world):
    """A month for every provider costs a fixed handful of queries, not one per slot: the
    type, who may take it, what it needs, the providers, the templates, the range's
    exceptions, closures, holiday setting and time off, and the range's appointments."""
    with medoffice_practice.operation("frontdesk") as ctx:
        for day in range(6, 10):
            booking.book(ctx, world.ann, world.adams, "Check-up", f"2026-01-{day:02d} 09:00")
    statements = []

    def count(*_args):
        statements.append(1)

    engine = medoffice_practice.runtime.engine
    with medoffice_practice.operation("frontdesk", write=False) as ctx:
        ctx.practice  # noqa: B018  (loaded once per operation, as every command does)
        event.listen(engine, "before_cursor_execute", count)
        try:
            found = slots.find_slots(ctx, "Check-up", "2026-01-05", "2026-02-05", limit=1000)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len(found) > 300
    assert len(statements) <= 10


@pytest.mark.parametrize(("args", "options", "error", "message"), [
    (("Check-up", "2026-01-10", "2026-01-05"), {}, ValidationError, "before the first"),
    (("Check-up", "2026-02-30"), {}, ValidationError, "real date"),
    (("Check-up", "2026-01-05", "2027-06-01"), {}, ValidationError, "at most 366 days"),
    (("Check-up", "2026-01-05"), {"limit": 0}, ValidationError, "limit must be at least 1"),
    (("Massage", "2026-01-05"), {}, NotFound, "no appointment type named 'Massage'"),
    (("Check-up", "2026-01-05"), {"provider_id": 99}, NotFound, "no provider with staff id 99"),
])
def test_bad_searches_are_refused(medoffice_practice, world, args, options, error, message):
    with pytest.raises(error, match=message):
        find(medoffice_practice, *args, **options)


class TestAPatientAlreadyBookedElsewhere:
    """Ann already sees Dr Baker on Monday 08:00-08:30: Dr Adams's and Dr Baker's times that
    overlap it are not offered to her, and still are to Bo."""

    def test_her_own_appointment_holds_her_with_every_provider(self, medoffice_practice, world):
        with medoffice_practice.operation("frontdesk") as ctx:
            booking.book(ctx, world.ann, world.baker, "Long", "2026-01-05 08:00")  # 08:00-10:00 at North
        for_ann = find(medoffice_practice, "Check-up", "2026-01-05", "2026-01-05", limit=3, patient=world.ann)
        assert show(for_ann) == [("Mon 01-05 10:00", "Dr Adams"), ("Mon 01-05 10:30", "Dr Adams"),
                                 ("Mon 01-05 11:00", "Dr Adams")]
        for_bo = find(medoffice_practice, "Check-up", "2026-01-05", "2026-01-05", limit=1, patient=world.bo)
        assert show(for_bo) == [("Mon 01-05 09:00", "Dr Adams")]

    def test_with_one_provider_too(self, medoffice_practice, world):
        """Asked for Dr Adams only, the search still sees her Dr Baker visit (the same query)."""
        with medoffice_practice.operation("frontdesk") as ctx:
            booking.book(ctx, world.ann, world.baker, "Check-up", "2026-01-05 09:00")
        found = find(medoffice_practice, "Check-up", "2026-01-05", "2026-01-05", provider_id=world.adams, limit=2,
                     patient=world.ann)
        assert show(found) == [("Mon 01-05 09:30", "Dr Adams"), ("Mon 01-05 10:00", "Dr Adams")]

    def test_the_patient_costs_one_query_not_one_per_slot(self, medoffice_practice, world):
        """The patient's row is the only statement added: their appointments come with the range's."""
        with medoffice_practice.operation("frontdesk") as ctx:
            for day in range(6, 10):
                booking.book(ctx, world.ann, world.adams, "Check-up", f"2026-01-{day:02d} 09:00")

        def statements_for(**options) -> int:
            counted = []

            def count(*_args):
                counted.append(1)

            engine = medoffice_practice.runtime.engine
            with medoffice_practice.operation("frontdesk", write=False) as ctx:
                ctx.practice  # noqa: B018
                event.listen(engine, "before_cursor_execute", count)
                try:
                    slots.find_slots(ctx, "Check-up", "2026-01-05", "2026-02-05", limit=1000, **options)
                finally:
                    event.remove(engine, "before_cursor_execute", count)
            return len(counted)

        assert statements_for(patient=world.ann) == statements_for() + 1

    def test_an_unknown_patient_is_refused(self, medoffice_practice, world):
        with pytest.raises(NotFound):
            find(medoffice_practice, "Check-up", "2026-01-05", patient="NOPE-1")


def test_the_shell_asks_for_a_patient_and_a_day_as_the_desk_says_it(medoffice_cli, cli_world, cli_clock):
    """``appointments slots --patient MRN --from 2w``: on Monday 2030-03-04, two weeks on is
    Monday 03-18, where Ann already sees Dr Adams at 09:00: Dr Baker's 09:00 is not offered to her."""
    w = cli_world
    cli_clock("2030-03-04 07:00")
    booked = medoffice_cli("appointments", "book", w.ann, "--provider", str(w.adams), "--type", "Check-up",
                           "--at", "2030-03-18 09:00", user="frontdesk")
    assert booked.exit_code == 0, booked.stderr

    def baker_for(*extra):
        result = medoffice_cli("appointments", "slots", "--type", "Check-up", "--provider", str(w.baker),
                               "--from", "2w", "--limit", "3", "--json", *extra, user="frontdesk")
        assert result.exit_code == 0, result.stderr
        return [s["start"][5:16] for s in result.json()]

    assert baker_for("--patient", w.ann) == ["03-18T08:00", "03-18T08:30", "03-18T09:30"]
    assert baker_for("--patient", w.bo) == ["03-18T08:00", "03-18T08:30", "03-18T09:00"]
    bad = medoffice_cli("appointments", "slots", "--type", "Check-up", "--from", "in 999 weeks", user="frontdesk")
    assert (bad.exit_code, bad.stdout) == (1, "")
    assert bad.stderr == "error: 'in 999 weeks' is more than a year ahead: slots are searched at most a year ahead\n"
