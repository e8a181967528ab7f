"""A crash of the terminal UI: one line naming a log file, a non-zero exit, no traceback on screen.

A plugin's failure is contained (its screen is replaced by a message naming it); a bug of
the shell itself ends the app. The desk then sees one line, and whoever looks after the
practice finds the traceback in the data folder.
"""

from __future__ import annotations

from pathlib import Path


from medoffice.tui.app import MedofficeApp


def crash_on_start(monkeypatch) -> None:
    """The app runs headless (no terminal in a test) and a bug of the shell's raises as it
    starts."""
    run = MedofficeApp.run

    def headless(self, **options):
        return run(self, headless=True, **options)

    def boom(self) -> None:
        raise RuntimeError("boom in the shell")

    monkeypatch.setattr(MedofficeApp, "run", headless)
    monkeypatch.setattr(MedofficeApp, "_show_sign_in", boom)


def test_a_crash_exits_non_zero_with_one_line_naming_the_log_file(medoffice_practice, monkeypatch):
    crash_on_start(monkeypatch)
    result = medoffice_practice.cli("tui", user=None)
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: the terminal UI stopped on an unexpected RuntimeError; the details are in ")
    log = Path(lines[0].rsplit(" in ", 1)[1])
    assert log.parent.name == "logs" and log.is_file()
    assert "Traceback" in log.read_text() and "boom in the shell" in log.read_text()
    assert "Traceback" not in result.output and "boom" not in result.output


def test_the_log_goes_to_the_practices_data_folder(medoffice_practice, monkeypatch, tmp_path):
    """MEDOFFICE_HOME puts it under ``data/logs`` there."""
    crash_on_start(monkeypatch)
    home = tmp_path / "office"
    result = medoffice_practice.cli("tui", user=None, env={"MEDOFFICE_HOME": str(home)})
    assert result.exit_code == 3
    logs = list((home / "data" / "logs").glob("tui-crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in result.stderr


def test_a_database_without_a_practice_is_one_line_and_exit_1(monkeypatch, tmp_path):
    """The sign-in screen shows before the practice is opened; when it cannot be (an empty
    database), the app ends and the command says why in one line, as every command does."""
    from click.testing import CliRunner

    from medoffice.core.cli import cli

    run = MedofficeApp.run
    monkeypatch.setattr(MedofficeApp, "run", lambda self, **options: run(self, headless=True, **options))
    monkeypatch.setenv("MEDOFFICE_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(cli, ["--db", f"sqlite:///{tmp_path / 'empty.sqlite'}", "tui"])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().startswith("error: no practice in ")
    assert "\n" not in result.stderr.strip() and "Traceback" not in result.output
