"""A plugin's bug is reported with the plugin's name, so the practice knows whom to call."""

from __future__ import annotations

import types

import click
import pytest

from medoffice.core import PluginInfo, hookimpl


def _buggy_command() -> click.Group:
    @click.group("buggy")
    def group() -> None:
        """A plugin whose command has a bug."""

    @group.command("run")
    def run() -> None:
        {}["missing"]

    return group


@pytest.fixture
def medoffice_extra_plugins():
    module = types.SimpleNamespace(
        plugin_info=PluginInfo(id="buggy-plugin", title="Buggy", api_version=1),
        medoffice_cli_commands=hookimpl(lambda: [_buggy_command()]),
    )
    return [module]


def test_a_bug_in_a_plugin_command_names_the_plugin_exit_3(medoffice_practice):
    result = medoffice_practice.cli("buggy", "run", user="admin")
    assert (result.exit_code, result.stderr) == (
        3, "error: plugin 'buggy-plugin': 'buggy' raised KeyError: 'missing' (run with --debug for details)\n")


def test_a_bug_in_a_plugin_command_shows_its_traceback_under_debug(medoffice_practice):
    with pytest.raises(KeyError, match="missing"):  # the test kit lets the traceback through
        medoffice_practice.cli("--debug", "buggy", "run", user="admin")


def test_a_bug_in_a_core_command_stays_an_internal_error(medoffice_practice, monkeypatch):
    from medoffice.core.services import patients

    monkeypatch.setattr(patients, "find", lambda *a, **k: {}["missing"])
    result = medoffice_practice.cli("patients", "find", "lee", user="frontdesk")
    assert (result.exit_code, result.stderr) == (
        3, "error: internal error: KeyError: 'missing' (run with --debug for details)\n")
