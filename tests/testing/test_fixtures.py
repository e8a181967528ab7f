"""The fixtures as a test uses them: environment, database, practice, users, CLI, TUI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from medoffice.core import SYSTEM_USER
from medoffice.core.errors import AuthenticationError
from medoffice.core.services import patients, users
from medoffice.core.storage.engine import normalise_url
from medoffice.testing import CliResult, Practice, wait_for


@pytest.fixture
def dirty_env(monkeypatch):
    """What a developer's shell might hold: a real practice, user and audit key."""
    for name, value in {"MEDOFFICE_DB": "sqlite:////real/practice.sqlite", "MEDOFFICE_USER": "dr-real",
                        "MEDOFFICE_PASSWORD": "real-secret", "MEDOFFICE_AUDIT_KEY": "k",
                        "MEDOFFICE_AUDIT_KEY_FILE": "/real/key", "MEDOFFICE_FAST_HASHING": "0"}.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def cleaned_env(dirty_env, medoffice_env):
    return medoffice_env


class TestEnvironment:
    def test_the_real_practice_user_and_key_are_out_of_reach(self, cleaned_env):
        assert os.environ["MEDOFFICE_HOME"] == str(cleaned_env) and cleaned_env.is_dir()
        assert os.environ["MEDOFFICE_FAST_HASHING"] == "1"
        for name in ("MEDOFFICE_DB", "MEDOFFICE_USER", "MEDOFFICE_PASSWORD", "MEDOFFICE_AUDIT_KEY",
                     "MEDOFFICE_AUDIT_KEY_FILE"):
            assert name not in os.environ

    def test_the_practice_keeps_its_audit_key_under_the_temporary_home(self, medoffice_practice, medoffice_env):
        key_file = medoffice_practice.runtime.settings.audit_key_file
        assert key_file.is_file() and medoffice_env in key_file.parents


class TestDatabase:
    def test_each_test_gets_an_empty_database_of_its_backend(self, medoffice_backend, medoffice_db_url, tmp_path):
        engine = create_engine(normalise_url(medoffice_db_url))
        try:
            assert engine.dialect.name == medoffice_backend
            assert inspect(engine).get_table_names() == []
            if medoffice_backend == "sqlite":
                assert Path(engine.url.database).parent == tmp_path
            else:
                with engine.connect() as conn:
                    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
                assert schema.startswith("mo_") and f"search_path%3D{schema}" in medoffice_db_url
        finally:
            engine.dispose()

    def test_the_test_id_names_the_backend(self, request, medoffice_backend):
        assert request.node.name.endswith(f"[{medoffice_backend}]")

    @pytest.mark.parametrize("medoffice_backend", ["sqlite"], indirect=True)
    def test_a_test_may_pin_its_backend(self, request, medoffice_backend):
        assert medoffice_backend == "sqlite" and request.node.name.endswith("[sqlite]")


