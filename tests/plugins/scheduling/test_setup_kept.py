"""The set-up a booking reads (types, templates, providers, locations, the practice's zone)
is kept in memory between units of work, so a booking costs a handful of statements, and
another terminal's change of it is seen by the next unit of work, never a stale copy."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from medoffice.core.errors import NotFound, ValidationError
from medoffice.core.services import practice, staff
from medoffice.plugins.scheduling import appointment_lists, availability_rules, booking, catalogue, resources

from .conftest import NOW

pytestmark = pytest.mark.medoffice_plugins("scheduling")


def statements_of(engine, action):
    """The statements ``action`` sends to the database (its own, not the pool's)."""
    sent: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split()[:8]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return sent


def test_a_booking_costs_a_handful_of_statements(medoffice_practice, world):
    """Once the set-up is kept (the provider's exceptions too): the set-up's generations,
    the patient, the insert, and the audit chain's head update and insert, all run by the
    driver with no ORM session (the staff plugin's leave and credentials are kept too:
    tests/plugins/staff/rota/test_booking_checks_kept.py). On SQLite the insert's trigger is
    the overlap check (and the BEGIN goes to the driver, unseen here); PostgreSQL looks for an
    overlap first and adds the NOTIFY for other desks' boards. About 20 before."""
    p = medoffice_practice
    desk = p.record("frontdesk")  # signed in once, as a terminal is

    def book(mrn, at):
        def action():
            with p.runtime.operation(desk) as ctx:
                booking.book(ctx, mrn, world.adams, "Check-up", at)
                made.append(ctx.made_session is not None)
        return action

    made: list[bool] = []

    book(world.ann, "2026-01-06 09:00")()  # the set-up read once, the audit key checked once
    sent = statements_of(p.runtime.engine, book(world.bo, "2026-01-06 10:00"))
    assert [s.split()[0] for s in sent].count("INSERT") == 2  # the visit, the audit row
    assert len(sent) <= (5 if p.runtime.engine.dialect.name == "sqlite" else 7), sent
    assert made[-1] is False, "plain statements on a pooled connection, no ORM session, the audit entry too"

    def day():
        with p.runtime.operation(desk, write=False) as ctx:
            assert len(appointment_lists.day(ctx, "2026-01-06", provider_id=world.adams)) == 2
            assert ctx.made_session is None  # plain statements on a pooled connection, no ORM session

    assert len(statements_of(p.runtime.engine, day)) <= 2  # the generation, the day's rows


@pytest.fixture
def other_terminal(medoffice_practice):
    """Desk B: the same database opened again, as another computer opens it."""
    with medoffice_practice.another_terminal(clock=lambda: NOW) as runtime:
        yield runtime


class TestAnotherTerminalsChange:
    """Desk B has booked (so it keeps the set-up) when the manager changes the set-up at desk A:
    B's next unit of work sees the change."""

    def book_at_b(self, p, runtime, mrn, at, kind="Check-up", provider=None, world=None):
        with runtime.operation(p.record("frontdesk")) as ctx:
            return booking.book(ctx, mrn, provider, kind, at)

    def test_a_new_type_a_closed_template_and_a_renamed_provider_are_seen(self, medoffice_practice, world,
                                                                           other_terminal):
        p = medoffice_practice
        self.book_at_b(p, other_terminal, world.ann, "2026-01-06 09:00", provider=world.adams)
        with pytest.raises(NotFound):
            self.book_at_b(p, other_terminal, world.bo, "2026-01-06 10:00", kind="Massage", provider=world.adams)
        with p.operation("admin") as ctx:
            catalogue.add_type(ctx, "Massage", 45)
            staff.update(ctx, world.adams, {"name": "Dr Adams-Ng"})
            availability_rules.add_closure(ctx, "2026-01-07", reason="floods")
        made = self.book_at_b(p, other_terminal, world.bo, "2026-01-06 10:00", kind="Massage", provider=world.adams)
        assert made.appointment_type == "Massage"
        with other_terminal.operation(p.record("frontdesk"), write=False) as ctx:
            (first, second) = appointment_lists.day(ctx, "2026-01-06", provider_id=world.adams)
        assert second.provider == "Dr Adams-Ng"
        with pytest.raises(ValidationError, match="closed"):
            self.book_at_b(p, other_terminal, world.cy, "2026-01-07 09:00", provider=world.adams)

    def test_who_may_take_a_type_and_a_new_room_are_seen(self, medoffice_practice, world, other_terminal):
        p = medoffice_practice
        self.book_at_b(p, other_terminal, world.ann, "2026-01-06 09:00", provider=world.adams)
        with p.operation("admin") as ctx:
            resources.set_type_providers(ctx, "Check-up", [world.baker])
            practice.add_room(ctx, "Main", "Exam 3")
        with pytest.raises(ValidationError, match="does not take 'Check-up'"):
            self.book_at_b(p, other_terminal, world.bo, "2026-01-06 10:00", provider=world.adams)
        made = self.book_at_b(p, other_terminal, world.bo, "2026-01-06 09:00", provider=world.baker)
        assert made.provider_id == world.baker
        with other_terminal.operation(p.record("frontdesk")) as ctx:
            moved = booking.book(ctx, world.cy, world.baker, "Check-up", "2026-01-06 10:00", room="Exam 3")
        assert moved.room_id is not None

    def test_an_exception_added_or_removed_elsewhere_is_seen_by_the_next_booking(self, medoffice_practice, world,
                                                                                 other_terminal):
        """A provider's exceptions are kept too (sch0009): one added at desk A refuses desk B's
        next booking in it, and removing it frees the time again."""
        p = medoffice_practice
        self.book_at_b(p, other_terminal, world.ann, "2026-01-06 09:00", provider=world.adams)
        with p.operation("admin") as ctx:
            away = availability_rules.add_exception(ctx, world.adams, "meeting", "2026-01-06 10:00",
                                                    "2026-01-06 11:00")
        with pytest.raises(ValidationError, match="away"):
            self.book_at_b(p, other_terminal, world.bo, "2026-01-06 10:00", provider=world.adams)
        with p.operation("admin") as ctx:
            availability_rules.remove_exception(ctx, away.id)
        made = self.book_at_b(p, other_terminal, world.bo, "2026-01-06 10:00", provider=world.adams)
        assert made.provider_id == world.adams

    def test_a_change_in_the_same_unit_of_work_is_read_at_once_and_a_rolled_back_one_never(
            self, medoffice_practice, world):
        p = medoffice_practice
        with p.operation("admin") as ctx:
            catalogue.kind_named(ctx, "Check-up")  # kept
            catalogue.add_type(ctx, "Massage", 45)
            assert catalogue.kind_named(ctx, "Massage").duration_minutes == 45
        with pytest.raises(RuntimeError), p.operation("admin") as ctx:
            catalogue.add_type(ctx, "Reiki", 30)
            assert catalogue.kind_named(ctx, "Reiki").duration_minutes == 30
            raise RuntimeError("changed my mind")
        with p.operation("frontdesk", write=False) as ctx, pytest.raises(NotFound, match="Massage"):
            catalogue.kind_named(ctx, "Reiki")


def test_a_change_not_flushed_yet_is_read_too(medoffice_practice, world):
    """A change made on a row and not yet sent to the database is what the unit of work reads."""
    from sqlalchemy import select

    from medoffice.core.storage.models import Staff

    p = medoffice_practice
    with p.operation("admin") as ctx:
        assert catalogue.provider(ctx, world.adams).name == "Dr Adams"  # kept
        ctx.session.execute(select(Staff).where(Staff.id == world.adams)).scalar_one().name = "Dr Adams-Ng"
        assert catalogue.provider(ctx, world.adams).name == "Dr Adams-Ng"
