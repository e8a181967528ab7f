"""Accounts that cannot be turned against the practice: sign-in that tells nothing, a log that
keeps no stray passwords, and a practice that always keeps someone who can manage its users.

Each class is one story from issue 15.
"""

from __future__ import annotations


import pytest
from sqlalchemy import select

from medoffice.core import audit
from medoffice.core.errors import AuthenticationError
from medoffice.core.services import users
from medoffice.core.storage.models import User


def entries(practice, action):
    with practice.operation("admin", write=False) as ctx:
        return list(audit.iter_entries(ctx.session, action=action))


def lock_out(practice, username):
    for _ in range(users.MAX_FAILED_ATTEMPTS):
        with pytest.raises(AuthenticationError):
            users.sign_in(practice.runtime, username, "a wrong guess")


class TestAPasswordTypedAsTheUserName:
    """The desk types the password into the user-name field: the log must not keep it."""

    def test_the_unknown_name_is_not_in_the_audit_log_nor_shown(self, medoffice_practice):
        with pytest.raises(AuthenticationError):
            users.sign_in(medoffice_practice.runtime, "Hunter2-Secret!", "")
        (failed,) = entries(medoffice_practice, "auth.sign_in_failed")
        assert "hunter2" not in repr(failed).lower()
        assert failed.username == failed.entity_id and failed.username.startswith("unknown-")
        assert failed.summary == {"reason": "unknown user"}
        shown = medoffice_practice.cli("audit", "show", "--action", "auth.*", user="manager")
        assert shown.exit_code == 0, shown.stderr
        assert "hunter2" not in shown.stdout.lower() and failed.username in shown.stdout

    def test_the_same_wrong_name_twice_reads_as_the_same_guess_and_real_names_stay(self, medoffice_practice):
        for name in ("hunter2-secret", "Hunter2-Secret", "another-guess", "billing"):
            with pytest.raises(AuthenticationError):
                users.sign_in(medoffice_practice.runtime, name, "x")
        names = [(e.username, e.entity_id) for e in reversed(entries(medoffice_practice, "auth.sign_in_failed"))]
        assert names[0] == names[1] != names[2] and names[0][0].startswith("unknown-")
        assert names[3] == ("billing", "billing")

    def test_a_name_longer_than_any_user_name_is_refused_in_one_line(self, medoffice_practice):
        long_name = "correct horse battery staple " * 4
        result = medoffice_practice.cli("users", "list", user=long_name, password="x")
        assert result.exit_code == 1 and result.stderr == "error: unknown user or wrong password\n"


class TestSignInTimeTellsNothing:
    """An unknown user used to be answered at once (4 ms), a known one after a password
    check (309 ms): every refusal but a lock-out now checks a password hash."""

    @pytest.fixture
    def checks(self, monkeypatch):
        real = users.hasher()
        seen = []

        class Counting:
            def verify(self, hash_, password):
                seen.append(hash_)
                return real.verify(hash_, password)

            def __getattr__(self, name):
                return getattr(real, name)

        monkeypatch.setattr(users, "hasher", lambda: Counting())
        return seen

    @pytest.mark.parametrize("username", ["nobody", "", "billing"])
    def test_every_failure_checks_a_hash(self, medoffice_practice, checks, username):
        with pytest.raises(AuthenticationError, match="unknown user or wrong password"):
            users.sign_in(medoffice_practice.runtime, username, "not-the-password")
        assert len(checks) == 1 and checks[0].startswith("$argon2")

    def test_an_inactive_user_costs_a_check_too(self, medoffice_practice, checks):
        with medoffice_practice.operation("admin") as ctx:
            users.set_active(ctx, "billing", False)
        with pytest.raises(AuthenticationError):
            users.sign_in(medoffice_practice.runtime, "billing", "billing-password")
        assert len(checks) == 1


class TestThePracticeKeepsAnAdministrator:
    """The only administrator could take their own admin role away, and then nobody held
    users.manage or roles.manage."""

    def test_the_only_admin_cannot_drop_their_admin_role(self, medoffice_practice):
        result = medoffice_practice.cli("users", "roles", "admin", "--role", "billing")
        assert result.exit_code == 1
        assert "no active user who can manage users and roles" in result.stderr
        assert medoffice_practice.user("admin").roles == {"admin"}

    def test_nor_be_deactivated_by_anyone(self, medoffice_practice):
        medoffice_practice.cli("roles", "grant", "manager", "users.manage")
        result = medoffice_practice.cli("users", "deactivate", "admin", user="manager")
        assert result.exit_code == 1 and "no active user who can manage users and roles" in result.stderr
        assert medoffice_practice.user("admin").active

    def test_with_a_second_admin_the_first_may_step_down(self, medoffice_practice):
        assert medoffice_practice.cli("users", "roles", "manager", "--role", "manager", "--role", "admin").exit_code == 0
        result = medoffice_practice.cli("users", "roles", "admin", "--role", "billing")
        assert result.exit_code == 0, result.stderr
        assert medoffice_practice.user("admin").roles == {"billing"}
        again = medoffice_practice.cli("users", "roles", "manager", "--role", "manager", user="manager")
        assert again.exit_code == 1 and "taking the role admin from manager" in again.stderr

    def test_an_inactive_admin_does_not_count(self, medoffice_practice):
        assert medoffice_practice.cli("users", "roles", "manager", "--role", "admin").exit_code == 0
        assert medoffice_practice.cli("users", "deactivate", "manager").exit_code == 0
        result = medoffice_practice.cli("users", "roles", "admin", "--role", "billing")
        assert result.exit_code == 1

    def test_revoking_the_managing_permissions_from_the_only_managers_role_is_refused(self, medoffice_practice):
        """A practice that gave a custom set-up to managers: the admin role keeps its rights,
        but the role whose users are the only managers cannot lose them either."""
        for permission in users.MANAGING:
            medoffice_practice.cli("roles", "grant", "manager", permission)
        assert medoffice_practice.cli("users", "roles", "admin", "--role", "manager").exit_code == 0
        result = medoffice_practice.cli("roles", "revoke", "manager", "users.manage", user="admin")
        assert result.exit_code == 1 and "no active user who can manage users and roles" in result.stderr
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert "users.manage" in users.role_permissions(ctx)["manager"]

    def test_a_refused_change_leaves_no_audit_entry(self, medoffice_practice):
        medoffice_practice.cli("users", "roles", "admin", "--role", "billing")
        assert entries(medoffice_practice, "user.roles_changed") == []


