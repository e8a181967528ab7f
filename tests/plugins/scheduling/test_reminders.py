"""Reminders: tomorrow's appointments as CSV or JSON for an external sender, or handed to
the delivery plugins.

The practice's clock stands on Monday 2026-01-05 12:00 UTC (07:00 in New York), so
"tomorrow" is Tuesday 2026-01-06 (see conftest.py).
"""

from __future__ import annotations

import csv
import io

import pytest

from medoffice.core import PluginInfo, hookimpl
from medoffice.core.audit import iter_entries
from medoffice.core.errors import Conflict, ValidationError
from medoffice.core.records import Reminder
from medoffice.core.services import patients
from medoffice.plugins.scheduling import booking, reminders

pytestmark = pytest.mark.medoffice_plugins("scheduling")


class TextMessages:
    """Sends a reminder to every patient with a phone; answers with appointment ids."""

    plugin_info = PluginInfo(id="sms", title="Text messages", api_version=1)

    def __init__(self) -> None:
        self.batches: list[tuple[Reminder, ...]] = []

    @hookimpl
    def medoffice_send_reminders(self, ctx, reminders):
        self.batches.append(reminders)
        return [r.appointment_id for r in reminders if r.phone]


class Mail:
    """Sends to every patient with an e-mail address; answers with the records."""

    plugin_info = PluginInfo(id="mail", title="E-mail", api_version=1)

    @hookimpl
    def medoffice_send_reminders(self, reminders):
        return [r for r in reminders if r.email]


@pytest.fixture
def texts():
    return TextMessages()


@pytest.fixture
def medoffice_extra_plugins(texts):
    return [texts, Mail()]


@pytest.fixture
def tuesday(medoffice_practice, world):
    """Tomorrow: Ann at 09:00 with Dr Adams in Exam 1, Bo at 09:30 with Dr Baker, Cy's 10:00
    cancelled. Cy also comes today, and Ann again on Wednesday."""
    with medoffice_practice.operation("frontdesk") as ctx:
        patients.update(ctx, world.ann, {"phone": "(617) 555-0101", "email": "ann@example.org",
                                         "preferred_language": "es"})
        patients.update(ctx, world.bo, {"email": "bo@example.org"})
        ann = booking.book(ctx, world.ann, world.adams, "Check-up", "2026-01-06 09:00", room="Exam 1")
        bo = booking.book(ctx, world.bo, world.baker, "Check-up", "2026-01-06 09:30")
        cy = booking.book(ctx, world.cy, world.adams, "Check-up", "2026-01-06 10:00")
        booking.cancel(ctx, cy.id, "away")
        booking.book(ctx, world.cy, world.adams, "Check-up", "2026-01-05 13:00")
        booking.book(ctx, world.ann, world.adams, "Check-up", "2026-01-07 09:00")
    return ann, bo


def test_tomorrows_reminders_as_csv_have_the_booked_rows_and_no_cancelled_one(medoffice_practice, world, tuesday):
    ann, bo = tuesday
    with medoffice_practice.operation("frontdesk") as ctx:
        found = reminders.listed(ctx)
        text = reminders.to_csv(ctx, found)
    assert str(found.day) == "2026-01-06"
    assert list(csv.DictReader(io.StringIO(text))) == [
        {"appointment_id": str(ann.id), "mrn": world.ann, "first_name": "Ann", "last_name": "Lee",
         "phone": "(617) 555-0101", "email": "ann@example.org", "preferred_language": "es", "provider": "Dr Adams",
         "appointment_type": "Check-up", "date": "2026-01-06", "time": "09:00", "start": "2026-01-06T09:00:00-05:00",
         "location": "Main", "room": "Exam 1"},
        {"appointment_id": str(bo.id), "mrn": world.bo, "first_name": "Bo", "last_name": "Lee", "phone": "",
         "email": "bo@example.org", "preferred_language": "", "provider": "Dr Baker", "appointment_type": "Check-up",
         "date": "2026-01-06", "time": "09:30", "start": "2026-01-06T09:30:00-05:00", "location": "Main",
         "room": ""}]
    assert text.splitlines()[0] == ",".join(reminders.CSV_COLUMNS)


