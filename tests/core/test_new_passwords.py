"""New passwords never travel on the command line, and a missing one is one line, exit 1.

The story: ``init --admin-password`` put the administrator's password in ``ps`` and in the
shell's history; with no terminal, ``users add`` printed Python's GetPassWarning and exited
130. Now a password comes from a hidden prompt, ``--password-stdin``, or for scripts an
environment variable.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect

from medoffice.core.cli import cli, passwords
from medoffice.core.services.users import sign_in


@pytest.fixture
def at_a_terminal(monkeypatch):
    """Standard input is a terminal (the test feeds what the person types)."""
    monkeypatch.setattr(passwords, "_at_a_terminal", lambda: True)


def init(url, *args, input=None, env=None):
    return CliRunner().invoke(cli, ["--db", url, "init", *args], input=input, env=env or {})


class TestInit:
    @pytest.fixture
    def url(self, tmp_path, medoffice_env, monkeypatch):
        monkeypatch.delenv("MEDOFFICE_ADMIN_PASSWORD", raising=False)
        return f"sqlite:///{tmp_path / 'clinic.sqlite'}"

    def signs_in(self, url, password):
        from medoffice.core.runtime import open_runtime

        runtime = open_runtime(url)
        try:
            return sign_in(runtime, "admin", password).can("users.manage")
        finally:
            runtime.close()

    def test_a_password_on_the_command_line_is_refused_before_anything_is_made(self, url):
        result = init(url, "--name", "Hill", "--timezone", "America/Denver", "--admin-password", "long-enough-pw")
        assert result.exit_code == 2
        assert "--admin-password is gone" in result.output and "--password-stdin" in result.output
        assert not inspect(create_engine(url)).has_table("core_practice")

    def test_password_stdin_reads_the_first_line_before_the_other_prompts(self, url):
        result = init(url, "--timezone", "America/Denver", "--password-stdin", input="long-enough-pw\nHill Clinic\n")
        assert result.exit_code == 0, result.output
        assert "Created Hill Clinic" in result.output and "long-enough-pw" not in result.output
        assert self.signs_in(url, "long-enough-pw")

    def test_at_a_terminal_it_asks_twice_without_echo(self, url, at_a_terminal):
        result = init(url, "--name", "Hill", "--timezone", "America/Denver",
                      input="long-enough-pw\nlong-enough-pw\n")
        assert result.exit_code == 0, result.output
        assert "long-enough-pw" not in result.output
        assert self.signs_in(url, "long-enough-pw")

    def test_without_a_terminal_or_a_password_it_says_so_in_one_line(self, url):
        result = init(url, "--name", "Hill", "--timezone", "America/Denver")
        assert result.exit_code == 1
        assert result.output.startswith("error: no terminal to ask for the password for the administrator admin")
        assert result.output.count("\n") == 1 and "Warning" not in result.output
        assert not inspect(create_engine(url)).has_table("core_practice")

    def test_empty_standard_input_is_refused(self, url):
        result = init(url, "--name", "Hill", "--timezone", "America/Denver", "--password-stdin", input="")
        assert result.exit_code == 1 and "standard input is empty" in result.output


class TestUsersAddAndPasswd:
    @pytest.fixture(autouse=True)
    def no_variable(self, monkeypatch):
        monkeypatch.delenv("MEDOFFICE_NEW_PASSWORD", raising=False)

    def test_without_a_terminal_add_is_one_line_and_exit_1(self, medoffice_practice):
        result = medoffice_practice.cli("users", "add", "casey", "--name", "Casey Ray", "--role", "front_desk")
        assert result.exit_code == 1
        assert result.stderr == ("error: no terminal to ask for the password for casey at: pass --password-stdin "
                                 "and write it to standard input (or set MEDOFFICE_NEW_PASSWORD in a script)\n")
        assert "casey" not in [u["username"] for u in medoffice_practice.cli("users", "list", "--json").json()]

    def test_without_a_terminal_passwd_is_one_line_and_exit_1(self, medoffice_practice):
        result = medoffice_practice.cli("users", "passwd", user="frontdesk")
        assert result.exit_code == 1 and result.stderr.count("\n") == 1
        assert "no terminal to ask for the new password for frontdesk" in result.stderr

    def test_password_stdin_adds_and_changes(self, medoffice_practice):
        added = medoffice_practice.cli("users", "add", "casey", "--name", "Casey Ray", "--role", "front_desk",
                                       "--password-stdin", input="sunny-days-42\n")
        assert added.exit_code == 0, added.stderr
        changed = medoffice_practice.cli("users", "passwd", "--password-stdin", user="casey",
                                         password="sunny-days-42", input="rainy-days-43\r\n")
        assert changed.exit_code == 0, changed.stderr
        assert sign_in(medoffice_practice.runtime, "casey", "rainy-days-43").username == "casey"

    def test_at_a_terminal_passwd_asks_twice(self, medoffice_practice, at_a_terminal):
        result = medoffice_practice.cli("users", "passwd", user="frontdesk", input="a-new-password\na-new-password\n")
        assert result.exit_code == 0, result.stderr
        assert sign_in(medoffice_practice.runtime, "frontdesk", "a-new-password")
