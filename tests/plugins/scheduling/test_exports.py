"""A provider's schedule leaves the practice as iCalendar (RFC 5545) or FHIR R4 JSON.

The world's practice is in America/New_York (see conftest.py): the clocks go forward on
Sunday 2026-03-08 (02:00 EST -> 03:00 EDT). Calendars are parsed back with ``icalendar``;
FHIR Bundles are checked against the R4B models of ``fhir.resources`` (Schedule, Slot and
Appointment are the same in R4 and R4B) and value by value.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from icalendar import Calendar

from medoffice.core.errors import NotFound, PermissionDenied, ValidationError
from medoffice.plugins.scheduling import booking, day_flow, exports, fhir

pytestmark = pytest.mark.medoffice_plugins("scheduling")

UTC = dt.timezone.utc


def at(*args):
    return dt.datetime(*args, tzinfo=UTC)


def book(medoffice_practice, mrn, provider, when, kind="Check-up", **options):
    with medoffice_practice.operation("frontdesk") as ctx:
        return booking.book(ctx, mrn, provider, kind, when, **options)


def ics(medoffice_practice, provider, first, last, user="frontdesk", **options) -> Calendar:
    with medoffice_practice.operation(user) as ctx:
        result = exports.calendar(ctx, provider, first, last, **options)
    return Calendar.from_ical(result.ics)


def events(calendar: Calendar) -> dict[str, dict]:
    return {str(e["UID"]): {"start": e.decoded("DTSTART"), "end": e.decoded("DTEND"), "summary": str(e["SUMMARY"]),
                            "location": str(e.get("LOCATION", "")), "status": str(e["STATUS"]),
                            "sequence": int(e["SEQUENCE"])}
            for e in calendar.walk("VEVENT")}


def bundle(medoffice_practice, first, last, user="billing", **options) -> dict:
    with medoffice_practice.operation(user) as ctx:
        found = fhir.export_bundle(ctx, first, last, **options)
    Bundle.model_validate(found)  # a valid FHIR Bundle, its resources included
    return found


def resources(found: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in found["entry"] if e["resource"]["resourceType"] == kind]


def uuid_of(medoffice_practice, kind: str, key) -> str:
    """The id the practice gives the record's resource (the same in every export)."""
    from medoffice.core import fhir as core_fhir

    with medoffice_practice.operation("admin", write=False) as ctx:
        return core_fhir.ids_for(ctx).id(kind, key)


def appointment_number(resource: dict) -> str:
    (identifier,) = resource["identifier"]
    assert identifier["system"] == "urn:medoffice:appointment"
    return identifier["value"]


