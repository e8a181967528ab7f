"""Administration from the command line: users, roles, practice, staff, plugins, database."""

from __future__ import annotations

import pytest


class TestUsersAndRoles:
    def test_an_admin_adds_a_user_who_can_then_sign_in(self, medoffice_practice, monkeypatch):
        monkeypatch.setenv("MEDOFFICE_NEW_PASSWORD", "sunny-days-42")
        result = medoffice_practice.cli("users", "add", "casey", "--name", "Casey Ray", "--role", "front_desk")
        assert result.exit_code == 0, result.stderr
        listed = medoffice_practice.cli("users", "list", "--json").json()
        assert {"username": "casey", "name": "Casey Ray", "roles": ["front_desk"], "active": True} in listed
        from medoffice.core.services.users import sign_in

        assert sign_in(medoffice_practice.runtime, "casey", "sunny-days-42").can("patients.write")

    def test_only_admins_manage_users(self, medoffice_practice, monkeypatch):
        monkeypatch.setenv("MEDOFFICE_NEW_PASSWORD", "sunny-days-42")
        result = medoffice_practice.cli("users", "add", "casey", "--name", "C", "--role", "admin", user="manager")
        assert result.exit_code == 1 and "users.manage" in result.stderr

    def test_an_unknown_role_is_refused(self, medoffice_practice, monkeypatch):
        monkeypatch.setenv("MEDOFFICE_NEW_PASSWORD", "sunny-days-42")
        result = medoffice_practice.cli("users", "add", "casey", "--name", "C", "--role", "janitor")
        assert result.exit_code == 1 and "unknown role(s): janitor" in result.stderr

    def test_the_role_map_is_data_a_manager_can_be_given_more(self, medoffice_practice):
        assert not medoffice_practice.user("billing").can("patients.export")
        granted = medoffice_practice.cli("roles", "grant", "billing", "patients.export")
        assert granted.exit_code == 0, granted.stderr
        assert medoffice_practice.user("billing").can("patients.export")
        mapping = medoffice_practice.cli("roles", "list", "--json").json()
        assert "patients.export" in mapping["billing"]
        medoffice_practice.cli("roles", "revoke", "billing", "patients.export")
        assert not medoffice_practice.user("billing").can("patients.export")

    def test_granting_an_unknown_permission_is_refused(self, medoffice_practice):
        result = medoffice_practice.cli("roles", "grant", "billing", "payroll.everything")
        assert result.exit_code == 1 and "no permission named" in result.stderr

    def test_wrong_password_from_a_script(self, medoffice_practice, monkeypatch):
        result = medoffice_practice.cli("users", "list", user="admin", password="wrong")
        assert result.exit_code == 1
        assert result.stderr == "error: unknown user or wrong password\n"


