"""The audit log records every change and detects tampering."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from medoffice.core import audit
from medoffice.core.services import patients


def register(practice, first="Ann", user="frontdesk"):
    with practice.operation(user) as ctx:
        return patients.register(ctx, {"first_name": first, "last_name": "Lee", "date_of_birth": "1970-01-02",
                                        "sex": "f"}).patient


def verify(practice):
    """What ``audit verify`` reports, as the administrator (without a sign-in of its own)."""
    return audit.verify_practice(practice.runtime, practice.record("admin"))


def tamper(practice, *statements):
    """What an intruder with database access would do: switch the guard off, change rows."""
    engine = practice.runtime.engine
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS core_audit_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS core_audit_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE core_audit DISABLE TRIGGER USER")
        for statement in statements:
            conn.execute(text(statement))


class TestRecording:
    def test_every_change_and_opening_is_recorded_with_user_and_time(self, medoffice_practice):
        patient = register(medoffice_practice)
        with medoffice_practice.operation("frontdesk") as ctx:
            patients.update(ctx, patient.mrn, {"phone": "555-010-1234"})
        with medoffice_practice.operation("billing") as ctx:
            patients.open_record(ctx, patient.mrn)
        with medoffice_practice.operation("admin", write=False) as ctx:
            entries = list(audit.iter_entries(ctx.session, patient_id=patient.id))
        assert [(e.action, e.username) for e in entries] == [
            ("patient.opened", "billing"), ("patient.updated", "frontdesk"), ("patient.registered", "frontdesk")]
        assert entries[1].summary == {"changed": {"phone": [None, "555-010-1234"]}}
        assert all(e.at.tzinfo is not None for e in entries)

    def test_no_password_or_card_number_reaches_the_audit_trail(self, medoffice_practice):
        with medoffice_practice.operation("admin") as ctx:
            ctx.audit("test.event", "thing", summary={"password": "hunter22", "note": "card 4111 1111 1111 1111"})
        with medoffice_practice.operation("admin", write=False) as ctx:
            (entry,) = list(audit.iter_entries(ctx.session, action="test.event"))
        dumped = json.dumps(entry.summary)
        assert "hunter22" not in dumped and "4111" not in dumped

    def test_the_database_refuses_to_update_or_delete_audit_rows(self, medoffice_practice):
        register(medoffice_practice)
        for statement in ("UPDATE core_audit SET action = 'x'", "DELETE FROM core_audit"):
            with pytest.raises(DBAPIError, match="append-only"):
                with medoffice_practice.runtime.engine.begin() as conn:
                    conn.execute(text(statement))
        assert verify(medoffice_practice).ok


class TestVerify:
    def test_an_untouched_log_verifies(self, medoffice_practice):
        register(medoffice_practice)
        report = verify(medoffice_practice)
        assert report.ok and report.rows > 3

    def test_a_hand_edited_row_is_named(self, medoffice_practice):
        register(medoffice_practice)
        with medoffice_practice.operation("admin", write=False) as ctx:
            seq = next(audit.iter_entries(ctx.session, action="patient.registered")).seq
        tamper(medoffice_practice, f"UPDATE core_audit SET username = 'admin' WHERE seq = {seq}")
        report = verify(medoffice_practice)
        assert not report.ok
        assert report.first_bad_seq == seq and "altered" in report.problem

    def test_a_deleted_row_is_named(self, medoffice_practice):
        register(medoffice_practice)
        register(medoffice_practice, "Bo")
        tamper(medoffice_practice, "DELETE FROM core_audit WHERE seq = 3")
        report = verify(medoffice_practice)
        assert (report.ok, report.first_bad_seq) == (False, 3)
        assert "deleted" in report.problem

    def test_swapped_rows_are_caught(self, medoffice_practice):
        register(medoffice_practice)
        tamper(medoffice_practice,
               "UPDATE core_audit SET seq = -1 WHERE seq = 2",
               "UPDATE core_audit SET seq = 2 WHERE seq = 3",
               "UPDATE core_audit SET seq = 3 WHERE seq = -1")
        report = verify(medoffice_practice)
        assert (report.ok, report.first_bad_seq) == (False, 2)

    def test_an_inserted_row_is_caught(self, medoffice_practice):
        register(medoffice_practice)
        with medoffice_practice.operation("admin", write=False) as ctx:
            last = next(audit.iter_entries(ctx.session, limit=1)).seq
        tamper(medoffice_practice,
               "INSERT INTO core_audit (seq, at, username, action, entity, summary, prev_hash, hash) "
               f"VALUES ({last + 1}, '2026-01-01 00:00:00', 'admin', 'x', 'y', '{{}}', 'a', 'b')")
        report = verify(medoffice_practice)
        assert not report.ok and report.first_bad_seq == last + 1

    def test_a_cut_off_tail_is_caught_by_the_backup_checkpoint(self, medoffice_practice, tmp_path):
        from medoffice.core import backup

        if medoffice_practice.runtime.engine.dialect.name != "sqlite":
            with medoffice_practice.operation("admin", write=False) as ctx:
                audit.write_checkpoint(ctx.session, medoffice_practice.runtime.audit_key(),
                                       medoffice_practice.runtime.settings.checkpoint_file, ctx.now())
        else:
            backup.backup(medoffice_practice.runtime, medoffice_practice.user("admin"), tmp_path / "b.sqlite")
        with medoffice_practice.operation("admin", write=False) as ctx:
            last = next(audit.iter_entries(ctx.session, limit=1)).seq
        tamper(medoffice_practice, f"DELETE FROM core_audit WHERE seq >= {last - 1}",
               f"UPDATE core_audit_head SET seq = {last - 2}, hash = "
               f"(SELECT hash FROM core_audit WHERE seq = {last - 2})")
        report = verify(medoffice_practice)
        assert not report.ok
        assert "removed from the end" in report.problem

    def test_a_deleted_head_is_named_and_nothing_more_is_written(self, medoffice_practice):
        register(medoffice_practice)
        tamper(medoffice_practice, "DELETE FROM core_audit_head")
        report = verify(medoffice_practice)
        assert (report.ok, report.problem) == (False, "the log's head is missing: it was deleted")
        result = medoffice_practice.cli("audit", "verify")  # its sign-in would collide with row 1
        assert result.exit_code == 1
        assert result.stderr.startswith("error: the audit log was tampered with: its head (core_audit_head) was "
                                        "deleted while ")
        tamper(medoffice_practice, f"INSERT INTO core_audit_head (id, seq, hash) VALUES (1, 0, '{audit.GENESIS}')")
        assert "was reset while" in medoffice_practice.cli("audit", "verify").stderr

    def test_the_cli_exits_1_naming_the_row(self, medoffice_practice):
        register(medoffice_practice)
        tamper(medoffice_practice, "UPDATE core_audit SET summary = '{}' WHERE seq = 2")
        result = medoffice_practice.cli("audit", "verify")
        assert result.exit_code == 1
        assert result.stderr.strip() == "error: audit log tampered: row 2 was altered or inserted without the key"


class TestShow:
    def test_show_filters_by_patient_and_user(self, medoffice_practice):
        ann = register(medoffice_practice)
        register(medoffice_practice, "Bo", user="manager")
        result = medoffice_practice.cli("audit", "show", "--patient", ann.mrn, "--json")
        assert result.exit_code == 0, result.stderr
        assert {e["action"] for e in result.json()} == {"patient.registered"}
        by_manager = medoffice_practice.cli("audit", "show", "--user", "manager", "--action", "patient.*", "--json")
        assert [e["username"] for e in by_manager.json()] == ["manager"]

    def test_the_front_desk_may_not_read_the_audit_log(self, medoffice_practice):
        result = medoffice_practice.cli("audit", "show", user="frontdesk")
        assert result.exit_code == 1
        assert "lacks the permission 'audit.read'" in result.stderr


def test_show_filters_by_date_in_the_practice_time_zone(medoffice_practice):
    import datetime as dt

    register(medoffice_practice)
    with medoffice_practice.operation("admin", write=False) as ctx:
        today = ctx.local(ctx.now()).date()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    todays = medoffice_practice.cli("audit", "show", "--since", today.isoformat(), "--until", today.isoformat(),
                                    "--action", "patient.*", "--json").json()
    assert [e["action"] for e in todays] == ["patient.registered"]
    assert medoffice_practice.cli("audit", "show", "--since", tomorrow, "--json").json() == []
    assert medoffice_practice.cli("audit", "show", "--until", yesterday, "--json").json() == []


def test_many_entries_go_in_as_one_insert_statement_without_orm_objects_chained_and_verified(medoffice_practice):
    """An import's thousands of entries: one ``INSERT`` statement executed for all the rows
    (the driver's executemany), no ORM object made and flushed per entry (twice as fast on
    SQLite, five times on PostgreSQL), the chain as one-by-one appends make it."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from medoffice.core.storage.models import AuditRow

    inserts: list[int] = []
    through_the_orm: list[object] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO CORE_AUDIT "):
            inserts.append(len(parameters) if executemany else 1)

    def persisted(session, instance):
        if isinstance(instance, AuditRow):
            through_the_orm.append(instance)

    engine = medoffice_practice.runtime.engine
    event.listen(engine, "before_cursor_execute", count)
    event.listen(Session, "pending_to_persistent", persisted)
    try:
        with medoffice_practice.operation("frontdesk") as ctx:
            ctx.audit_many([{"action": "test.imported", "entity": "thing", "entity_id": i, "patient_id": None,
                             "summary": {"row": i, "name": "Zoë \u202e"}} for i in range(2500)])
    finally:
        event.remove(engine, "before_cursor_execute", count)
        event.remove(Session, "pending_to_persistent", persisted)
    assert (inserts, len(through_the_orm)) == ([2500], 0)
    report = verify(medoffice_practice)
    assert report.ok, report
    with medoffice_practice.operation("admin", write=False) as ctx:
        rows = list(audit.iter_entries(ctx.session, action="test.imported", limit=5000))
    assert len(rows) == 2500 and {r.summary["row"] for r in rows} == set(range(2500))
    tamper(medoffice_practice, "UPDATE core_audit SET entity_id = 'x' WHERE action = 'test.imported' "
                               "AND entity_id = '1234'")
    assert not verify(medoffice_practice).ok