class TestPractice:
    def test_the_practice_and_its_users(self, medoffice_practice):
        assert isinstance(medoffice_practice, Practice)
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert (ctx.practice.name, ctx.practice.timezone) == ("Test Practice", "America/New_York")
            listed = {u.username: u.roles for u in users.list_users(ctx)}
        assert listed == {"admin": {"admin"}, "frontdesk": {"front_desk"}, "billing": {"billing"},
                          "manager": {"manager"}}

    @pytest.mark.parametrize("name", ["admin", "frontdesk", "billing", "manager"])
    def test_every_user_signs_in_with_their_name_and_password(self, medoffice_practice, name):
        assert users.sign_in(medoffice_practice.runtime, name, f"{name}-password").username == name
        assert medoffice_practice.user(name).username == name

    def test_user_signs_in_for_real(self, medoffice_practice):
        from medoffice.core import audit

        medoffice_practice.user("billing")
        with medoffice_practice.operation("admin", write=False) as ctx:
            assert [e.action for e in audit.iter_entries(ctx.session, username="billing")] == ["auth.sign_in"]
        with medoffice_practice.operation("frontdesk") as ctx:
            users.set_password(ctx, "frontdesk", "changed-password")
        with pytest.raises(AuthenticationError):
            medoffice_practice.user("frontdesk")

    def test_another_terminal_sees_what_the_first_one_wrote_on_the_same_clock(self, medoffice_practice,
                                                                              medoffice_other_terminal):
        import datetime as dt

        from medoffice.core.services import patients

        p, other = medoffice_practice, medoffice_other_terminal
        assert other is not p.runtime and other.engine is not p.runtime.engine
        moment = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.timezone.utc)
        p.runtime.clock = lambda: moment
        assert other.clock() == moment, "desk B's clock follows desk A's"
        with p.operation("frontdesk") as ctx:
            mrn = patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                          "sex": "f"}).patient.mrn
        with other.operation(p.record("frontdesk"), write=False) as ctx:
            assert patients.get(ctx, mrn).last_name == "Lee"
        fixed = dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
        with p.another_terminal(clock=lambda: fixed) as third:
            assert third.clock() == fixed and third is not other

    def test_operation_acts_as_the_user_named_the_record_given_or_the_system(self, medoffice_practice):
        with medoffice_practice.operation("frontdesk") as ctx:
            assert ctx.user.username == "frontdesk" and ctx.can("patients.write") and not ctx.can("users.manage")
        billing = medoffice_practice.user("billing")
        with medoffice_practice.operation(billing, write=False) as ctx:
            assert ctx.user == billing and ctx.write is False
        with medoffice_practice.operation(None) as ctx:
            assert ctx.user == SYSTEM_USER

    def test_an_operation_that_raises_writes_nothing(self, medoffice_practice):
        with pytest.raises(RuntimeError):
            with medoffice_practice.operation("frontdesk") as ctx:
                patients.register(ctx, {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1970-01-02",
                                        "sex": "f"})
                raise RuntimeError("changed my mind")
        with medoffice_practice.operation(write=False) as ctx:
            assert patients.count(ctx) == 0

    def test_medoffice_user_is_the_signed_in_administrator(self, medoffice_user):
        assert medoffice_user.username == "admin" and "users.manage" in medoffice_user.permissions

    def test_the_runtime_is_closed_after_the_test(self, closed_runtimes, medoffice_practice):
        closed_runtimes.expect(medoffice_practice.runtime)


@pytest.fixture
def closed_runtimes(monkeypatch):
    """Set up before the practice, so its check runs after the practice's teardown."""
    from medoffice.core.runtime import Runtime

    class Spy:
        def __init__(self):
            self.closed, self.expected = [], []

        def expect(self, runtime):
            self.expected.append(runtime)

    spy = Spy()
    real_close = Runtime.close

    def close(runtime):
        spy.closed.append(runtime)
        real_close(runtime)

    monkeypatch.setattr(Runtime, "close", close)
    yield spy
    assert spy.expected and all(any(r is e for r in spy.closed) for e in spy.expected), (
        "medoffice_practice did not close its runtime")


class TestPlugins:
    def test_by_default_every_installed_plugin_keeps_its_default(self, medoffice_practice):
        assert medoffice_practice.runtime.plugins.status("patient-alerts").status == "enabled"

    @pytest.mark.medoffice_plugins()
    def test_the_marker_leaves_out_the_plugins_it_does_not_name(self, medoffice_practice):
        status = medoffice_practice.runtime.plugins.status("patient-alerts")
        assert status.status == "disabled"
        assert "alerts" not in medoffice_practice.cli("--help", user=None).stdout
        with medoffice_practice.runtime.engine.connect() as conn:
            assert not inspect(conn).has_table("patient_alerts_alert")

    @pytest.mark.medoffice_plugins("patient-alerts")
    def test_the_marker_enables_the_plugins_it_names(self, medoffice_practice):
        assert medoffice_practice.runtime.plugins.active_ids == ["patient-alerts"]
        with medoffice_practice.runtime.engine.connect() as conn:
            assert inspect(conn).has_table("patient_alerts_alert")

    @pytest.mark.medoffice_plugins("no-such-plugin")
    def test_the_marker_refuses_a_plugin_that_is_not_installed(self, request):
        with pytest.raises(pytest.fail.Exception, match="'no-such-plugin', which is not installed"):
            request.getfixturevalue("medoffice_practice")


