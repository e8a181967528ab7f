"""Setting up: appointment types and providers' weekly availability."""

from __future__ import annotations

import datetime as dt

import pytest

from medoffice.core import audit
from medoffice.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from medoffice.plugins.scheduling import catalogue

pytestmark = pytest.mark.medoffice_plugins("scheduling")


def add_type(practice, *args, user="manager", **options):
    with practice.operation(user) as ctx:
        return catalogue.add_type(ctx, *args, **options)


def add_template(practice, *args, user="manager"):
    with practice.operation(user) as ctx:
        return catalogue.add_template(ctx, *args)


def types(practice):
    with practice.operation("frontdesk", write=False) as ctx:
        return catalogue.list_types(ctx)


def templates(practice, provider_id=None):
    with practice.operation("frontdesk", write=False) as ctx:
        return catalogue.list_templates(ctx, provider_id)


class TestAppointmentTypes:
    def test_a_type_is_listed_by_name_and_audited(self, medoffice_practice):
        added = add_type(medoffice_practice, " Vaccination ", "10", colour="yellow", patient_kind="Established")
        other = add_type(medoffice_practice, "Annual exam", 40)
        assert [(t.name, t.duration_minutes, t.colour, t.patient_kind) for t in types(medoffice_practice)] == [
            ("Annual exam", 40, "blue", "any"), ("Vaccination", 10, "yellow", "established")]
        with medoffice_practice.operation("admin", write=False) as ctx:
            found = audit.iter_entries(ctx.session, action="appointment_type.added")
            assert sorted((e.username, e.entity_id) for e in found) == [("manager", str(added.id)),
                                                                        ("manager", str(other.id))]

    @pytest.mark.parametrize("minutes", [0, -5, "ten", "1441"])
    def test_a_duration_must_be_above_zero_minutes(self, medoffice_practice, minutes):
        with pytest.raises(ValidationError, match="duration must be"):
            add_type(medoffice_practice, "Quick", minutes)
        assert types(medoffice_practice) == []

    def test_every_bad_field_is_reported_at_once(self, medoffice_practice):
        with pytest.raises(ValidationError) as info:
            add_type(medoffice_practice, " ", 0, patient_kind="old")
        assert set(info.value.errors) == {"name", "duration", "patient_kind"}

    def test_names_are_unique(self, medoffice_practice):
        add_type(medoffice_practice, "Check-up", 30)
        with pytest.raises(Conflict, match="already an appointment type named 'Check-up'"):
            add_type(medoffice_practice, "Check-up", 20)

    def test_the_front_desk_may_not_set_up_types(self, medoffice_practice):
        with pytest.raises(PermissionDenied, match="scheduling.manage"):
            add_type(medoffice_practice, "Check-up", 30, user="frontdesk")


class TestAvailability:
    def test_templates_are_listed_per_provider_by_weekday(self, medoffice_practice, world):
        mine = templates(medoffice_practice, world.baker)
        assert [(t.day_name, f"{t.start_time:%H:%M}", f"{t.end_time:%H:%M}", t.location) for t in mine] == [
            ("mon", "08:00", "10:00", "North"), ("tue", "09:00", "12:00", "Main"), ("wed", "08:00", "10:00", "North")]
        assert mine[0].provider == "Dr Baker"
        assert len(templates(medoffice_practice)) == 15

    @pytest.mark.parametrize(("weekday", "start", "end", "field", "message"), [
        ("thu", "12:00", "09:00", "end", "must be after the start"),
        ("thu", "09:00", "09:00", "end", "must be after the start"),
        ("thu", "25:00", "26:00", "start", "HH:MM"),
        ("someday", "09:00", "10:00", "weekday", "weekday must be one of"),
    ])
    def test_bad_hours_are_refused(self, medoffice_practice, world, weekday, start, end, field, message):
        before = templates(medoffice_practice)
        with pytest.raises(ValidationError) as info:
            add_template(medoffice_practice, world.baker, weekday, start, end, "Main")
        assert message in info.value.errors[field]
        assert templates(medoffice_practice) == before

    def test_unknown_provider_a_non_provider_and_unknown_location(self, medoffice_practice, world):
        with pytest.raises(NotFound, match="no provider with staff id 99"):
            add_template(medoffice_practice, 99, "thu", "09:00", "10:00", "Main")
        with pytest.raises(ValidationError, match="is not a provider"):
            add_template(medoffice_practice, world.clerk, "thu", "09:00", "10:00", "Main")
        with pytest.raises(NotFound, match="no location named 'South'"):
            add_template(medoffice_practice, world.baker, "thu", "09:00", "10:00", "South")

    def test_overlapping_blocks_of_one_provider_are_a_conflict(self, medoffice_practice, world):
        with pytest.raises(Conflict, match="Dr Baker is already available mon 08:00-10:00"):
            add_template(medoffice_practice, world.baker, "Monday", "09:30", "11:00", "Main")
        added = add_template(medoffice_practice, world.baker, "monday", "10:00", "11:00", "Main")
        assert (added.weekday, added.start_time) == (0, dt.time(10))