def test_another_day_and_listing_is_audited(medoffice_practice, world, tuesday):
    with medoffice_practice.operation("frontdesk") as ctx:
        wednesday = reminders.listed(ctx, "2026-01-07", fmt="json")
        with pytest.raises(ValidationError, match="day must be a real date as YYYY-MM-DD, got '2026-02-30'"):
            reminders.due(ctx, "2026-02-30")
    assert [(r.mrn, r.patient, r.start.hour) for r in wednesday.reminders] == [(world.ann, "Ann Lee", 14)]
    with medoffice_practice.operation("manager", write=False) as ctx:
        (entry,) = list(iter_entries(ctx.session, action="reminders.listed"))
    assert entry.summary == {"day": "2026-01-07", "count": 1, "refused": 0, "format": "json"}


def test_hook_send_reminders_each_plugin_sends_what_it_can_and_says_so(medoffice_practice, world, tuesday, texts):
    ann, bo = tuesday
    with medoffice_practice.operation("frontdesk") as ctx:
        delivery = reminders.send(ctx)
    assert (str(delivery.day), delivery.reminders, delivery.sent) == ("2026-01-06", 2, {"sms": 1, "mail": 2})
    ((first, second),) = texts.batches
    assert (first.appointment_id, first.phone, second.appointment_id, second.phone) == (ann.id, "(617) 555-0101",
                                                                                       bo.id, None)


def test_send_from_the_shell_reports_each_plugin(medoffice_cli, medoffice_practice, world, tuesday):
    sent = medoffice_cli("appointments", "reminders", "--day", "2026-01-06", "--send", "--json", user="frontdesk")
    assert sent.exit_code == 0, sent.stderr
    assert sent.json() == {"day": "2026-01-06", "reminders": 2, "sent": {"sms": 1, "mail": 2}, "refused": 0}


def test_reminders_from_the_shell_as_json_and_to_a_file(medoffice_cli, medoffice_practice, world, tuesday, tmp_path):
    ann, bo = tuesday
    listed = medoffice_cli("appointments", "reminders", "--day", "2026-01-06", "--json", user="frontdesk")
    assert listed.exit_code == 0, listed.stderr
    body = listed.json()
    assert (body["day"], body["refused"], [r["appointment_id"] for r in body["reminders"]]) == (
        "2026-01-06", 0, [ann.id, bo.id])
    target = tmp_path / "tuesday.csv"
    written = medoffice_cli("appointments", "reminders", "--day", "2026-01-06", "--output", str(target),
                            user="frontdesk")
    assert (written.exit_code, written.stdout) == (0, "")
    assert written.stderr == f"wrote 2 reminders for 2026-01-06 to {target}\n"
    assert len(target.read_text().splitlines()) == 3


