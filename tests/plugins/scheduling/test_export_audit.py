"""A calendar, a FHIR schedule or a reminder list that could not be written is not audited as
done: the entry and the file go together (the file private, put in place whole, nothing left
beside it when it failed)."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from medoffice.core import audit
from medoffice.core.context import Context

COMMANDS = {
    "export-ics": ("schedule.exported", lambda world, out: (
        "schedule", "export-ics", "--provider", str(world.adams), "--from", "2030-03-11", "--to", "2030-03-17",
        "--output", out)),
    "export-fhir": ("schedule.exported", lambda world, out: (
        "schedule", "export-fhir", "--from", "2030-03-11", "--to", "2030-03-17", "--output", out)),
    "reminders": ("reminders.listed", lambda world, out: (
        "appointments", "reminders", "--day", "2030-03-12", "--output", out)),
}


def entries(practice, action) -> list:
    with practice.operation("admin", write=False) as ctx:
        return list(audit.iter_entries(ctx.session, action=action))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_folder_gone_once_the_export_was_made_is_one_line_and_no_entry(
        medoffice_practice, cli_world, tmp_path, monkeypatch, command):
    """The share was there when the command started and is gone when the file is written."""
    action, argv = COMMANDS[command]
    folder = tmp_path / "share"
    folder.mkdir()
    target = folder / "out.file"
    made = Context.audit

    def then_the_share_goes(self, what, *args, **kwargs):
        made(self, what, *args, **kwargs)
        if what == action:
            shutil.rmtree(folder)

    monkeypatch.setattr(Context, "audit", then_the_share_goes)
    result = medoffice_practice.cli(*argv(cli_world, str(target)), user="frontdesk")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", f"error: cannot write {target}: No such file or directory\n")
    assert entries(medoffice_practice, action) == []


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_export_replaces_the_old_file_whole_private_and_alone(medoffice_practice, cli_world, tmp_path,
                                                                umask_022, command):
    action, argv = COMMANDS[command]
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "out.file"
    target.write_text("last week's list\n")
    os.chmod(target, 0o644)
    result = medoffice_practice.cli(*argv(cli_world, str(target)), user="frontdesk")
    assert result.exit_code == 0, result.stderr
    assert "last week" not in target.read_text()
    assert oct(stat.S_IMODE(os.stat(target).st_mode)) == oct(0o600)
    assert os.listdir(target.parent) == ["out.file"]
    assert len(entries(medoffice_practice, action)) == 1
