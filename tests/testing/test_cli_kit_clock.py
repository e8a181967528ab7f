"""The kit runs a command on a clock the test chooses, as commands open the practice afresh."""

from __future__ import annotations

import datetime as dt

import pytest

MIDNIGHT_NEW_YEAR = dt.datetime(2031, 1, 1, 5, 0, tzinfo=dt.timezone.utc)  # midnight in New York


@pytest.mark.parametrize("how", ["argument", "command_clock"])
def test_a_command_runs_on_the_clock_the_test_gives(medoffice_practice, how):
    """`patients add` stamps the registration with the practice's now: the fixed one."""
    args = ("patients", "add", "--first-name", "Ann", "--last-name", "Lee", "--dob", "1970-01-02", "--sex", "f",
            "--json")
    if how == "argument":
        result = medoffice_practice.cli(*args, clock=lambda: MIDNIGHT_NEW_YEAR)
    else:
        medoffice_practice.command_clock = lambda: MIDNIGHT_NEW_YEAR
        result = medoffice_practice.cli(*args)
    assert result.exit_code == 0, result.output
    result = medoffice_practice.cli("audit", "show", "--json")
    assert result.exit_code == 0, result.output
    stamps = [e["at"] for e in result.json() if e["action"] == "patient.registered"]
    assert stamps and stamps[-1].startswith("2031-01-01T05:00"), stamps