class TestAPatientWhoRefusedReminders:
    """Bo told the front desk "no reminders, please": nobody lists or sends him one, and the
    office sees that one was left out rather than forgotten."""

    @pytest.fixture
    def bo_refused(self, medoffice_practice, world, tuesday):
        with medoffice_practice.operation("frontdesk") as ctx:
            patients.update(ctx, world.bo, {"reminders": "no"})
        return tuesday

    def test_is_left_out_of_the_list_and_counted(self, medoffice_practice, world, bo_refused):
        ann, _bo = bo_refused
        with medoffice_practice.operation("frontdesk") as ctx:
            found = reminders.listed(ctx)
            text = reminders.to_csv(ctx, found)
        assert ([r.mrn for r in found.reminders], found.refused) == ([world.ann], 1)
        assert [row["appointment_id"] for row in csv.DictReader(io.StringIO(text))] == [str(ann.id)]
        with medoffice_practice.operation("manager", write=False) as ctx:
            (entry,) = list(iter_entries(ctx.session, action="reminders.listed"))
        assert entry.summary == {"day": "2026-01-06", "count": 1, "refused": 1, "format": "csv"}

    def test_is_never_handed_to_a_delivery_plugin(self, medoffice_practice, world, bo_refused, texts):
        ann, _bo = bo_refused
        with medoffice_practice.operation("frontdesk") as ctx:
            delivery = reminders.send(ctx)
        assert (delivery.reminders, delivery.sent, delivery.refused) == (1, {"sms": 1, "mail": 1}, 1)
        assert [[r.appointment_id for r in batch] for batch in texts.batches] == [[ann.id]]

    def test_the_shell_says_how_many_were_left_out(self, medoffice_cli, world, bo_refused, tmp_path):
        as_csv = medoffice_cli("appointments", "reminders", "--day", "2026-01-06", user="frontdesk")
        assert (as_csv.exit_code, len(as_csv.stdout.splitlines())) == (0, 2)
        assert as_csv.stderr == "1 reminders for 2026-01-06; 1 left out (the patient refused reminders)\n"
        as_json = medoffice_cli("appointments", "reminders", "--day", "2026-01-06", "--json", user="frontdesk")
        assert (as_json.json()["refused"], len(as_json.json()["reminders"])) == (1, 1)
        target = tmp_path / "tuesday.csv"
        written = medoffice_cli("appointments", "reminders", "--day", "2026-01-06", "-o", str(target), user="frontdesk")
        assert written.stderr == (f"wrote 1 reminders for 2026-01-06 to {target}; "
                                  "1 left out (the patient refused reminders)\n")
        sent = medoffice_cli("appointments", "reminders", "--day", "2026-01-06", "--send", user="frontdesk")
        assert sent.stdout.startswith("1 reminders for 2026-01-06; sent: ")
        assert sent.stdout.endswith("; 1 left out (the patient refused reminders)\n")


def test_bad_day_from_the_shell_is_one_line_exit_1(medoffice_cli, world):
    result = medoffice_cli("appointments", "reminders", "--day", "2026-02-30", user="frontdesk")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", "error: day must be a real date as YYYY-MM-DD, got '2026-02-30'\n")


class TestWithoutDeliveryPlugins:
    """A practice with no plugin delivering reminders."""

    @pytest.fixture
    def medoffice_extra_plugins(self):
        return []

    def test_send_says_no_plugin_delivers_and_sends_nothing(self, medoffice_practice, medoffice_cli, world, tuesday):
        result = medoffice_cli("appointments", "reminders", "--send", user="frontdesk")
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == ("error: no enabled plugin delivers reminders (none implements "
                                 "medoffice_send_reminders); nothing sent: list them with --format csv or json for "
                                 "an external sender\n")
        with pytest.raises(Conflict, match="no enabled plugin delivers reminders"):
            with medoffice_practice.operation("frontdesk") as ctx:
                reminders.send(ctx)


def test_a_name_or_phone_a_spreadsheet_would_run_is_written_as_text(medoffice_practice, world, tuesday):
    """The list goes to a mail merge as often as to a program: a cell that starts a formula
    gets an apostrophe (the JSON list is left as it is)."""
    ann, _bo = tuesday
    with medoffice_practice.operation("frontdesk") as ctx:
        patients.update(ctx, world.ann, {"first_name": "=HYPERLINK(\"http://x\")", "phone": "+1 617 555 0101"})
        found = reminders.listed(ctx)
        text = reminders.to_csv(ctx, found)
        as_json = reminders.rows(ctx, found)
    first = list(csv.reader(io.StringIO(text, newline="")))[1]
    assert first[2:5] == ["'=HYPERLINK(\"http://x\")", "Lee", "'+1 617 555 0101"]
    assert (as_json[0]["first_name"], as_json[0]["phone"]) == ("=HYPERLINK(\"http://x\")", "+1 617 555 0101")