class TestUnlocking:
    def test_an_admin_unlocks_a_locked_user(self, medoffice_practice):
        lock_out(medoffice_practice, "billing")
        with pytest.raises(AuthenticationError, match="locked until"):
            users.sign_in(medoffice_practice.runtime, "billing", "billing-password")
        result = medoffice_practice.cli("users", "unlock", "billing")
        assert result.exit_code == 0 and result.stdout == "unlocked billing\n"
        assert users.sign_in(medoffice_practice.runtime, "billing", "billing-password").username == "billing"
        (entry,) = entries(medoffice_practice, "user.unlocked")
        assert (entry.username, entry.entity_id, entry.summary) == ("admin", "billing", {"was_locked": True})

    def test_only_an_admin_may_unlock(self, medoffice_practice):
        lock_out(medoffice_practice, "billing")
        result = medoffice_practice.cli("users", "unlock", "billing", user="manager")
        assert result.exit_code == 1 and "users.manage" in result.stderr
        with pytest.raises(AuthenticationError, match="locked until"):
            users.sign_in(medoffice_practice.runtime, "billing", "billing-password")

    def test_unlocking_someone_not_locked_says_so(self, medoffice_practice):
        result = medoffice_practice.cli("users", "unlock", "billing")
        assert result.exit_code == 0 and result.stdout == "billing was not locked\n"


class TestRecoveringTheOnlyAdministrator:
    """Five wrong guesses locked the only administrator, and nobody could unlock them."""

    def test_the_locked_only_admin_is_recovered_locally(self, medoffice_practice):
        lock_out(medoffice_practice, "admin")
        result = medoffice_practice.cli("users", "recover-admin", "admin", "--password-stdin", user=None,
                                        input="a-fresh-start-42\n")
        assert result.exit_code == 0, result.stderr
        assert users.sign_in(medoffice_practice.runtime, "admin", "a-fresh-start-42").can("users.manage")
        (entry,) = entries(medoffice_practice, "user.recovered")
        assert entry.entity_id == "admin" and entry.username == "system"
        assert entry.summary["was_locked"] is True and "@" in entry.summary["by"]
        assert "a-fresh-start-42" not in repr(entry)

    def test_a_user_who_lost_the_admin_role_gets_it_back_and_is_reactivated(self, medoffice_practice):
        """A practice that lost its administrator before the guard existed."""
        with medoffice_practice.operation("admin") as ctx:
            row = ctx.session.execute(select(User).where(User.username == "manager")).scalar_one()
            row.active = False
        result = medoffice_practice.cli("users", "recover-admin", "manager", user=None,
                                        env={"MEDOFFICE_NEW_PASSWORD": "back-in-charge"})
        assert result.exit_code == 0, result.stderr
        recovered = users.sign_in(medoffice_practice.runtime, "manager", "back-in-charge")
        assert recovered.roles == {"manager", "admin"} and recovered.active

    def test_another_practices_audit_key_changes_nothing(self, medoffice_practice, tmp_path):
        other = tmp_path / "other.key"
        other.write_text("0" * 64)
        lock_out(medoffice_practice, "admin")
        result = medoffice_practice.cli("users", "recover-admin", "admin", user=None,
                                        env={"MEDOFFICE_NEW_PASSWORD": "a-fresh-start-42",
                                             "MEDOFFICE_AUDIT_KEY_FILE": str(other), "MEDOFFICE_AUDIT_KEY": None})
        assert result.exit_code == 1 and "did not sign this practice's audit log" in result.stderr
        with pytest.raises(AuthenticationError, match="locked until"):
            users.sign_in(medoffice_practice.runtime, "admin", "admin-password")

    def test_without_the_audit_key_it_is_refused(self, medoffice_practice, tmp_path):
        result = medoffice_practice.cli("users", "recover-admin", "admin", user=None,
                                        env={"MEDOFFICE_NEW_PASSWORD": "a-fresh-start-42", "MEDOFFICE_AUDIT_KEY": None,
                                             "MEDOFFICE_AUDIT_KEY_FILE": str(tmp_path / "missing.key")})
        assert result.exit_code == 1 and "missing.key is missing" in result.stderr
        assert users.sign_in(medoffice_practice.runtime, "admin", "admin-password")

    def test_a_short_password_is_refused(self, medoffice_practice):
        result = medoffice_practice.cli("users", "recover-admin", "admin", "--password-stdin", user=None,
                                        input="short\n")
        assert result.exit_code == 1 and "8 characters" in result.stderr
        assert entries(medoffice_practice, "user.recovered") == []
