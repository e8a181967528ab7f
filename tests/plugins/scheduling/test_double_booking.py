"""No double booking, enforced by the database and safe under concurrent terminals."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest

from medoffice.core.errors import SlotTaken
from medoffice.plugins.scheduling import appointment_lists, booking
from medoffice.plugins.scheduling.models import Appointment

pytestmark = pytest.mark.medoffice_plugins("scheduling")

UTC = dt.timezone.utc


def book(practice, mrn, provider, at, **options):
    with practice.operation("frontdesk") as ctx:
        return booking.book(ctx, mrn, provider, "Check-up", at, **options)


class TestTheDatabaseBackstop:
    def test_an_overlap_that_gets_past_the_service_is_refused_as_slot_taken(self, medoffice_practice, world,
                                                                           monkeypatch):
        """With the service's own check switched off, the constraint or trigger still refuses."""
        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        monkeypatch.setattr(booking, "conflicts", lambda ctx, **kw: [])
        with pytest.raises(SlotTaken, match=r"^slot taken: the (provider|provider, room or patient) is already booked"):
            book(medoffice_practice, world.bo, world.adams, "2026-01-06 09:10")
        with pytest.raises(SlotTaken, match=r"^slot taken"):
            book(medoffice_practice, world.ann, world.baker, "2026-01-06 09:10")  # the same patient
        book(medoffice_practice, world.cy, world.adams, "2026-01-06 09:30")    # back to back is fine
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert len(appointment_lists.day(ctx, "2026-01-06")) == 2

    def test_the_room_is_guarded_and_no_room_is_not_a_room(self, medoffice_practice, world, monkeypatch):
        monkeypatch.setattr(booking, "conflicts", lambda ctx, **kw: [])
        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00", room="Exam 1")
        with pytest.raises(SlotTaken, match=r"^slot taken"):
            book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:00", room="Exam 1")
        book(medoffice_practice, world.bo, world.baker, "2026-01-06 09:00")  # two bookings without a room
        book(medoffice_practice, world.cy, world.baker, "2026-01-06 10:00")

    def test_a_move_onto_a_taken_slot_is_refused_by_the_database_too(self, medoffice_practice, world, monkeypatch):
        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        second = book(medoffice_practice, world.bo, world.adams, "2026-01-06 10:00")
        monkeypatch.setattr(booking, "conflicts", lambda ctx, **kw: [])
        with pytest.raises(SlotTaken, match=r"^slot taken"):
            with medoffice_practice.operation("frontdesk") as ctx:
                booking.move(ctx, second.id, "2026-01-06 09:15")

    def test_cancelled_no_show_and_overbooked_rows_do_not_hold_the_slot(self, medoffice_practice, world):
        first = book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        with medoffice_practice.operation("admin") as ctx:
            template = ctx.session.get(Appointment, first.id)
            for status, overbooked in (("cancelled", False), ("no_show", False), ("booked", True)):
                ctx.session.add(Appointment(
                    patient_id=template.patient_id, provider_id=world.adams, type_id=template.type_id,
                    location_id=template.location_id, starts_at=template.starts_at, ends_at=template.ends_at,
                    status=status, overbooked=overbooked, booked_at=template.booked_at, booked_by="admin"))
            ctx.session.flush()
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert len(appointment_lists.day(ctx, "2026-01-06")) == 4


WORKERS = 4
SLOTS = ["2026-01-06 09:00", "2026-01-06 09:30", "2026-01-06 10:00", "2026-01-06 10:30", "2026-01-06 11:00",
         "2026-01-06 11:30"]
"""Every worker tries every slot (half of them in reverse order)."""


@pytest.mark.parametrize("shared", ["provider", "patient", "room"])
def test_concurrent_terminals_never_double_book_and_never_lose_a_booking(medoffice_practice, world, monkeypatch,
                                                                         make_npi, shared):
    """Four processes race for one provider, one patient or one room (everything else their own):
    exactly one booking wins each slot, every other attempt is 'slot taken', every win is stored."""
    from pathlib import Path

    from medoffice.core.services import patients, staff
    from medoffice.plugins.scheduling import catalogue

    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    import race_worker  # a top-level module, so that spawned processes can import it too

    with medoffice_practice.operation("admin") as ctx:
        mrns = [patients.register(ctx, {"first_name": f"Racer{i}", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                        "sex": "m"}).patient.mrn for i in range(WORKERS)]
        providers = [world.adams, world.baker]
        for i in range(2, WORKERS):
            providers.append(staff.add(ctx, {"name": f"Dr Racer{i}", "role": "physician", "is_provider": True,
                                             "npi": make_npi(10 + i)}).id)
            catalogue.add_template(ctx, providers[-1], "tue", "09:00", "12:00", "Main")
    plans = [(mrns[0] if shared == "patient" else mrns[w], world.adams if shared == "provider" else providers[w],
              "Exam 1" if shared == "room" else None) for w in range(WORKERS)]
    settings = medoffice_practice.runtime.settings
    spawn = multiprocessing.get_context("spawn")
    ready, go, results = spawn.Semaphore(0), spawn.Event(), spawn.Queue()
    processes = [spawn.Process(target=race_worker.book_all,
                               args=(medoffice_practice.url, str(settings.audit_key_file), str(settings.config_dir),
                                     worker, *plans[worker], SLOTS if worker % 2 == 0 else SLOTS[::-1],
                                     ready, go, results))
                 for worker in range(WORKERS)]
    for process in processes:
        process.start()
    try:
        for _ in processes:
            assert ready.acquire(timeout=120), "a worker did not start"
        go.set()
        outcomes = [results.get(timeout=180) for _ in range(WORKERS * len(SLOTS))]
    finally:
        for process in processes:
            process.join(timeout=60)
    assert [p.exitcode for p in processes] == [0] * WORKERS

    assert [o for o in outcomes if o[2] == "error"] == []
    for start in SLOTS:
        kinds = sorted(o[2] for o in outcomes if o[1] == start)
        assert kinds == ["slot_taken"] * (WORKERS - 1) + ["won"], start
    refusals = [o[3] for o in outcomes if o[2] == "slot_taken"]
    assert all(message.startswith("slot taken: ") for message in refusals), refusals
    won = sorted(o[3] for o in outcomes if o[2] == "won")
    with medoffice_practice.operation("admin", write=False) as ctx:
        stored = appointment_lists.day(ctx, "2026-01-06")
    assert sorted(v.id for v in stored) == won
    assert sorted(f"{v.start:%Y-%m-%d %H:%M}" for v in stored) == SLOTS
    from medoffice.core import audit

    report = audit.verify_practice(medoffice_practice.runtime, medoffice_practice.record("admin"))
    assert report.ok, report  # the racing terminals' entries make one chain
