"""One long write does not stop every other desk (issue 15).

A patient import reads, checks and plans its whole file without holding the write lock, and
holds it (PostgreSQL: the audit chain's head) only for its short final writes. Meanwhile the
other desks' commands, each a ``medoffice`` process of its own, sign in (which appends to the
audit log), search, look at the day, register a patient and back up. The import runs in a
thread with its own runtime; at the stage named, its progress report runs the other desks'
commands and waits for them, so every command here runs while the import is under way.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from medoffice.core.runtime import open_runtime
from medoffice.core.services import patient_io
from medoffice.core.services.users import sign_in
from medoffice.core.storage import engine as engine_module
from medoffice.core.storage.models import AuditRow, Patient
from medoffice.testing import password_of

GENEROUS = 12.0
"""Seconds a desk's command may take while the import runs (under SQLite's 15 s busy timeout:
a command that waited for the import's lock fails or hangs instead)."""


def row(n: int) -> dict[str, str]:
    return {"first_name": f"Pat{n}", "last_name": "Lee", "date_of_birth": f"19{50 + n % 50}-01-{1 + n % 28:02d}",
            "sex": "f", "phone": f"555-010-{n:04d}"}


def desk(practice, user: str, *args: str) -> dict:
    """Run ``medoffice ARGS`` as ``user`` in a process of its own, as another desk would."""
    env = {**os.environ, "MEDOFFICE_USER": user, "MEDOFFICE_PASSWORD": password_of(user)}
    env.pop("MEDOFFICE_DB", None)
    command = [str(Path(sys.executable).with_name("medoffice")), "--db", practice.url, *args]
    started = time.monotonic()
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
                              timeout=3 * GENEROUS)
    except subprocess.TimeoutExpired:
        return {"args": args, "exit": "hung", "seconds": time.monotonic() - started, "stderr": ""}
    return {"args": args, "exit": done.returncode, "seconds": time.monotonic() - started, "stdout": done.stdout,
            "stderr": done.stderr}


class OtherDesks:
    """The import's progress report: at the start of each stage named, it runs those desks'
    commands and waits for them before the import goes on."""

    def __init__(self, practice, at: dict[str, list[tuple[str, ...]]]) -> None:
        self.practice = practice
        self.at = at
        self.label = ""
        self.ran: dict[str, list[dict]] = {}

    def step(self, label, total):
        self.label = label

    def advance(self, count=1):
        if self.label in self.at and self.label not in self.ran:
            self.ran[self.label] = [desk(self.practice, *command) for command in self.at[self.label]]


def import_in_a_thread(practice, text: str, progress: OtherDesks) -> dict:
    """The manager's import, in a thread with its own runtime; returns how it went."""
    outcome: dict = {}

    def work() -> None:
        runtime = open_runtime(practice.url, settings=practice.runtime.settings, candidates=list(practice.candidates))
        try:
            manager = sign_in(runtime, "manager", password_of("manager"))
            with runtime.operation(manager) as ctx:
                outcome["result"] = patient_io.import_csv(ctx, io.StringIO(text, newline=""), progress=progress)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            outcome["error"] = error
        finally:
            runtime.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=300)
    assert not thread.is_alive(), "the import never finished"
    if "error" in outcome:
        raise outcome["error"]
    return outcome


