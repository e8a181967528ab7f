"""The scheduling plugin keeps its facts in its own tables; the audit log only records them.

The iCalendar ``SEQUENCE`` and ``LAST-MODIFIED`` of an appointment and the slot a waitlist
offer made were read back from the audit log. They are now columns and rows of the plugin
(migration sch0006), and a practice that upgrades keeps what the audit log said: no
calendar sees an appointment's ``SEQUENCE`` go backwards, and a pending offer still says
which slot it offered.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from alembic import command
from icalendar import Calendar
from sqlalchemy import inspect

from medoffice.core.services import patient_merge
from medoffice.core.storage import migrate
from medoffice.plugins import scheduling
from medoffice.plugins.scheduling import booking, day_flow, exports, models, waitlist

pytestmark = pytest.mark.medoffice_plugins("scheduling")

UTC = dt.timezone.utc
PLUGINS = Path(scheduling.__file__).resolve().parent.parent


def sequences(practice, provider, day, user="frontdesk") -> dict[int, tuple[int, str, dt.datetime]]:
    """Appointment id -> (SEQUENCE, STATUS, LAST-MODIFIED) of the provider's events that day."""
    with practice.operation(user) as ctx:
        text = exports.calendar(ctx, provider, day, day, include_cancelled=True).ics
    return {int(re.match(r"appointment-(\d+)@", str(e["UID"])).group(1)):
            (int(e["SEQUENCE"]), str(e["STATUS"]), e.decoded("LAST-MODIFIED"))
            for e in Calendar.from_ical(text).walk("VEVENT")}


def offered(practice) -> list[tuple]:
    with practice.operation("frontdesk", write=False) as ctx:
        return [(o.entry.id, o.start, o.end, o.provider, o.location, o.freed_appointment_id, o.cause)
                for o in waitlist.offers(ctx)]


def a_busy_tuesday(practice, world, practice_clock) -> dict[str, int]:
    """Ann moved twice, Bo cancelled (Cy, waiting, is offered his slot), Dee missed hers."""
    with practice.operation("frontdesk") as ctx:
        from .conftest import register

        dee = register(ctx, "Dee")
        ann = booking.book(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00")
        bo = booking.book(ctx, world.bo, world.adams, "Check-up", "2026-01-06 10:00")
        missed = booking.book(ctx, dee, world.adams, "Check-up", "2026-01-06 11:00")
        waitlist.add(ctx, world.cy, "Check-up")
    with practice.operation("frontdesk") as ctx:
        booking.move(ctx, ann.id, "2026-01-06 13:00")
        booking.move(ctx, ann.id, "2026-01-06 14:00")
        booking.cancel(ctx, bo.id, "feeling better")
    practice_clock("2026-01-06 11:20")
    with practice.operation("frontdesk") as ctx:
        day_flow.no_show(ctx, missed.id)
    return {"ann": ann.id, "bo": bo.id, "dee": missed.id}


def scheduling_config(conn):
    return migrate.alembic_config(conn, "scheduling", scheduling.MIGRATIONS, models.Base.metadata)


def test_sequence_counts_moves_cancellations_and_no_shows(medoffice_practice, world, practice_clock):
    ids = a_busy_tuesday(medoffice_practice, world, practice_clock)
    found = sequences(medoffice_practice, world.adams, "2026-01-06")
    assert {i: s[:2] for i, s in found.items()} == {
        ids["ann"]: (2, "CONFIRMED"), ids["bo"]: (1, "CANCELLED"), ids["dee"]: (1, "CANCELLED")}
    assert found[ids["dee"]][2] == dt.datetime(2026, 1, 6, 16, 20, tzinfo=UTC)  # the no-show, 11:20 EST


def test_a_missed_patient_who_turns_up_is_back_in_the_calendar_with_a_higher_sequence(
        medoffice_practice, world, practice_clock):
    """CANCELLED to CONFIRMED is a change a calendar must take: SEQUENCE rises, and again
    when the check-in is taken back and the appointment is a no-show once more."""
    ids = a_busy_tuesday(medoffice_practice, world, practice_clock)
    practice_clock("2026-01-06 11:25")
    with medoffice_practice.operation("frontdesk") as ctx:
        day_flow.check_in(ctx, ids["dee"])
    assert sequences(medoffice_practice, world.adams, "2026-01-06")[ids["dee"]][:2] == (2, "CONFIRMED")
    with medoffice_practice.operation("frontdesk") as ctx:
        day_flow.undo(ctx, ids["dee"])
    assert sequences(medoffice_practice, world.adams, "2026-01-06")[ids["dee"]][:2] == (3, "CANCELLED")


def test_a_merge_of_the_patient_does_not_send_the_sequence_back(medoffice_practice, world, practice_clock):
    """The audit entries of a moved appointment name the patient it had then; after a merge
    the appointment is another patient's, and its revisions stay with it."""
    ids = a_busy_tuesday(medoffice_practice, world, practice_clock)
    with medoffice_practice.operation("admin") as ctx:
        patient_merge.merge(ctx, world.bo, world.ann)
    assert sequences(medoffice_practice, world.adams, "2026-01-06")[ids["ann"]][:2] == (2, "CONFIRMED")


def test_an_upgraded_practice_keeps_its_sequences_and_pending_offers(medoffice_practice, world, practice_clock):
    """Back to sch0005 (no revision columns, no offer table), then up again: the migration
    fills both from the audit log, and the export and the offers read exactly as before."""
    a_busy_tuesday(medoffice_practice, world, practice_clock)
    calendar_before = sequences(medoffice_practice, world.adams, "2026-01-06")
    offers_before = offered(medoffice_practice)
    assert len(offers_before) == 1 and offers_before[0][1] is not None  # Cy, offered Bo's 10:00
    with medoffice_practice.runtime.engine.begin() as conn:
        command.downgrade(scheduling_config(conn), "sch0005")
        columns = {c["name"] for c in inspect(conn).get_columns("scheduling_appointment")}
        assert "revision" not in columns and "scheduling_waitlist_offer" not in inspect(conn).get_table_names()
        command.upgrade(scheduling_config(conn), "head")
    assert sequences(medoffice_practice, world.adams, "2026-01-06") == calendar_before
    assert offered(medoffice_practice) == offers_before


def test_no_plugin_reads_the_audit_log():
    """Plugins write audit entries (ctx.audit) and never query them back as data."""
    readers = []
    for path in sorted(PLUGINS.rglob("*.py")):
        if "migrations" in path.parts:  # sch0006 fills the new tables from it, once
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bAuditRow\b|\biter_entries\b|\bto_entry\b|core_audit", text):
            readers.append(str(path.relative_to(PLUGINS)))
    assert readers == []