class TestAnOperationsEntries:
    """An operation's entries wait in its unit of work and go in together at its commit."""

    def log_statements(self, practice, action):
        """The statements ``action`` sends to the audit log's tables, by verb."""
        from sqlalchemy import event

        on_the_log: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany):
            if "core_audit" in statement:
                on_the_log.append(statement.split()[0].upper())

        engine = practice.runtime.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            action()
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return on_the_log

    def three_entries(self, practice, action="test.batched"):
        with practice.operation("admin") as ctx:
            for n in range(3):
                ctx.audit(action, "thing", n, summary={"n": n})

    def test_three_entries_cost_one_head_update_and_one_insert(self, medoffice_practice):
        """The head the connection's last write left is moved with one conditional update:
        no read of the head, however many entries."""
        register(medoffice_practice)  # the connection's key check and first head read are behind us
        assert self.log_statements(medoffice_practice, lambda: self.three_entries(medoffice_practice)) == \
            ["UPDATE", "INSERT"]
        with medoffice_practice.operation("admin", write=False) as ctx:
            entries = list(audit.iter_entries(ctx.session, action="test.batched"))
        assert [e.entity_id for e in entries] == ["2", "1", "0"]
        assert verify(medoffice_practice).ok

    def test_after_another_terminals_write_or_a_rolled_back_one_the_head_is_locked_and_read(
            self, medoffice_practice):
        """When the head is no longer the one this connection left (another terminal wrote,
        or this connection's last write rolled back), the conditional update moves nothing:
        the head is locked and read and the chain extended from it, one chain either way."""
        p = medoffice_practice
        register(p)
        from medoffice.core.runtime import open_runtime

        other = open_runtime(settings=p.runtime.settings, candidates=p.candidates)  # another terminal
        try:
            with other.operation(p.record("admin")) as ctx:
                ctx.audit("test.other", "thing", "x")
        finally:
            other.close()
        sent = self.log_statements(p, lambda: self.three_entries(p))
        assert sent[-2:] == ["UPDATE", "INSERT"] and "SELECT" in sent
        assert verify(p).ok

        with pytest.raises(RuntimeError), p.operation("admin") as ctx:  # written, then rolled back
            ctx.audit("test.undone", "thing", 1)
            audit.write_pending(ctx.session)
            raise RuntimeError("the work failed")
        self.three_entries(p, "test.after")
        with p.operation("admin", write=False) as ctx:
            assert list(audit.iter_entries(ctx.session, action="test.undone")) == []
            assert len(list(audit.iter_entries(ctx.session, action="test.after"))) == 3
        assert verify(p).ok

    def test_a_rolled_back_operation_or_savepoint_leaves_no_entry(self, medoffice_practice):
        with pytest.raises(RuntimeError), medoffice_practice.operation("admin") as ctx:
            ctx.audit("test.undone", "thing", 1)
            raise RuntimeError("the work failed")
        with medoffice_practice.operation("admin") as ctx:
            ctx.audit("test.kept", "thing", 1)
            savepoint = ctx.session.begin_nested()
            ctx.audit("test.undone", "thing", 2)
            inner = ctx.session.begin_nested()
            ctx.audit("test.undone", "thing", 3)
            inner.commit()
            savepoint.rollback()
            ctx.audit("test.kept", "thing", 4)
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert list(audit.iter_entries(ctx.session, action="test.undone")) == []
            assert [e.entity_id for e in audit.iter_entries(ctx.session, action="test.kept")] == ["4", "1"]
        assert verify(medoffice_practice).ok

    def test_two_terminals_writing_at_once_keep_one_chain(self, medoffice_practice):
        """Two desks (two connections) commit audited work at the same moments: each waits for
        the other's head, so the chain stays one and every entry is in it."""
        import threading

        p = medoffice_practice
        register(p)
        start, problems = threading.Barrier(2), []

        def desk(name):
            try:
                start.wait(10)
                for n in range(12):
                    with p.operation("frontdesk") as ctx:
                        ctx.audit("test.desk", "thing", f"{name}{n}")
                        ctx.audit("test.desk", "thing", f"{name}{n}b")
            except Exception as exc:  # noqa: BLE001 - reported below
                problems.append(exc)

        desks = [threading.Thread(target=desk, args=(name,)) for name in "ab"]
        for thread in desks:
            thread.start()
        for thread in desks:
            thread.join(60)
        assert problems == []
        with p.operation("admin", write=False) as ctx:
            written = [e.entity_id for e in audit.iter_entries(ctx.session, action="test.desk", limit=100)]
        assert sorted(written) == sorted(f"{d}{n}{b}" for d in "ab" for n in range(12) for b in ("", "b"))
        for n in range(12):  # an operation's entries stay side by side
            for d in "ab":
                at = written.index(f"{d}{n}")
                assert written[at - 1] == f"{d}{n}b"
        assert verify(p).ok
