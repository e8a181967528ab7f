"""How a command fails: one line on standard error whatever was typed, and the exit code the
docs promise (1 the user's to fix, 2 usage, 3 a bug, with ``--debug`` too, 130 interrupted)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from medoffice.core.cli import main
from medoffice.testing._practice import password_of

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
HOSTILE = "eye\nerror: the audit log was deleted\x1b]0;pwned\x07"


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.lower().startswith("error")]


class TestOneLine:
    def test_a_domain_error_quoting_a_typed_newline_is_one_line(self, medoffice_practice):
        medoffice_practice.cli("patients", "add", "--first-name", "Ann", "--last-name", "Lee", "--dob", "1970-01-02",
                               "--sex", "f", user="frontdesk")
        result = medoffice_practice.cli("patients", "edit", "000001", "--set", f"{HOSTILE}=blue", user="frontdesk")
        assert result.exit_code == 1
        assert result.stderr.startswith("error: unknown patient field(s): eye\\nerror: the audit log was deleted"
                                        "\\x1b]0;pwned\\x07 (known: mrn,")
        assert result.stderr.count("\n") == 1 and "\x1b" not in result.stderr

    def test_a_usage_error_quoting_a_typed_path_keeps_its_error_on_one_line(self, medoffice_practice):
        """click quotes most values with repr(), but not a file it could not open."""
        result = medoffice_practice.cli("patients", "import", f"/no/{HOSTILE}.csv", user="manager")
        assert result.exit_code == 2
        assert error_lines(result.stderr) == [
            "Error: Invalid value for 'PATH': '/no/eye\\nerror: the audit log was deleted\\x1b]0;pwned\\x07.csv': "
            "No such file or directory"]
        assert "\x1b" not in result.stderr and "\x07" not in result.stderr

    def test_an_internal_error_is_one_line_exit_3(self, medoffice_practice, monkeypatch):
        from medoffice.core.services import patients

        def broken(*args, **kwargs):
            raise TypeError("bad\nerror: fake second line")

        monkeypatch.setattr(patients, "find", broken)
        result = medoffice_practice.cli("patients", "find", "lee", user="frontdesk")
        assert (result.exit_code, result.stderr) == (
            3, "error: internal error: TypeError: bad\\nerror: fake second line (run with --debug for details)\n")


def run_main(practice, argv, monkeypatch, capsys, **env) -> tuple[int, str, str]:
    """The installed ``medoffice`` entry point, as a shell runs it."""
    monkeypatch.setenv("MEDOFFICE_USER", "frontdesk")
    monkeypatch.setenv("MEDOFFICE_PASSWORD", password_of("frontdesk"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as done:
        main(["--db", practice.url, *argv])
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


def documented_paragraph(start: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(rf"^{re.escape(start)}.*?(?=\n\n)", text, flags=re.M | re.S)
    assert found, f"docs/cli.md has no paragraph starting {start!r}"
    return " ".join(found.group(0).split())


class TestExitCodes:
    @pytest.fixture
    def broken_find(self, monkeypatch):
        from medoffice.core.services import patients

        def broken(*args, **kwargs):
            raise TypeError("a bug")

        monkeypatch.setattr(patients, "find", broken)

    @pytest.mark.parametrize("how", [("--debug",), ("MEDOFFICE_DEBUG", "1"), ("MEDOFFICE_DEBUG", "yes")],
                             ids=["option", "env-1", "env-yes"])
    def test_an_internal_error_under_debug_shows_its_traceback_and_exits_3(self, medoffice_practice, monkeypatch,
                                                                          capsys, broken_find, how):
        argv, env = (["--debug"], {}) if how[0] == "--debug" else ([], {how[0]: how[1]})
        code, out, err = run_main(medoffice_practice, [*argv, "patients", "find", "lee"], monkeypatch, capsys, **env)
        assert code == 3
        assert "Traceback (most recent call last)" in err and err.rstrip().endswith("TypeError: a bug")

    def test_debug_off_in_the_environment_is_one_line(self, medoffice_practice, monkeypatch, capsys, broken_find):
        code, out, err = run_main(medoffice_practice, ["patients", "find", "lee"], monkeypatch, capsys,
                                  MEDOFFICE_DEBUG="0")
        assert (code, err) == (3, "error: internal error: TypeError: a bug (run with --debug for details)\n")

    def test_an_interrupted_command_exits_130(self, medoffice_practice, monkeypatch, capsys):
        from medoffice.core.services import patients

        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(patients, "find", interrupted)
        code, out, err = run_main(medoffice_practice, ["patients", "find", "lee"], monkeypatch, capsys)
        assert (code, err.strip()) == (130, "interrupted")

    def test_the_docs_say_what_the_command_does(self):
        """docs/cli.md's promises for --debug, Ctrl-C and MEDOFFICE_DEBUG, checked above."""
        debug = documented_paragraph("With `--debug`")
        assert "exits with 3" in debug and "exits with 1" not in debug.split("Ctrl-C")[0]
        assert "prints `interrupted` and exits with 130" in debug
        variable = next(line for line in DOCS.read_text(encoding="utf-8").splitlines()
                        if line.startswith("| `MEDOFFICE_DEBUG`"))
        assert "`1`, `true` or `yes`" in variable and "even `0`" not in variable
