"""Calendars and reminder lists name patients: medoffice creates them readable by their owner
only (0600) under the usual umask, where they used to be 0644."""

from __future__ import annotations

import os
import stat

PRIVATE = oct(0o600)


def mode(path) -> str:
    return oct(stat.S_IMODE(os.stat(path).st_mode))


def test_a_providers_calendar_file_is_private(medoffice_cli, cli_world, tmp_path, umask_022):
    target = tmp_path / "adams.ics"
    written = medoffice_cli("schedule", "export-ics", "--provider", str(cli_world.adams), "--from", "2030-03-11",
                            "--to", "2030-03-17", "--output", str(target), user="frontdesk")
    assert written.exit_code == 0, written.stderr
    assert target.read_text().startswith("BEGIN:VCALENDAR") and mode(target) == PRIVATE


def test_a_fhir_schedule_file_is_private(medoffice_cli, cli_world, tmp_path, umask_022):
    target = tmp_path / "week.json"
    written = medoffice_cli("schedule", "export-fhir", "--from", "2030-03-11", "--to", "2030-03-17",
                            "--output", str(target), user="billing")
    assert written.exit_code == 0, written.stderr
    assert mode(target) == PRIVATE


def test_a_reminder_list_is_private(medoffice_cli, cli_world, tmp_path, umask_022):
    target = tmp_path / "tuesday.csv"
    written = medoffice_cli("appointments", "reminders", "--day", "2030-03-12", "--output", str(target),
                            user="frontdesk")
    assert written.exit_code == 0, written.stderr
    assert mode(target) == PRIVATE