class TestPracticeAndStaff:
    def test_show_and_edit_the_practice(self, medoffice_practice):
        edited = medoffice_practice.cli("practice", "edit", "--set", "npi=1234567893", "--set", "phone=555-010-0000")
        assert edited.exit_code == 0, edited.stderr
        shown = medoffice_practice.cli("practice", "show", "--json", user="frontdesk").json()
        assert shown["npi"] == "1234567893" and shown["timezone"] == "America/New_York"

    def test_a_bad_npi_changes_nothing(self, medoffice_practice):
        result = medoffice_practice.cli("practice", "edit", "--set", "npi=1234567890", "--set", "phone=555-010-0000")
        assert result.exit_code == 1 and "check digit" in result.stderr
        assert medoffice_practice.cli("practice", "show", "--json").json()["phone"] is None

    def test_locations_and_rooms(self, medoffice_practice):
        assert medoffice_practice.cli("practice", "add-location", "Main").exit_code == 0
        assert medoffice_practice.cli("practice", "add-room", "Main", "Exam 1").exit_code == 0
        dup = medoffice_practice.cli("practice", "add-room", "Main", "Exam 1")
        assert dup.exit_code == 1 and "already has a room" in dup.stderr
        missing = medoffice_practice.cli("practice", "add-room", "Nowhere", "Exam 1")
        assert missing.exit_code == 1 and "no location named 'Nowhere'" in missing.stderr
        locations = medoffice_practice.cli("practice", "show", "--json").json()["locations"]
        assert [(loc["name"], [r["name"] for r in loc["rooms"]]) for loc in locations] == [("Main", ["Exam 1"])]

    def test_providers_need_a_valid_unique_npi(self, medoffice_practice):
        no_npi = medoffice_practice.cli("staff", "add", "Dr Who", "--role", "provider", "--provider", user="manager")
        assert no_npi.exit_code == 1 and "needs an NPI" in no_npi.stderr
        ok = medoffice_practice.cli("staff", "add", "Dr Who", "--role", "provider", "--provider",
                                    "--npi", "1234567893", "--json", user="manager")
        assert ok.exit_code == 0, ok.stderr
        clash = medoffice_practice.cli("staff", "add", "Dr Two", "--role", "provider", "--provider",
                                       "--npi", "1234567893", user="manager")
        assert clash.exit_code == 1 and "already belongs" in clash.stderr
        listed = medoffice_practice.cli("staff", "list", "--providers", "--json", user="frontdesk").json()
        assert [s["name"] for s in listed] == ["Dr Who"]

    def test_staff_edit(self, medoffice_practice):
        added = medoffice_practice.cli("staff", "add", "Pat", "--role", "front_desk", "--json", user="manager").json()
        result = medoffice_practice.cli("staff", "edit", str(added["id"]), "--set", "active=no", user="manager")
        assert result.exit_code == 0, result.stderr
        assert medoffice_practice.cli("staff", "list", "--json").json() == []
        bad = medoffice_practice.cli("staff", "edit", str(added["id"]), "--set", "active=maybe", user="manager")
        assert bad.exit_code == 1 and "yes or no" in bad.stderr


class TestPluginsAndDatabase:
    def test_plugins_list_as_json(self, medoffice_practice):
        result = medoffice_practice.cli("plugins", "list", "--json")
        assert result.exit_code == 0, result.stderr
        rows = result.json()
        assert all({"id", "version", "distribution", "api_version", "provides", "status", "hooks"} <= set(r) for r in rows)

    def test_db_status_and_upgrade(self, medoffice_practice):
        status = medoffice_practice.cli("db", "status", "--json").json()
        from medoffice.core.storage.schema_version import CORE_HEAD

        assert {"branch": "core", "owner": "core", "current": CORE_HEAD, "head": CORE_HEAD, "pending": False} in status
        upgraded = medoffice_practice.cli("db", "upgrade")
        assert upgraded.exit_code == 0 and "already up to date" in upgraded.stdout

    def test_only_admins_migrate(self, medoffice_practice):
        result = medoffice_practice.cli("db", "upgrade", user="manager")
        assert result.exit_code == 1 and "db.manage" in result.stderr

    def test_enabling_an_unknown_plugin_names_the_installed_ones(self, medoffice_practice):
        result = medoffice_practice.cli("plugins", "enable", "teleport")
        assert result.exit_code == 1 and "no plugin 'teleport' is installed" in result.stderr


class TestErrors:
    def test_an_unknown_command_is_a_usage_error(self, medoffice_practice):
        assert medoffice_practice.cli("fly").exit_code == 2

    def test_no_practice_yet_is_a_clear_error(self, tmp_path, medoffice_env):
        from click.testing import CliRunner

        from medoffice.core.cli import cli

        result = CliRunner().invoke(cli, ["--db", f"sqlite:///{tmp_path / 'empty.sqlite'}", "patients", "find", "x"],
                                    env={"MEDOFFICE_USER": "admin", "MEDOFFICE_PASSWORD": "x"})
        assert result.exit_code == 1
        assert "run 'medoffice init'" in result.output

    @pytest.mark.parametrize("url", ["postgresql://nobody@127.0.0.1:1/none", "mysql+nodriver://x/y"])
    def test_an_unreachable_or_unknown_database_is_one_line(self, url, medoffice_env):
        from click.testing import CliRunner

        from medoffice.core.cli import cli

        result = CliRunner().invoke(cli, ["--db", url, "patients", "find", "x"])
        assert result.exit_code == 1
        assert result.output.startswith("error: ") and "Traceback" not in result.output