class TestICalendar:
    def test_a_providers_week_parses_back_with_one_event_per_booking(self, medoffice_practice, world):
        """Ann Lee's check-up in Exam 1 and Bo Lee's long visit; Dr Baker's patient is not in Dr Adams's file."""
        first = book(medoffice_practice, world.ann, world.adams, "2026-03-03 09:00", room="Exam 1")
        second = book(medoffice_practice, world.bo, world.adams, "2026-03-05 13:00", kind="Long")
        book(medoffice_practice, world.cy, world.baker, "2026-03-04 08:00")
        calendar = ics(medoffice_practice, world.adams, "2026-03-02", "2026-03-08")
        assert str(calendar["VERSION"]) == "2.0" and str(calendar["METHOD"]) == "PUBLISH"
        assert events(calendar) == {
            f"appointment-{first.id}@test-practice": {
                "start": at(2026, 3, 3, 14), "end": at(2026, 3, 3, 14, 30), "summary": "Check-up A.L.",
                "location": "Main, Exam 1", "status": "CONFIRMED", "sequence": 0},
            f"appointment-{second.id}@test-practice": {
                "start": at(2026, 3, 5, 18), "end": at(2026, 3, 5, 20), "summary": "Long B.L.",
                "location": "Main", "status": "CONFIRMED", "sequence": 0},
        }
        (event, _) = calendar.walk("VEVENT")
        assert event.decoded("DTSTAMP") == at(2026, 1, 5, 12)  # the practice's clock at the export

    def test_the_file_shows_initials_only(self, medoffice_practice, world):
        """Minimum necessary: no name, no MRN, no note leaves the building."""
        book(medoffice_practice, world.ann, world.adams, "2026-03-03 09:00", note="chest pain")
        with medoffice_practice.operation("frontdesk") as ctx:
            text = exports.calendar(ctx, world.adams, "2026-03-03", "2026-03-03").ics
        assert "A.L." in text
        for secret in ("Ann", "Lee", world.ann, "chest pain", "1970"):
            assert secret not in text

    def test_times_are_utc_instants_across_the_spring_change(self, medoffice_practice, world):
        """09:00 is 14:00Z in winter and 13:00Z in summer; a visit over the skipped hour lasts its real length."""
        friday = book(medoffice_practice, world.ann, world.adams, "2026-03-06 09:00")
        night = book(medoffice_practice, world.bo, world.adams, "2026-03-08 01:00", kind="Long")
        monday = book(medoffice_practice, world.cy, world.adams, "2026-03-09 09:00")
        calendar = ics(medoffice_practice, world.adams, "2026-03-06", "2026-03-09")
        found = {uid.split("@")[0]: (e["start"], e["end"]) for uid, e in events(calendar).items()}
        assert found == {
            f"appointment-{friday.id}": (at(2026, 3, 6, 14), at(2026, 3, 6, 14, 30)),
            f"appointment-{night.id}": (at(2026, 3, 8, 6), at(2026, 3, 8, 8)),  # 01:00 EST to 04:00 EDT
            f"appointment-{monday.id}": (at(2026, 3, 9, 13), at(2026, 3, 9, 13, 30)),
        }
        with medoffice_practice.operation("frontdesk") as ctx:
            text = exports.calendar(ctx, world.adams, "2026-03-08", "2026-03-08").ics
        assert "DTSTART:20260308T060000Z\r\n" in text and "DTEND:20260308T080000Z\r\n" in text
        assert "VTIMEZONE" not in text

    def test_a_move_keeps_the_uid_and_raises_the_sequence(self, medoffice_practice, world):
        """Re-importing a newer export updates the event rather than adding a second one."""
        record = book(medoffice_practice, world.ann, world.adams, "2026-03-03 09:00")
        uid = f"appointment-{record.id}@test-practice"
        assert events(ics(medoffice_practice, world.adams, "2026-03-02", "2026-03-06"))[uid]["sequence"] == 0
        medoffice_practice.runtime.clock = lambda: at(2026, 1, 6, 15, 45)
        with medoffice_practice.operation("frontdesk") as ctx:
            booking.move(ctx, record.id, "2026-03-04 10:00")
        calendar = ics(medoffice_practice, world.adams, "2026-03-02", "2026-03-06")
        moved = events(calendar)
        assert list(moved) == [uid]
        assert (moved[uid]["start"], moved[uid]["sequence"]) == (at(2026, 3, 4, 15), 1)
        (event,) = calendar.walk("VEVENT")
        assert (event.decoded("CREATED"), event.decoded("LAST-MODIFIED")) == (at(2026, 1, 5, 12),
                                                                              at(2026, 1, 6, 15, 45))

    def test_cancelled_and_no_shows_are_left_out_unless_asked_for(self, medoffice_practice, world, practice_clock):
        kept = book(medoffice_practice, world.ann, world.adams, "2026-03-03 09:00")
        cancelled = book(medoffice_practice, world.bo, world.adams, "2026-03-03 10:00")
        missed = book(medoffice_practice, world.cy, world.adams, "2026-03-03 11:00")
        practice_clock("2026-03-03 11:20")  # Cy is 20 minutes late: a no-show
        with medoffice_practice.operation("frontdesk") as ctx:
            booking.cancel(ctx, cancelled.id, "patient called")
            day_flow.no_show(ctx, missed.id)
        assert [uid.split("@")[0] for uid in events(ics(medoffice_practice, world.adams, "2026-03-03", "2026-03-03"))] \
            == [f"appointment-{kept.id}"]
        everything = events(ics(medoffice_practice, world.adams, "2026-03-03", "2026-03-03", include_cancelled=True))
        assert {uid.split("@")[0]: (e["status"], e["sequence"]) for uid, e in everything.items()} == {
            f"appointment-{kept.id}": ("CONFIRMED", 0),
            f"appointment-{cancelled.id}": ("CANCELLED", 1),
            f"appointment-{missed.id}": ("CANCELLED", 1),
        }

    def test_the_export_is_audited(self, medoffice_practice, world):
        from medoffice.core.audit import iter_entries

        book(medoffice_practice, world.ann, world.adams, "2026-03-03 09:00")
        ics(medoffice_practice, world.adams, "2026-03-02", "2026-03-08")
        with medoffice_practice.operation("admin", write=False) as ctx:
            (entry,) = iter_entries(ctx.session, action="schedule.exported")
        assert (entry.username, entry.entity, entry.entity_id) == ("frontdesk", "provider", str(world.adams))
        assert entry.summary == {"format": "ics", "from": "2026-03-02", "to": "2026-03-08", "events": 1,
                                 "include_cancelled": False}


