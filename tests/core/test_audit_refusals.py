"""A refused command is audited: who tried what, once per refused command, in a short
transaction of its own (so a refusal in a read-only command is recorded too, and the
refused work is not). And ``audit show --action`` takes ``_`` and ``%`` as written."""

from __future__ import annotations

import pytest

from medoffice.core import audit
from medoffice.core.errors import PermissionDenied
from medoffice.core.services import users

from .test_audit import register


def refusals(practice):
    with practice.operation("admin", write=False) as ctx:
        return [(e.username, e.entity_id, e.summary) for e in audit.iter_entries(ctx.session, action="permission.denied")]


class TestRefusalsAreAudited:
    def test_a_refused_read_only_command_is_recorded_once(self, medoffice_practice):
        result = medoffice_practice.cli("audit", "show", user="frontdesk")
        assert result.exit_code == 1
        assert result.stderr == "error: user 'frontdesk' lacks the permission 'audit.read'\n"
        assert refusals(medoffice_practice) == [
            ("frontdesk", "audit.read", {"permission": "audit.read", "command": "audit show"})]

    def test_each_refused_command_is_one_entry(self, medoffice_practice):
        for _ in range(3):
            assert medoffice_practice.cli("audit", "verify", user="billing").exit_code == 1
        assert [r[:2] for r in refusals(medoffice_practice)] == [("billing", "audit.read")] * 3

    def test_a_refused_change_is_recorded_and_the_change_is_not_made(self, medoffice_practice):
        with pytest.raises(PermissionDenied):
            with medoffice_practice.operation("frontdesk") as ctx:
                users.add_user(ctx, "mallory", "Mallory", "a-long-password-1", ["admin"])
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert "mallory" not in {u.username for u in users.list_users(ctx)}
            assert list(audit.iter_entries(ctx.session, action="user.added", limit=1))[0].entity_id != "mallory"
        assert refusals(medoffice_practice) == [("frontdesk", "users.manage", {"permission": "users.manage"})]

    def test_a_refusal_inside_nested_units_of_work_is_recorded_once(self, medoffice_practice):
        p = medoffice_practice
        with pytest.raises(PermissionDenied):
            with p.operation("billing", write=False):
                with p.operation("billing", write=False) as inner:
                    inner.require("users.manage")
        assert refusals(p) == [("billing", "users.manage", {"permission": "users.manage"})]

    def test_what_is_allowed_records_no_refusal(self, medoffice_practice):
        assert medoffice_practice.cli("audit", "show", user="manager").exit_code == 0
        assert refusals(medoffice_practice) == []


class TestShowActionPattern:
    def test_underscore_and_percent_are_plain_characters(self, medoffice_practice):
        p = medoffice_practice
        register(p)
        with p.operation("admin") as ctx:
            ctx.audit("test.a_b", "thing")
            ctx.audit("test.axb", "thing")
            ctx.audit("test.100%", "thing")
            ctx.audit("test.1000", "thing")

        def actions(pattern):
            result = p.cli("audit", "show", "--action", pattern, "--json")
            assert result.exit_code == 0, result.stderr
            return [e["action"] for e in result.json()]

        assert actions("patient_registered") == []
        assert actions("test.a_b") == ["test.a_b"]
        assert actions("test.100%") == ["test.100%"]
        assert actions("%") == []
        assert actions("test.*") == ["test.1000", "test.100%", "test.axb", "test.a_b"]
        assert actions("patient.*") == ["patient.registered"]