def test_other_desks_search_look_at_the_day_register_and_back_up_while_a_long_import_runs(
        medoffice_practice, medoffice_backend, tmp_path):
    practice = medoffice_practice
    rows = [row(n) for n in range(1, 1201)]
    twin = ("frontdesk", "patients", "add", "--first-name", "Pat7", "--last-name", "Lee", "--dob",
            rows[6]["date_of_birth"], "--sex", "f")
    reads = [("frontdesk", "patients", "find", "lee"), ("frontdesk", "appointments", "day")]
    if medoffice_backend == "sqlite":
        # SQLite has one writer at a time: while the import checks its file it holds no lock.
        at = {"checking patients": [*reads, twin, ("admin", "backup", str(tmp_path / "during.sqlite"))]}
    else:
        # PostgreSQL: the import's patients are being written, its audit entries are yet to come.
        at = {"checking patients": [twin], "writing patients": reads}
    desks = OtherDesks(practice, at)

    outcome = import_in_a_thread(practice, patient_io.csv_text(rows), desks)

    assert set(desks.ran) == set(at), "every desk ran while the import was under way"
    for stage, results in desks.ran.items():
        for result in results:
            assert result["exit"] == 0, (stage, result)
            assert result["seconds"] < GENEROUS, (stage, result)
    result = outcome["result"]
    with practice.operation(write=False) as ctx:
        pat7 = ctx.session.execute(select(Patient.mrn).where(Patient.first_name == "Pat7")).scalars().all()
        actions = ctx.session.execute(select(AuditRow.username, AuditRow.action).order_by(AuditRow.seq)).all()
    assert len(pat7) == 1, "the patient another desk registered during the check is not registered twice"
    assert pat7[0] in result.unchanged and len(result.created) == 1199
    signed_in = [i for i, (user, action) in enumerate(actions) if action == "auth.sign_in" and user != "manager"]
    imported = [i for i, (_user, action) in enumerate(actions) if action == "patient.registered" and _user == "manager"]
    assert len(signed_in) == sum(map(len, desks.ran.values()))
    assert max(signed_in) < min(imported), "the desks' sign-ins did not wait for the import's audit entries"
    verified = practice.cli("audit", "verify", "--json")
    assert verified.exit_code == 0, verified.stderr


@pytest.mark.parametrize("medoffice_backend", ["sqlite"], indirect=True)
def test_a_command_waits_for_another_desks_write_lock_as_long_as_the_busy_timeout_then_says_so(
        medoffice_practice, monkeypatch):
    """docs/architecture.md: a busy timeout of 15 seconds. A command waits that long once,
    not once for every step of its start (it used to wait twice: 31.6 s)."""
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 3000)
    holder = sqlite3.connect(medoffice_practice.url.split(":///", 1)[1], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        result = medoffice_practice.cli("patients", "find", "lee", user="frontdesk")
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1 and "database is locked" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert 3.0 <= waited < 5.0, waited
    assert medoffice_practice.cli("patients", "find", "lee", user="frontdesk").exit_code == 0


@pytest.mark.parametrize("medoffice_backend", ["postgresql"], indirect=True)
@pytest.mark.parametrize("argv", [("patients", "find", "lee"), ("patients", "add", "--first-name", "Ann",
                                                                 "--last-name", "Lee", "--dob", "1970-01-02",
                                                                 "--sex", "f")])
def test_a_lock_stuck_on_postgresql_is_a_one_line_busy_error_not_a_hang(medoffice_practice, monkeypatch, argv):
    """A session left holding the audit chain's head (a psql left open in a transaction, a
    terminal frozen mid-write) used to make every desk's command hang for ever: signing in
    waits for that lock. Now it waits as long as the lock timeout, then says so."""
    from sqlalchemy import create_engine, text

    monkeypatch.setattr(engine_module, "POSTGRESQL_LOCK_TIMEOUT_MS", 2000)
    holder = create_engine(medoffice_practice.url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with holder.connect() as conn:
            conn.execute(text("SELECT seq FROM core_audit_head WHERE id = 1 FOR UPDATE"))
            started = time.monotonic()
            result = medoffice_practice.cli(*argv, user="frontdesk")
            waited = time.monotonic() - started
            conn.rollback()
    finally:
        holder.dispose()
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == ("error: the database is busy: another terminal has held what this needs for 2 s; "
                             "try again\n")
    assert 2.0 <= waited < 6.0, waited
    assert medoffice_practice.cli(*argv, user="frontdesk").exit_code == 0
