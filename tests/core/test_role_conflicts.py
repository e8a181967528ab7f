"""Two installed providers of one domain role: a new practice must choose one before it is
made, and a practice that has both enabled says so, with the way out, on every command."""

from __future__ import annotations

import json
import types

import pytest
from sqlalchemy import create_engine, inspect

from medoffice.core import PluginInfo
from medoffice.core.loader import discover
from medoffice.core.loader.discovery import candidate_from_module
from medoffice.core.storage.models import PluginState
from medoffice.testing._cli import run_cli
from medoffice.testing._practice import password_of

ADMIN_PASSWORD = {"MEDOFFICE_ADMIN_PASSWORD": "long-enough-pw"}
CONFLICT_AT_INIT = ("error: plugins 'rival-scheduling' and 'scheduling' both provide the scheduling role and a "
                    "practice uses one; choose with --disable rival-scheduling or --disable scheduling\n")


def rival_scheduling():
    """A second scheduling provider someone installed, enabled by default like the first."""
    module = types.SimpleNamespace(plugin_info=PluginInfo(
        id="rival-scheduling", title="Rival scheduling", api_version=1, provides="scheduling",
        enabled_by_default=True))
    return candidate_from_module(module, distribution="rival-scheduling", version="1.0")


@pytest.fixture
def installed():
    return [*discover()[0], rival_scheduling()]


def has_practice(url: str) -> bool:
    engine = create_engine(url)
    try:
        return inspect(engine).has_table("core_practice")
    finally:
        engine.dispose()


def test_init_refuses_two_scheduling_providers_before_making_anything(medoffice_db_url, installed):
    result = run_cli(medoffice_db_url, ["init", "--name", "Hill", "--timezone", "America/Denver"],
                     user=None, password=None, candidates=installed, env=ADMIN_PASSWORD)
    assert (result.exit_code, result.stderr) == (1, CONFLICT_AT_INIT)
    assert not has_practice(medoffice_db_url)


def test_init_with_one_disabled_gives_the_practice_its_scheduling(medoffice_db_url, installed):
    result = run_cli(medoffice_db_url, ["init", "--name", "Hill", "--timezone", "America/Denver",
                                        "--admin-user", "boss", "--disable", "rival-scheduling"],
                     user=None, password=None, candidates=installed, env=ADMIN_PASSWORD)
    assert result.exit_code == 0, result.stderr
    listed = run_cli(medoffice_db_url, ["plugins", "list", "--json"], user="boss", password="long-enough-pw",
                     candidates=installed)
    assert listed.stderr == ""
    status = {p["id"]: p["status"] for p in json.loads(listed.stdout)}
    assert (status["scheduling"], status["rival-scheduling"]) == ("enabled", "disabled")
    assert run_cli(medoffice_db_url, ["appointments", "--help"], user=None, password=None,
                   candidates=installed).exit_code == 0


def test_init_refuses_to_disable_a_plugin_that_is_not_installed(medoffice_db_url, installed):
    result = run_cli(medoffice_db_url, ["init", "--name", "Hill", "--timezone", "America/Denver",
                                        "--disable", "sheduling"],
                     user=None, password=None, candidates=installed, env=ADMIN_PASSWORD)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no plugin 'sheduling' is installed (installed: billing, ")
    assert not has_practice(medoffice_db_url)


def test_demo_refuses_two_scheduling_providers_before_making_anything(medoffice_db_url, installed):
    result = run_cli(medoffice_db_url, ["demo", "--patients", "0"], user=None, password=None, candidates=installed)
    assert (result.exit_code, result.stderr) == (1, CONFLICT_AT_INIT)
    assert not has_practice(medoffice_db_url)


def test_every_command_names_the_conflict_and_the_way_out(medoffice_practice, installed):
    """A practice whose stored choices enable both (made before the rival was refused)."""
    with medoffice_practice.operation() as ctx:
        ctx.session.add(PluginState(plugin_id="rival-scheduling", enabled=True, migrated=True, changed_at=ctx.now()))
    url = medoffice_practice.url

    def run(*args, user="manager"):
        return run_cli(url, list(args), user=user, password=password_of(user), candidates=installed)

    warning = ("warning: plugins 'rival-scheduling' and 'scheduling' both provide the scheduling role and a practice "
               "uses one; choose with 'medoffice plugins disable rival-scheduling' or "
               "'medoffice plugins disable scheduling' (then 'medoffice db upgrade'); until then none of them is "
               "loaded\n")
    found = run("patients", "find", "lee", user="frontdesk")
    assert (found.exit_code, found.stderr) == (0, warning)
    listed = run("plugins", "list", "--json", user="admin")
    assert listed.stderr == warning
    assert {p["id"]: p["status"] for p in json.loads(listed.stdout)}["scheduling"] == "refused"

    disabled = run("plugins", "disable", "rival-scheduling", user="admin")
    assert (disabled.exit_code, disabled.stderr) == (0, warning)
    after = run("plugins", "list", "--json", user="admin")
    assert after.stderr == ""
    assert {p["id"]: p["status"] for p in json.loads(after.stdout)}["scheduling"] == "enabled"
    assert run("appointments", "--help").exit_code == 0


def test_the_way_out_works_for_a_practice_made_with_neither_chosen(medoffice_practice, installed):
    """As an older ``init`` left it: no stored choice for either provider, so both default on."""
    from sqlalchemy import delete

    with medoffice_practice.operation() as ctx:
        ctx.session.execute(delete(PluginState).where(PluginState.plugin_id == "scheduling"))
    url = medoffice_practice.url

    def run(*args, user="admin"):
        return run_cli(url, list(args), user=user, password=password_of(user), candidates=installed)

    assert "'medoffice plugins disable rival-scheduling'" in run("plugins", "list").stderr
    assert run("plugins", "disable", "rival-scheduling").exit_code == 0
    assert "migration pending" in run("plugins", "list").stdout
    upgraded = run("db", "upgrade")
    assert (upgraded.exit_code, upgraded.stderr) == (0, "")
    after = run("plugins", "list", "--json")
    assert after.stderr == ""
    assert {p["id"]: p["status"] for p in json.loads(after.stdout)}["scheduling"] == "enabled"
    assert run("appointments", "--help").exit_code == 0