@pytest.fixture
def medoffice_extra_plugins(request, kit_plugins):
    """The kit_plugins classes the test names with ``@pytest.mark.extras(...)``."""
    mark = request.node.get_closest_marker("extras")
    return [getattr(kit_plugins, name)() for name in (mark.args if mark else ())]


class TestExtraPlugins:
    @pytest.mark.extras("Tidy")
    def test_an_in_memory_plugin_is_enabled_even_when_off_by_default(self, medoffice_practice):
        assert medoffice_practice.runtime.plugins.status("tidy").status == "enabled"
        assert medoffice_practice.user("manager").can("tidy.view")

    @pytest.mark.extras("Tidy")
    def test_its_commands_reach_the_cli(self, medoffice_cli):
        result = medoffice_cli("tidy", "hello")
        assert (result.exit_code, result.stdout) == (0, "hello from tidy\n")

    @pytest.mark.medoffice_plugins()
    @pytest.mark.extras("NeedsAlerts")
    def test_what_a_plugin_requires_follows_it(self, medoffice_practice):
        assert medoffice_practice.runtime.plugins.active_ids == ["patient-alerts", "needs-alerts"]


class TestCli:
    def test_stdout_and_stderr_are_kept_apart(self, medoffice_cli):
        ok = medoffice_cli("patients", "add", "--first-name", "Ann", "--last-name", "Lee", "--dob", "1970-01-02",
                           "--sex", "f", "--json", user="frontdesk")
        assert isinstance(ok, CliResult) and ok.exit_code == 0 and ok.stderr == ""
        assert ok.json()["patient"]["mrn"] == "000001"
        refused = medoffice_cli("users", "list", user="frontdesk")
        assert refused.exit_code == 1 and refused.stdout == ""
        assert refused.stderr == "error: user 'frontdesk' lacks the permission 'users.manage'\n"

    def test_json_shows_both_streams_when_stdout_is_not_json(self, medoffice_cli):
        result = medoffice_cli("users", "list", user="billing")
        with pytest.raises(AssertionError, match="(?s)stdout is not JSON.*lacks the permission"):
            result.json()

    def test_signed_out_and_wrong_password(self, medoffice_practice):
        assert "sign in with --user" in medoffice_practice.cli("users", "list", user=None).stderr
        wrong = medoffice_practice.cli("users", "list", password="not-it")
        assert (wrong.exit_code, wrong.stderr) == (1, "error: unknown user or wrong password\n")

    def test_input_reaches_the_command(self, medoffice_practice):
        result = medoffice_practice.cli("users", "passwd", "admin", "--password-stdin", input="brand-new-pw\n")
        assert result.exit_code == 0, result.stderr
        assert users.sign_in(medoffice_practice.runtime, "admin", "brand-new-pw")


class TestPilot:
    async def test_the_tui_starts_signed_in_on_the_practice(self, medoffice_pilot):
        async with medoffice_pilot("frontdesk", size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: pilot.app.home is not None)
            assert pilot.app.user.username == "frontdesk" and pilot.app.size == (100, 30)

    async def test_without_a_user_it_starts_on_the_sign_in_screen(self, medoffice_pilot):
        from medoffice.tui.screens.signin import SignInScreen

        async with medoffice_pilot(None) as pilot:
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, SignInScreen))
            assert pilot.app.user is None
