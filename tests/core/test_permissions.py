"""Each role sees only what it needs; refusals come before any patient data is read."""

from __future__ import annotations

import attrs
import pytest

from medoffice.core.errors import PermissionDenied
from medoffice.core.services import patients, users

ROLE_CAN = {
    "frontdesk": {"patients.read", "patients.write"},
    "billing": {"patients.read"},
    "manager": {"patients.read", "patients.write", "patients.export", "audit.read", "staff.write"},
    "admin": {"users.manage", "roles.manage", "plugins.manage", "db.manage"},
}
ROLE_CANNOT = {
    "frontdesk": {"audit.read", "users.manage", "patients.export", "plugins.manage"},
    "billing": {"patients.write", "users.manage", "staff.write"},
    "manager": {"users.manage", "plugins.manage", "db.manage"},
}


@pytest.mark.parametrize("username", sorted(ROLE_CAN))
def test_default_roles_grant_what_the_job_needs(medoffice_practice, username):
    user = medoffice_practice.user(username)
    assert ROLE_CAN[username] <= user.permissions
    assert not (ROLE_CANNOT.get(username, set()) & user.permissions)


def test_a_refusal_reads_no_patient_data(medoffice_practice, monkeypatch):
    with medoffice_practice.operation("frontdesk") as ctx:
        patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02", "sex": "f"})
    without_read = attrs.evolve(medoffice_practice.user("billing"), permissions=frozenset())
    statements = []
    from sqlalchemy import event

    engine = medoffice_practice.runtime.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    with medoffice_practice.runtime.operation(without_read, write=False) as ctx:
        event.listen(engine, "before_cursor_execute", listener)
        try:
            with pytest.raises(PermissionDenied):
                patients.find(ctx, "lee")
            with pytest.raises(PermissionDenied):
                patients.open_record(ctx, "000001")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    assert not [s for s in statements if "core_patient" in s]


def test_a_permission_plugins_register_can_be_granted_to_any_role(medoffice_practice):
    with medoffice_practice.operation("admin") as ctx:
        users.grant(ctx, "billing", "patients.write")
    assert medoffice_practice.user("billing").can("patients.write")