class TestFhir:
    def test_every_status_maps_to_its_fhir_status(self, medoffice_practice, world, practice_clock):
        ids = {}
        for status, (mrn, clock) in {"booked": (world.ann, "09:00"), "arrived": (world.bo, "09:30"),
                                     "in_room": (world.cy, "10:00"), "completed": (world.ann, "10:30"),
                                     "cancelled": (world.bo, "11:00"), "no_show": (world.cy, "11:30")}.items():
            ids[status] = book(medoffice_practice, mrn, world.adams, f"2026-03-03 {clock}").id
        practice_clock("2026-03-03 11:45")  # that day, after the last start
        with medoffice_practice.operation("frontdesk") as ctx:
            for status in ("arrived", "in_room", "completed"):
                day_flow.check_in(ctx, ids[status])
            day_flow.room(ctx, ids["in_room"])
            day_flow.room(ctx, ids["completed"], "Exam 2")
            day_flow.complete(ctx, ids["completed"])
            booking.cancel(ctx, ids["cancelled"], "patient called")
            day_flow.no_show(ctx, ids["no_show"])
        found = bundle(medoffice_practice, "2026-03-03", "2026-03-03", provider_id=world.adams)
        by_id = {appointment_number(a): a for a in resources(found, "Appointment")}
        assert {status: by_id[str(i)]["status"] for status, i in ids.items()} == {
            "booked": "booked", "arrived": "arrived", "in_room": "checked-in", "completed": "fulfilled",
            "cancelled": "cancelled", "no_show": "noshow"}
        assert by_id[str(ids["cancelled"])]["cancelationReason"] == {"text": "patient called"}
        assert "cancelationReason" not in by_id[str(ids["no_show"])]
        busy = {s["id"] for s in resources(found, "Slot") if s["status"] == "busy"}
        assert busy == {uuid_of(medoffice_practice, "Slot", f"appointment-{ids[s]}")
                        for s in ("booked", "arrived", "in_room", "completed")}

    def test_an_appointment_in_detail(self, medoffice_practice, world):
        record = book(medoffice_practice, world.ann, world.adams, "2026-03-08 01:00", kind="Long", room="Exam 1",
                      note="not for export")
        found = bundle(medoffice_practice, "2026-03-08", "2026-03-08", provider_id=world.adams)
        (appointment,) = resources(found, "Appointment")
        with medoffice_practice.operation("admin", write=False) as ctx:
            main = next(loc.id for loc in ctx.practice.locations if loc.name == "Main")
        url = {kind: f"urn:uuid:{uuid_of(medoffice_practice, kind, key)}" for kind, key in (
            ("Practitioner", world.adams), ("Location", main), ("Slot", f"appointment-{record.id}"))}
        assert appointment == {
            "resourceType": "Appointment", "id": uuid_of(medoffice_practice, "Appointment", record.id),
            "identifier": [{"system": "urn:medoffice:appointment", "value": str(record.id)}], "status": "booked",
            "serviceType": [{"text": "Long"}], "appointmentType": {"text": "Long"},
            "start": "2026-03-08T06:00:00Z", "end": "2026-03-08T08:00:00Z", "minutesDuration": 120,
            "created": "2026-01-05T12:00:00Z",
            "participant": [
                {"actor": {"type": "Patient", "identifier": {
                    "use": "usual", "system": "urn:medoffice:mrn", "value": world.ann,
                    "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}}},
                 "required": "required", "status": "accepted"},
                {"actor": {"reference": url["Practitioner"]}, "required": "required", "status": "accepted"},
                {"actor": {"reference": url["Location"], "display": "Main, Exam 1"}, "required": "required",
                 "status": "accepted"}],
            "slot": [{"reference": url["Slot"]}],
        }
        assert "not for export" not in json.dumps(found)

    def test_one_schedule_per_provider_with_its_practitioner_and_horizon(self, medoffice_practice, world, make_npi):
        found = bundle(medoffice_practice, "2026-03-02", "2026-03-08")
        assert found["resourceType"] == "Bundle" and found["type"] == "collection"
        schedules = {s["id"]: s for s in resources(found, "Schedule")}
        ids = {who: uuid_of(medoffice_practice, "Schedule", who) for who in (world.adams, world.baker)}
        assert set(schedules) == set(ids.values())
        assert schedules[ids[world.adams]] == {
            "resourceType": "Schedule", "id": ids[world.adams], "active": True,
            "actor": [{"reference": f"urn:uuid:{uuid_of(medoffice_practice, 'Practitioner', world.adams)}",
                       "display": "Dr Adams"}],
            "planningHorizon": {"start": "2026-03-02T05:00:00Z", "end": "2026-03-09T04:00:00Z"}}
        practitioners = {p["id"]: p for p in resources(found, "Practitioner")}
        assert practitioners[uuid_of(medoffice_practice, "Practitioner", world.baker)]["identifier"] == [
            {"system": "http://hl7.org/fhir/sid/us-npi", "value": make_npi(2)}]
        # staff who is not a provider has no schedule
        assert uuid_of(medoffice_practice, "Practitioner", world.clerk) not in practitioners

    def test_free_and_busy_slots_of_one_morning(self, medoffice_practice, world):
        """Dr Baker, Wednesday 08:00-10:00 at North: 08:30 is booked, three half hours are free."""
        taken = book(medoffice_practice, world.ann, world.baker, "2026-01-07 08:30")
        found = bundle(medoffice_practice, "2026-01-07", "2026-01-07", provider_id=world.baker, slot_type="check-up")
        schedule = f"urn:uuid:{uuid_of(medoffice_practice, 'Schedule', world.baker)}"
        assert [(s["status"], s["start"], s["end"], s["appointmentType"]["text"], s["schedule"]["reference"])
                for s in resources(found, "Slot")] == [
            ("free", "2026-01-07T13:00:00Z", "2026-01-07T13:30:00Z", "Check-up", schedule),
            ("busy", "2026-01-07T13:30:00Z", "2026-01-07T14:00:00Z", "Check-up", schedule),
            ("free", "2026-01-07T14:00:00Z", "2026-01-07T14:30:00Z", "Check-up", schedule),
            ("free", "2026-01-07T14:30:00Z", "2026-01-07T15:00:00Z", "Check-up", schedule),
        ]
        assert resources(found, "Slot")[1]["id"] == uuid_of(medoffice_practice, "Slot", f"appointment-{taken.id}")

    def test_free_slots_default_to_the_shortest_type(self, medoffice_practice, world):
        found = bundle(medoffice_practice, "2026-01-07", "2026-01-07", provider_id=world.baker)
        free = resources(found, "Slot")
        assert len(free) == 8 and {s["appointmentType"]["text"] for s in free} == {"Follow-up"}

    def test_the_bundle_is_audited_and_every_entry_is_unique(self, medoffice_practice, world):
        from medoffice.core.audit import iter_entries

        book(medoffice_practice, world.ann, world.adams, "2026-01-06 09:00")
        found = bundle(medoffice_practice, "2026-01-05", "2026-01-11")
        urls = [e["fullUrl"] for e in found["entry"]]
        assert len(urls) == len(set(urls)) and "total" not in found
        with medoffice_practice.operation("admin", write=False) as ctx:
            (entry,) = iter_entries(ctx.session, action="schedule.exported")
        assert (entry.username, entry.summary["format"], entry.summary["appointments"]) == ("billing", "fhir", 1)


class TestBadInput:
    @pytest.mark.parametrize(("first", "last", "error", "message"), [
        ("2026-03-10", "2026-03-09", ValidationError, "the last day (2026-03-09) is before the first (2026-03-10)"),
        ("2026-02-30", "2026-03-09", ValidationError, "from must be a real date as YYYY-MM-DD, got '2026-02-30'"),
        ("2026-01-01", "2027-01-02", ValidationError, "a range covers at most 366 days, got 367"),
        ("", "tomorrow", ValidationError, "from is required (YYYY-MM-DD); to must be a real date as YYYY-MM-DD, "
                                          "got 'tomorrow'"),
    ])
    def test_bad_ranges_are_refused(self, medoffice_practice, world, first, last, error, message):
        for export in (lambda ctx: exports.calendar(ctx, world.adams, first, last),
                       lambda ctx: fhir.export_bundle(ctx, first, last)):
            with pytest.raises(error) as raised, medoffice_practice.operation("frontdesk") as ctx:
                export(ctx)
            assert str(raised.value) == message

    def test_an_unknown_provider_or_type_is_not_found(self, medoffice_practice, world):
        with pytest.raises(NotFound, match="no provider with staff id 99"), \
                medoffice_practice.operation("frontdesk") as ctx:
            exports.calendar(ctx, 99, "2026-03-02", "2026-03-08")
        with pytest.raises(ValidationError, match="Cleo Clerk .* is not a provider"), \
                medoffice_practice.operation("frontdesk") as ctx:
            fhir.export_bundle(ctx, "2026-03-02", "2026-03-08", provider_id=world.clerk)
        with pytest.raises(NotFound, match="no appointment type named 'Nap'"), \
                medoffice_practice.operation("frontdesk") as ctx:
            fhir.export_bundle(ctx, "2026-03-02", "2026-03-08", slot_type="Nap")

    def test_without_the_permissions_nothing_is_exported(self, medoffice_practice, world):
        """The calendar shows initials, so it needs patients.read as well as scheduling.read."""
        from medoffice.core.audit import iter_entries
        from medoffice.core.services import users

        with medoffice_practice.operation("admin") as ctx:
            users.revoke(ctx, "billing", "patients.read")
        with pytest.raises(PermissionDenied), medoffice_practice.operation("billing") as ctx:
            exports.calendar(ctx, world.adams, "2026-03-02", "2026-03-08")
        with medoffice_practice.operation("admin") as ctx:
            users.revoke(ctx, "billing", "scheduling.read")
        with pytest.raises(PermissionDenied), medoffice_practice.operation("billing") as ctx:
            fhir.export_bundle(ctx, "2026-03-02", "2026-03-08")
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert list(iter_entries(ctx.session, action="schedule.exported")) == []


class TestCommands:
    def test_export_ics_to_a_file_and_to_stdout(self, medoffice_cli, cli_world, tmp_path):
        w = cli_world
        assert medoffice_cli("appointments", "book", w.ann, "--provider", str(w.adams), "--type", "Check-up",
                             "--at", "2030-03-12 09:00", user="frontdesk").exit_code == 0
        target = tmp_path / "adams.ics"
        written = medoffice_cli("schedule", "export-ics", "--provider", str(w.adams), "--from", "2030-03-11",
                                "--to", "2030-03-17", "--output", str(target), user="frontdesk")
        assert (written.exit_code, written.stdout) == (0, "")
        assert written.stderr == f"exported 1 appointments of Dr Adams to {target}\n"
        (event,) = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
        assert (event.decoded("DTSTART"), str(event["SUMMARY"])) == (at(2030, 3, 12, 13), "Check-up A.L.")
        printed = medoffice_cli("schedule", "export-ics", "--provider", str(w.adams), "--from", "2030-03-11",
                                "--to", "2030-03-17", user="frontdesk")
        assert printed.exit_code == 0 and printed.stdout.startswith("BEGIN:VCALENDAR")
        assert [str(e["UID"]) for e in Calendar.from_ical(printed.stdout).walk("VEVENT")] == [
            str(event["UID"])]
        summary = medoffice_cli("schedule", "export-ics", "--provider", str(w.adams), "--from", "2030-03-11",
                                "--to", "2030-03-17", "--output", str(target), "--json", user="frontdesk").json()
        assert summary == {"format": "ics", "provider_id": w.adams, "from": "2030-03-11", "to": "2030-03-17",
                           "events": 1, "output": str(target)}

    def test_export_fhir_prints_a_bundle(self, medoffice_cli, cli_world):
        w = cli_world
        medoffice_cli("appointments", "book", w.ann, "--provider", str(w.baker), "--type", "Check-up",
                      "--at", "2030-03-13 08:00", user="frontdesk")
        result = medoffice_cli("schedule", "export-fhir", "--from", "2030-03-13", "--to", "2030-03-13",
                               "--slot-type", "Long", user="billing")
        assert result.exit_code == 0, result.stderr
        found = result.json()
        Bundle.model_validate(found)
        assert [a["start"] for a in resources(found, "Appointment")] == ["2030-03-13T12:00:00Z"]
        assert {s["actor"][0]["display"] for s in resources(found, "Schedule")} == {"Dr Adams", "Dr Baker"}

    def test_json_tells_a_script_what_was_written(self, medoffice_cli, cli_world, tmp_path):
        w = cli_world
        medoffice_cli("appointments", "book", w.ann, "--provider", str(w.baker), "--type", "Check-up",
                      "--at", "2030-03-13 08:00", user="frontdesk")
        target = tmp_path / "baker.json"
        summary = medoffice_cli("schedule", "export-fhir", "--provider", str(w.baker), "--from", "2030-03-13",
                                "--to", "2030-03-13", "--slot-type", "Check-up", "--output", str(target), "--json",
                                user="billing").json()
        assert summary == {"format": "fhir", "from": "2030-03-13", "to": "2030-03-13", "output": str(target),
                           "resources": {"Organization": 1, "Location": 2, "Practitioner": 1, "Schedule": 1,
                                         "Slot": 4, "Appointment": 1}}
        assert len(json.loads(target.read_text())["entry"]) == 10
        inline = medoffice_cli("schedule", "export-ics", "--provider", str(w.baker), "--from", "2030-03-13",
                               "--to", "2030-03-13", "--json", user="frontdesk").json()
        assert inline["events"] == 1
        (event,) = Calendar.from_ical(inline["document"]).walk("VEVENT")
        assert str(event["SUMMARY"]) == "Check-up A.L."

    @pytest.mark.parametrize(("args", "message"), [
        (["export-ics", "--provider", "1", "--from", "2030-03-10", "--to", "2030-03-09"],
         "the last day (2030-03-09) is before the first (2030-03-10)"),
        (["export-ics", "--provider", "99", "--from", "2030-03-09", "--to", "2030-03-10"],
         "no provider with staff id 99"),
        (["export-fhir", "--from", "2030-02-30", "--to", "2030-03-10"],
         "from must be a real date as YYYY-MM-DD, got '2030-02-30'"),
        (["export-fhir", "--from", "2030-01-01", "--to", "2031-06-30"], "a range covers at most 366 days, got 546"),
    ])
    def test_bad_input_is_one_line_and_exit_1(self, medoffice_cli, cli_world, tmp_path, args, message):
        target = tmp_path / "out"
        result = medoffice_cli("schedule", *args, "--output", str(target), user="frontdesk")
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
        assert not target.exists()
