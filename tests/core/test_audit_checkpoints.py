"""Audit checkpoints: every terminal writes them as it works, outside the database, and
``audit verify`` finds them by the database's own identity, however its URL is spelled.

They are what catches a log cut at the end with its head rewritten to match, or wiped and
begun again: the chain alone cannot tell those from a shorter log.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import threading
import time

import pytest
from sqlalchemy import text

from medoffice.core import audit
from medoffice.core.services import patients
from medoffice.testing._cli import run_cli
from medoffice.testing._practice import password_of

from .test_audit import register, tamper


def work(practice, entries=1, user="frontdesk"):
    """A unit of work that appends ``entries`` to the log (an import appends thousands at once)."""
    with practice.operation(user) as ctx:
        ctx.audit_many([{"action": "test.work", "entity": "thing", "entity_id": i} for i in range(entries)])


def head(practice):
    with practice.runtime.engine.connect() as conn:
        return conn.execute(text("SELECT seq FROM core_audit_head")).scalar()


def checkpoint_file(practice):
    with practice.operation("admin", write=False) as ctx:
        uid = audit.database_id(ctx.session)
    return audit.checkpoint_path(practice.runtime.settings.checkpoint_dir, uid)


def checkpointed(practice):
    """The rows the checkpoints of this database saw, oldest first."""
    key = practice.runtime.audit_key()
    return [p.seq for p in audit.read_checkpoints(checkpoint_file(practice), key)]


def cut_tail(practice, keep):
    """Remove every row after ``keep`` and rewrite the head to end there: a consistent chain."""
    tamper(practice, f"DELETE FROM core_audit WHERE seq > {keep}",
           f"UPDATE core_audit_head SET seq = {keep}, hash = (SELECT hash FROM core_audit WHERE seq = {keep})")


def verify_cli(practice, url=None, env=None):
    """``medoffice audit verify`` as the administrator, on ``url`` (the practice's by default)."""
    return run_cli(url or practice.url, ["audit", "verify"], user="admin", password=password_of("admin"), env=env)


class TestEveryTerminalCheckpoints:
    def test_the_first_write_of_the_day_checkpoints_in_the_data_folder_mode_0600(self, medoffice_practice,
                                                                                   medoffice_env):
        p = medoffice_practice
        tomorrow = p.runtime.clock() + dt.timedelta(days=1)
        p.runtime.clock = lambda: tomorrow
        register(p)
        path = checkpoint_file(p)
        assert path.parent == medoffice_env / "data" / "audit"
        assert checkpointed(p)[-1] == head(p)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
        before = checkpointed(p)
        register(p, "Bo")
        assert checkpointed(p) == before, "a second write the same day adds no checkpoint"

    def test_the_next_day_and_every_thousand_entries_checkpoint_again(self, medoffice_practice):
        p = medoffice_practice
        register(p)
        first = checkpointed(p)
        today = p.runtime.clock()
        p.runtime.clock = lambda: today + dt.timedelta(days=1)
        register(p, "Bo")
        assert checkpointed(p) == [*first, head(p)]
        work(p, audit.CHECKPOINT_EVERY - 1)
        assert len(checkpointed(p)) == 2, f"{audit.CHECKPOINT_EVERY - 1} entries since the last: not yet"
        work(p, 1)
        assert checkpointed(p)[-1] == head(p)

    def test_a_read_only_unit_of_work_writes_no_checkpoint(self, medoffice_practice):
        p = medoffice_practice
        path = checkpoint_file(p)
        before = path.read_bytes() if path.exists() else None  # making the practice may have written one
        with p.operation("frontdesk", write=False) as ctx:
            patients.find(ctx, "lee")
        assert (path.read_bytes() if path.exists() else None) == before


class TestWhatCheckpointsCatch:
    def test_a_log_wiped_and_its_head_reset_is_caught(self, medoffice_practice):
        p = medoffice_practice
        register(p)
        tamper(p, "DELETE FROM core_audit", f"UPDATE core_audit_head SET seq = 0, hash = '{audit.GENESIS}'")
        result = verify_cli(p)  # its own sign-in begins a new chain: row 1, which verifies
        assert result.exit_code == 1, result.stdout
        assert "but the checkpoint of" in result.stderr and "or the log was wiped and begun again" in result.stderr

    def test_a_log_wiped_with_its_head_deleted_is_caught(self, medoffice_practice):
        p = medoffice_practice
        register(p)
        tamper(p, "DELETE FROM core_audit", "DELETE FROM core_audit_head")
        result = verify_cli(p)
        assert result.exit_code == 1, result.stdout
        assert result.stderr.startswith("error: audit log tampered: the log ends at row 1 but the checkpoint of")

    def test_a_cut_after_a_thousand_entries_were_checkpointed_is_caught(self, medoffice_practice):
        p = medoffice_practice
        register(p)
        start = head(p)
        work(p, audit.CHECKPOINT_EVERY)
        register(p, "Bo")
        cut_tail(p, start + 10)
        result = verify_cli(p)
        assert result.exit_code == 1
        assert f"saw row {start + audit.CHECKPOINT_EVERY}: rows were removed from the end" in result.stderr

    def test_the_checkpoints_are_found_however_the_database_url_is_spelled(self, medoffice_practice, tmp_path,
                                                                            monkeypatch):
        p = medoffice_practice
        register(p)
        kept = head(p)
        register(p, "Bo")
        work(p, audit.CHECKPOINT_EVERY)
        if p.backend == "sqlite":  # and a backup, which checkpoints too
            from medoffice.core import backup

            backup.backup(p.runtime, p.record("admin"), tmp_path / "backup.sqlite")
        cut_tail(p, kept)
        if p.backend == "sqlite":  # sqlite:////abs/practice.sqlite, then the same file by a relative path
            database = p.url.split(":///", 1)[1]
            monkeypatch.chdir(os.path.dirname(database))
            other = f"sqlite:///{os.path.basename(database)}"
        else:  # 127.0.0.1:5432 and localhost with no port, another driver named
            other = p.url.replace("postgresql://", "postgresql+psycopg://").replace("127.0.0.1:5432", "localhost")
        assert other != p.url
        result = verify_cli(p, other, env={"MEDOFFICE_AUDIT_KEY_FILE": str(p.runtime.settings.audit_key_file)})
        assert result.exit_code == 1, result.stdout
        assert "tampered" in result.stderr and "checkpoint" in result.stderr

    def test_an_untouched_log_verifies_with_its_checkpoints_named(self, medoffice_practice):
        p = medoffice_practice
        register(p)
        today = p.runtime.clock()
        p.runtime.clock = lambda: today + dt.timedelta(days=1)
        register(p, "Bo")
        result = verify_cli(p)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith("audit log intact: ") and ", and 2 checkpoints" in result.stdout


class TestVerifyWhileOthersWrite:
    def test_verify_never_reports_tampering_while_another_terminal_writes(self, medoffice_practice):
        """A writer thread opens records without pause (each opening is an audit entry, and the
        day's first one a checkpoint) while ``audit verify`` runs in its own process state."""
        p = medoffice_practice
        ann = register(p)
        stop = threading.Event()
        written = []
        problems = []

        def writer():
            try:
                while not stop.is_set():
                    with p.operation("frontdesk") as ctx:
                        patients.open_record(ctx, ann.mrn)
                    written.append(1)
            except Exception as exc:  # noqa: BLE001 - reported below
                problems.append(exc)

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            results = []
            deadline = time.monotonic() + 20
            while len(results) < 12 and time.monotonic() < deadline:
                results.append(verify_cli(p))
        finally:
            stop.set()
            thread.join(30)
        assert not problems
        assert len(written) > len(results), "the writer kept writing during the verifies"
        assert [r.stderr for r in results if r.exit_code] == []
        assert len(results) >= 5


@pytest.mark.parametrize("medoffice_backend", ["sqlite"], indirect=True)
class TestACopiedDatabase:
    """A practice's file copied (a test copy for training, a move to a new disk): both carry the
    same identity, which named one checkpoint file for both, so each one's checkpoints made
    the other look cut. The copy now takes an identity of its own at its first write, keeps
    the checkpoints taken before it was copied, and says so in its audit log."""

    def copy(self, practice, tmp_path):
        import sqlite3

        source = sqlite3.connect(practice.url.split(":///", 1)[1])
        target_path = tmp_path / "copy.sqlite"
        target = sqlite3.connect(target_path)
        source.backup(target)
        source.close()
        target.close()
        return f"sqlite:///{target_path}"

    def test_each_keeps_its_own_checkpoints_and_verifies(self, medoffice_practice, tmp_path):
        p = medoffice_practice
        register(p)  # the original's first write of the day: a checkpoint
        with p.operation("admin", write=False) as ctx:
            original_id = audit.database_id(ctx.session)
        copied = self.copy(p, tmp_path)
        env = {"MEDOFFICE_AUDIT_KEY_FILE": str(p.runtime.settings.audit_key_file)}
        tomorrow = p.runtime.clock() + dt.timedelta(days=1)
        added = run_cli(copied, ["patients", "add", "--first-name", "Cy", "--last-name", "Copy", "--dob",
                                 "1990-01-01", "--sex", "f"], user="admin", password=password_of("admin"),
                        env=env, clock=lambda: tomorrow)
        assert added.exit_code == 0, added.stderr
        original = verify_cli(p)
        assert original.exit_code == 0, original.stderr
        copy = verify_cli(p, copied, env=env)
        assert copy.exit_code == 0, copy.stderr
        shown = run_cli(copied, ["audit", "show", "--action", "database.identity_renewed", "--json"], user="admin",
                        password=password_of("admin"), env=env)
        [renewed] = json.loads(shown.stdout)
        assert renewed["summary"]["previous_id"] == original_id and renewed["entity_id"] != original_id
        assert renewed["summary"]["checkpoints_kept"] >= 1 and renewed["summary"]["checkpoints_not_matching"] == 0
        with p.operation("admin", write=False) as ctx:
            assert audit.database_id(ctx.session) == original_id, "the original keeps its identity"

    def test_a_copy_cut_before_it_moved_says_how_many_checkpoints_it_does_not_match(self, medoffice_practice,
                                                                                     tmp_path):
        p = medoffice_practice
        register(p)
        kept = head(p)
        work(p, audit.CHECKPOINT_EVERY)  # checkpointed at the thousandth entry
        copied = self.copy(p, tmp_path)
        from sqlalchemy import create_engine

        engine = create_engine(copied)
        with engine.begin() as conn:  # the intruder's cut, on the copy, before anyone opens it
            for trigger in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                             "AND tbl_name LIKE 'core_audit%'")).scalars().all():
                conn.execute(text(f'DROP TRIGGER "{trigger}"'))
            conn.execute(text(f"DELETE FROM core_audit WHERE seq > {kept}"))
            conn.execute(text(f"UPDATE core_audit_head SET seq = {kept}, "
                              f"hash = (SELECT hash FROM core_audit WHERE seq = {kept})"))
        engine.dispose()
        env = {"MEDOFFICE_AUDIT_KEY_FILE": str(p.runtime.settings.audit_key_file)}
        shown = run_cli(copied, ["audit", "show", "--action", "database.identity_renewed", "--json"], user="admin",
                        password=password_of("admin"), env=env)
        assert shown.exit_code == 0, shown.stderr
        [renewed] = json.loads(shown.stdout)
        assert renewed["summary"]["checkpoints_not_matching"] >= 1
