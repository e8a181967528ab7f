"""Bad input to every command: a clear one-line error, the right exit code, nothing written.

The table must name every leaf command of the core CLI; a new command without a case here
fails ``test_every_command_has_a_bad_input_case``.
"""

from __future__ import annotations

import click
import pytest
from sqlalchemy import func, select

from medoffice.core.cli import CORE_COMMANDS, _load_core
from medoffice.core.storage.models import AuditRow

CASES = {
    "init": (["init", "--name", "X", "--timezone", "Mars/Base"], 1, "already has a practice"),
    "demo": (["demo", "--patients", "-1"], 2, "-1"),
    "plugins list": (["plugins", "list", "--bogus"], 2, "No such option"),
    "plugins enable": (["plugins", "enable", "teleport"], 1, "no plugin 'teleport'"),
    "plugins disable": (["plugins", "disable", "teleport"], 1, "no plugin 'teleport'"),
    "plugins revision": (["plugins", "revision", "teleport", "-m", "a column"], 1, "teleport"),
    "dashboard": (["dashboard", "today"], 2, "unexpected extra argument"),
    "db upgrade": (["db", "upgrade", "now"], 2, "unexpected extra argument"),
    "db status": (["db", "status", "--bogus"], 2, "No such option"),
    "patients add": (["patients", "add", "--first-name", "A", "--last-name", "B", "--dob", "1999-02-29",
                      "--sex", "f"], 1, "real date"),
    "patients find": (["patients", "find", " "], 1, "type part of a name"),
    "patients show": (["patients", "show", "NOPE"], 1, "no patient with MRN 'NOPE'"),
    "patients edit": (["patients", "edit", "000001", "--set", "eye_colour=blue"], 1, "unknown patient field"),
    "patients deactivate": (["patients", "deactivate", "NOPE", "--reason", "moved"], 1, "no patient with MRN"),
    "patients activate": (["patients", "activate", "NOPE"], 1, "no patient with MRN"),
    "patients reactivate": (["patients", "reactivate", "NOPE"], 1, "no patient with MRN"),
    "patients merge": (["patients", "merge", "NOPE", "NOPE", "--yes"], 1, "cannot be merged into itself"),
    "patients import": (["patients", "import", "/no/such/file.csv"], 2, "No such file"),
    "patients export": (["patients", "export", "--format", "xml"], 2, "'xml' is not one of"),
    "users add": (["users", "add", "bad name!", "--name", "X", "--role", "admin"], 1, "user name may hold"),
    "users list": (["users", "list", "--bogus"], 2, "No such option"),
    "users passwd": (["users", "passwd", "ghost"], 1, "no user named 'ghost'"),
    "users roles": (["users", "roles", "billing", "--role", "wizard"], 1, "unknown role(s): wizard"),
    "users deactivate": (["users", "deactivate", "ghost"], 1, "no user named 'ghost'"),
    "users activate": (["users", "activate", "ghost"], 1, "no user named 'ghost'"),
    "users unlock": (["users", "unlock", "ghost"], 1, "no user named 'ghost'"),
    "users recover-admin": (["users", "recover-admin", "ghost"], 1, "no user named 'ghost'"),
    "roles list": (["roles", "list", "--bogus"], 2, "No such option"),
    "roles grant": (["roles", "grant", "billing", "nope.nope"], 1, "no permission named"),
    "roles revoke": (["roles", "revoke", "wizard", "patients.read"], 1, "unknown role(s): wizard"),
    "practice show": (["practice", "show", "--bogus"], 2, "No such option"),
    "practice edit": (["practice", "edit", "--set", "tax_id=12"], 1, "9 digits"),
    "practice add-location": (["practice", "add-location", " "], 1, "name is required"),
    "practice add-room": (["practice", "add-room", "Nowhere", "Exam"], 1, "no location named 'Nowhere'"),
    "staff add": (["staff", "add", "Dr X", "--role", "provider", "--provider", "--npi", "1234567890"], 1,
                  "check digit"),
    "staff list": (["staff", "list", "--bogus"], 2, "No such option"),
    "staff edit": (["staff", "edit", "999", "--set", "role=x"], 1, "no staff member with id 999"),
    "audit verify": (["audit", "verify", "--bogus"], 2, "No such option"),
    "audit show": (["audit", "show", "--since", "2026-13-01"], 2, "'2026-13-01'"),
    "backup": (["backup", "/no/such/folder/b.sqlite"], 1, ("does not exist", "pg_dump")),  # SQLite, PostgreSQL
    "restore": (["restore", "/no/such/backup.sqlite", "--force"], 1, ("no backup file", "pg_restore")),
    "reports list": (["reports", "list", "--bogus"], 2, "No such option"),
    "reports run": (["reports", "run", "no-such-report"], 1, "no report 'no-such-report'"),
    "tui": (["tui", "--bogus"], 2, "No such option"),
}


def leaf_commands() -> list[str]:
    names = []

    def walk(prefix: str, command: click.Command) -> None:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(f"{prefix} {name}", sub)
        else:
            names.append(prefix)

    for name in CORE_COMMANDS:
        walk(name, _load_core(name))
    return sorted(names)


def test_every_command_has_a_bad_input_case():
    assert leaf_commands() == sorted(CASES)


def written_rows(practice) -> int:
    with practice.operation("admin", write=False) as ctx:
        return ctx.session.execute(select(func.count()).select_from(AuditRow)
                                   .where(AuditRow.action.not_like("auth.%"))).scalar_one()


@pytest.mark.parametrize("command", sorted(CASES))
def test_bad_input(medoffice_practice, command, monkeypatch):
    argv, code, message = CASES[command]
    monkeypatch.setenv("MEDOFFICE_NEW_PASSWORD", "long-enough-pw")
    monkeypatch.setenv("MEDOFFICE_ADMIN_PASSWORD", "long-enough-pw")
    before = written_rows(medoffice_practice)
    result = medoffice_practice.cli(*argv)
    assert result.exit_code == code, (result.stdout, result.stderr)
    alternatives = message if isinstance(message, tuple) else (message,)  # one per backend
    assert any(text in result.stderr for text in alternatives), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    if code == 1:
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert written_rows(medoffice_practice) == before
