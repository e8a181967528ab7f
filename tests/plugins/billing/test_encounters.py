"""Charge entry: an encounter per visit (or by hand), its diagnoses and its charge lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from medoffice.core import PluginInfo, hookimpl
from medoffice.core.errors import Conflict, NotFound, PermissionDenied, PluginError, ValidationError
from medoffice.core.records import AppointmentRecord, ChargeDraft, VisitRecord
from medoffice.core.services import patients
from medoffice.plugins.billing import encounters

pytestmark = pytest.mark.medoffice_plugins("billing")

UTC = dt.timezone.utc


class Neighbour:
    """Another plugin: adds a blood draw to every encounter, or refuses while a note is unsigned."""

    plugin_info = PluginInfo(id="neighbour", title="Neighbour", api_version=1)

    def __init__(self) -> None:
        self.seen = []
        self.answer = None

    @hookimpl
    def medoffice_encounter_charges(self, ctx, encounter):
        self.seen.append(encounter)
        return self.answer


@pytest.fixture
def neighbour():
    return Neighbour()


@pytest.fixture
def medoffice_extra_plugins(neighbour):
    return [neighbour]


def opened(practice, world, mrn=None, **options):
    with practice.operation("billing") as ctx:
        return encounters.open_encounter(ctx, mrn or world.ann, world.adams, **options).encounter.id


class TestOpening:
    def test_a_biller_opens_an_encounter_by_hand_for_today(self, medoffice_practice, world):
        with medoffice_practice.operation("billing") as ctx:
            found = encounters.open_encounter(ctx, world.ann, world.adams, location="main")
        e = found.encounter
        assert (e.status, e.date_of_service, e.appointment_id, found.provider, found.mrn, found.source) == (
            "open", dt.date(2026, 1, 5), None, "Dr Adams", world.ann, "manual")
        assert e.location_id is not None

    def test_no_future_date_no_unknown_provider_and_the_front_desk_cannot(self, medoffice_practice, world):
        with medoffice_practice.operation("billing") as ctx:
            with pytest.raises(ValidationError, match="the date of service 2026-01-06 is in the future"):
                encounters.open_encounter(ctx, world.ann, world.adams, date_of_service="2026-01-06")
            with pytest.raises(NotFound, match="no provider with staff id 99"):
                encounters.open_encounter(ctx, world.ann, 99)
        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("frontdesk") as ctx:
                encounters.open_encounter(ctx, world.ann, world.adams)

    def test_hook_visit_completed_opens_one_encounter_per_visit(self, medoffice_practice, world):
        """Evening in New York is already tomorrow in UTC: the date of service is the local one."""
        with medoffice_practice.operation("frontdesk") as ctx:
            patient = patients.get(ctx, world.ann)
            visit = VisitRecord(AppointmentRecord(41, patient.id, world.adams, "Check-up",
                                                  dt.datetime(2026, 1, 5, 23, 30, tzinfo=UTC),
                                                  dt.datetime(2026, 1, 6, 0, 0, tzinfo=UTC), "completed"),
                                dt.datetime(2026, 1, 6, 0, 0, tzinfo=UTC))
            ctx.hooks.visit_completed(ctx, visit)
            ctx.hooks.visit_completed(ctx, visit)
        with medoffice_practice.operation("billing", write=False) as ctx:
            (found,) = encounters.list_encounters(ctx, mrn=world.ann)
        assert (found.encounter.appointment_id, found.encounter.appointment_type, found.encounter.date_of_service,
                found.source) == (41, "Check-up", dt.date(2026, 1, 5), "visit")


class TestDiagnoses:
    def test_codes_with_or_without_the_dot_are_kept_in_order(self, medoffice_practice, world):
        encounter = opened(medoffice_practice, world)
        with medoffice_practice.operation("billing") as ctx:
            encounters.add_diagnoses(ctx, encounter, ["J06.9", "e119"])
            found = encounters.add_diagnoses(ctx, encounter, ["I10"])
        assert found.encounter.diagnoses == ("J069", "E119", "I10")
        assert found.diagnoses == ("J06.9", "E11.9", "I10")

    def test_unknown_non_billable_and_repeated_codes_are_all_named_and_nothing_added(self, medoffice_practice,
                                                                                    world):
        encounter = opened(medoffice_practice, world)
        with medoffice_practice.operation("billing") as ctx:
            encounters.add_diagnoses(ctx, encounter, ["J06.9"])
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("billing") as ctx:
                encounters.add_diagnoses(ctx, encounter, ["R51.9", "XYZ", "E11", "j069"])
        assert caught.value.message == ("'XYZ' is not an ICD-10-CM code; E11 is not billable: use one of its more "
                                        "specific codes; J06.9 is already a diagnosis of encounter 1")
        with medoffice_practice.operation("billing", write=False) as ctx:
            assert encounters.get_encounter(ctx, encounter).encounter.diagnoses == ("J069",)

    def test_at_most_twelve(self, medoffice_practice, world):
        encounter = opened(medoffice_practice, world)
        codes = ["J069", "E119", "I10", "R519", "M5450", "Z0000", "S72001A", "R051", "R0602", "R079", "R109", "R112"]
        with medoffice_practice.operation("billing") as ctx:
            assert len(encounters.add_diagnoses(ctx, encounter, codes).diagnoses) == 12
            with pytest.raises(ValidationError, match="at most 12 diagnoses"):
                encounters.add_diagnoses(ctx, encounter, ["R42"])


class TestChargeLines:
    def test_a_line_takes_the_fee_schedules_fee_times_units(self, medoffice_practice, world):
        encounter = opened(medoffice_practice, world)
        with medoffice_practice.operation("billing") as ctx:
            encounters.add_diagnoses(ctx, encounter, ["J06.9", "E11.9"])
            encounters.add_charge(ctx, encounter, "99213", modifiers=["25"], pointers=[1, 2])
            found = encounters.add_charge(ctx, encounter, "j3420", units="2", pointers=["2"], fee="30")
        first, second = found.encounter.lines
        assert (first.line_number, first.code, first.modifiers, first.pointers, first.amount, first.source) == (
            1, "99213", ("25",), (1, 2), Decimal("95.00"), "billing")
        assert (second.code, second.units, second.fee, second.amount) == ("J3420", 2, Decimal("30.00"),
                                                                          Decimal("60.00"))
        assert found.total == Decimal("155.00")

    def test_a_pointer_to_no_diagnosis_is_refused_with_everything_else_wrong(self, medoffice_practice, world):
        encounter = opened(medoffice_practice, world)
        with medoffice_practice.operation("billing") as ctx:
            encounters.add_diagnoses(ctx, encounter, ["J06.9"])
        with pytest.raises(ValidationError) as caught:
            with medoffice_practice.operation("billing") as ctx:
                encounters.add_charge(ctx, encounter, "99999", units=0, modifiers=["25", "5"], pointers=[2])
        assert caught.value.errors == {
            "code": "99999 is not in the fee schedule (add it with 'billing fees add')",
            "units": "units must be between 1 and 999, got 0",
            "modifiers": "modifier '5' is not two letters or digits (such as 25 or LT)",
            "pointers": "pointer 2 points to no diagnosis of the encounter (its diagnoses are 1-1)"}
        with medoffice_practice.operation("billing", write=False) as ctx:
            assert encounters.get_encounter(ctx, encounter).encounter.lines == ()

    def test_at_most_four_modifiers_and_four_pointers(self, medoffice_practice, world):
        encounter = opened(medoffice_practice, world)
        with medoffice_practice.operation("billing") as ctx:
            encounters.add_diagnoses(ctx, encounter, ["J069", "E119", "I10", "R519", "R051"])
            with pytest.raises(ValidationError) as caught:
                encounters.add_charge(ctx, encounter, "99213", modifiers=["25", "59", "LT", "RT", "76"],
                                      pointers=[1, 2, 3, 4, 5])
        assert set(caught.value.errors) == {"modifiers", "pointers"}

    def test_a_voided_line_stops_counting_and_a_closed_encounter_is_locked(self, medoffice_practice, world):
        encounter = opened(medoffice_practice, world)
        with medoffice_practice.operation("billing") as ctx:
            line = encounters.add_charge(ctx, encounter, "99214").encounter.lines[0]
            encounters.add_charge(ctx, encounter, "99213")
            with pytest.raises(ValidationError, match="reason is required"):
                encounters.void_charge(ctx, line.id, " ")
            after = encounters.void_charge(ctx, line.id, "wrong level")
            assert [(x.line_number, x.code) for x in after.encounter.lines] == [(2, "99213")]
            encounters.close_encounter(ctx, encounter)
            with pytest.raises(Conflict, match="encounter 1 is closed"):
                encounters.add_charge(ctx, encounter, "99213")


class TestOtherPlugins:
    def test_hook_encounter_charges_adds_a_plugins_lines_when_the_encounter_closes(self, medoffice_practice, world,
                                                                                  neighbour):
        encounter = opened(medoffice_practice, world)
        neighbour.answer = [ChargeDraft("36415", pointers=(1,)), ChargeDraft("81002", units=2)]
        with medoffice_practice.operation("billing") as ctx:
            encounters.add_diagnoses(ctx, encounter, ["E11.9"])
            encounters.add_charge(ctx, encounter, "99213", pointers=[1])
            closed = encounters.close_encounter(ctx, encounter)
        (offered,) = neighbour.seen
        assert (offered.id, offered.diagnoses, [x.code for x in offered.lines]) == (encounter, ("E119",), ["99213"])
        assert [(x.line_number, x.code, x.amount, x.source) for x in closed.encounter.lines] == [
            (1, "99213", Decimal("95.00"), "billing"), (2, "36415", Decimal("12.50"), "neighbour"),
            (3, "81002", Decimal("16.50"), "neighbour")]
        assert (closed.encounter.status, closed.total) == ("closed", Decimal("124.00"))

    def test_hook_encounter_charges_refuses_with_the_plugins_reason(self, medoffice_practice, world, neighbour):
        encounter = opened(medoffice_practice, world)
        neighbour.answer = "the visit note is not signed"
        with pytest.raises(Conflict, match="^cannot close encounter 1: neighbour: the visit note is not signed$"):
            with medoffice_practice.operation("billing") as ctx:
                encounters.close_encounter(ctx, encounter)
        with medoffice_practice.operation("billing", write=False) as ctx:
            assert encounters.get_encounter(ctx, encounter).encounter.status == "open"

    def test_a_bad_line_from_a_plugin_names_the_plugin_and_closes_nothing(self, medoffice_practice, world,
                                                                         neighbour):
        encounter = opened(medoffice_practice, world)
        neighbour.answer = [ChargeDraft("36415", pointers=(3,))]
        with pytest.raises(PluginError, match="plugin 'neighbour': .*pointer 3 points to no diagnosis"):
            with medoffice_practice.operation("billing") as ctx:
                encounters.close_encounter(ctx, encounter)
        with medoffice_practice.operation("billing", write=False) as ctx:
            found = encounters.get_encounter(ctx, encounter).encounter
        assert (found.status, found.lines) == ("open", ())


def test_charge_entry_from_the_shell(medoffice_cli, cli_world):
    opened_ = medoffice_cli("billing", "encounters", "open", cli_world.ann, "--provider", str(cli_world.adams),
                            "--json", user="billing")
    assert opened_.exit_code == 0, opened_.stderr
    number = str(opened_.json()["encounter"]["id"])
    assert medoffice_cli("billing", "encounters", "diagnose", number, "J06.9", user="billing").exit_code == 0
    charged = medoffice_cli("billing", "encounters", "charge", number, "99213", "--modifier", "25", "--pointer", "1",
                            user="billing")
    assert charged.exit_code == 0 and "99213  25" in charged.stdout and "total 95.00" in charged.stdout
    bad = medoffice_cli("billing", "encounters", "charge", number, "99213", "--pointer", "4", user="billing")
    assert (bad.exit_code, bad.stderr) == (
        1, "error: pointer 4 points to no diagnosis of the encounter (its diagnoses are 1-1)\n")
    closed = medoffice_cli("billing", "encounters", "close", number, "--json", user="billing").json()
    assert (closed["encounter"]["status"], closed["total"]) == ("closed", "95.00")
    listed = medoffice_cli("billing", "encounters", "list", "--status", "closed", "--json", user="frontdesk").json()
    assert [e["encounter"]["id"] for e in listed] == [int(number)]
