"""Which plugins load, in which order, and how refusals are reported.

Each test builds its own plugin manager through the factory; nothing is shared.
"""

from __future__ import annotations

import types

import pytest

from medoffice.core import PluginInfo, hookimpl
from medoffice.core.errors import PluginError
from medoffice.core.loader import build_plugin_set
from medoffice.core.loader.discovery import LoadFailure, candidate_from_module, discover
from medoffice.core.loader.manager import StoredChoice


def plugin(pid: str, *, requires=(), provides=None, api_version=1, default=True, **hooks):
    module = types.SimpleNamespace(
        plugin_info=PluginInfo(id=pid, title=pid.title(), api_version=api_version, requires=requires,
                               provides=provides, enabled_by_default=default),
        **{name: hookimpl(fn) for name, fn in hooks.items()},
    )
    return candidate_from_module(module, distribution=f"dist-{pid}", version="1.0")


def status_of(plugin_set, pid):
    return plugin_set.status(pid)


class TestLoading:
    def test_plugins_load_after_what_they_require(self):
        loaded = build_plugin_set([plugin("c", requires=["b"]), plugin("b", requires=["a"]), plugin("a")])
        assert loaded.active_ids == ["a", "b", "c"]

    def test_a_missing_requirement_is_refused_and_named(self):
        loaded = build_plugin_set([plugin("alerts", requires=["scheduling"])])
        status = status_of(loaded, "alerts")
        assert status.status == "refused"
        assert "'scheduling'" in status.reason

    def test_a_requirement_on_a_refused_plugin_is_refused_too(self):
        loaded = build_plugin_set([plugin("a", requires=["ghost"]), plugin("b", requires=["a"])])
        assert status_of(loaded, "b").status == "refused"
        assert "'a'" in status_of(loaded, "b").reason

    def test_a_circular_requirement_names_the_circle(self):
        loaded = build_plugin_set([plugin("a", requires=["b"]), plugin("b", requires=["a"]), plugin("c")])
        assert status_of(loaded, "a").status == "refused"
        assert "circular" in status_of(loaded, "a").reason and "a, b" in status_of(loaded, "a").reason
        assert loaded.active_ids == ["c"]

    def test_an_incompatible_api_version_is_refused(self):
        loaded = build_plugin_set([plugin("future", api_version=99)])
        status = status_of(loaded, "future")
        assert status.status == "incompatible"
        assert "hook API 99" in status.reason

    def test_two_enabled_providers_of_one_role_are_refused_by_name(self):
        choices = {"sched-a": StoredChoice(True, True), "sched-b": StoredChoice(True, True)}
        loaded = build_plugin_set([plugin("sched-a", provides="scheduling"), plugin("sched-b", provides="scheduling")],
                                  choices=choices)
        for pid in ("sched-a", "sched-b"):
            assert status_of(loaded, pid).status == "refused"
            assert "'sched-a' and 'sched-b'" in status_of(loaded, pid).reason

    def test_an_installed_alternative_does_not_displace_the_chosen_provider(self):
        choices = {"scheduling": StoredChoice(True, True)}
        loaded = build_plugin_set([plugin("scheduling", provides="scheduling"),
                                   plugin("better-sched", provides="scheduling")], choices=choices)
        assert loaded.active_ids == ["scheduling"]
        assert status_of(loaded, "better-sched").status == "disabled"

    def test_a_disabled_plugin_is_not_registered(self):
        loaded = build_plugin_set([plugin("a")], choices={"a": StoredChoice(False, True)})
        assert loaded.active_ids == []
        assert status_of(loaded, "a").status == "disabled"

    def test_a_newly_installed_plugin_waits_for_its_migration(self):
        loaded = build_plugin_set([plugin("new")], choices={})
        assert status_of(loaded, "new").status == "migration pending"
        assert loaded.active_ids == []

    def test_a_hook_with_a_misspelt_name_fails_the_plugin_not_the_others(self):
        broken = plugin("broken", medoffice_patient_registred=lambda ctx, patient: None)
        loaded = build_plugin_set([broken, plugin("fine")])
        assert status_of(loaded, "broken").status == "failed"
        assert "medoffice_patient_registred" in status_of(loaded, "broken").reason
        assert loaded.active_ids == ["fine"]

    def test_a_hook_with_an_argument_the_spec_lacks_fails_the_plugin(self):
        broken = plugin("broken", medoffice_patient_registered=lambda ctx, patient, extra: None)
        loaded = build_plugin_set([broken])
        assert status_of(loaded, "broken").status == "failed"

    def test_an_import_failure_is_listed_with_its_distribution(self):
        failure = LoadFailure("bad", "medoffice-bad", "0.3", "ImportError: no module named numpyy")
        loaded = build_plugin_set([plugin("good")], [failure])
        status = status_of(loaded, "bad")
        assert (status.status, status.distribution, status.version) == ("failed", "medoffice-bad", "0.3")
        assert "numpyy" in status.reason
        assert loaded.active_ids == ["good"]

    def test_statuses_list_the_hooks_each_plugin_implements(self):
        loaded = build_plugin_set([plugin("a", medoffice_permissions=lambda: [])])
        assert status_of(loaded, "a").hooks == ("medoffice_permissions",)

    def test_each_call_builds_a_fresh_manager(self):
        first = build_plugin_set([plugin("a")])
        second = build_plugin_set([plugin("a")])
        assert first.pm is not second.pm


class TestDiscovery:
    def test_a_plugin_that_fails_to_import_is_reported_and_others_load(self, monkeypatch):
        from importlib.metadata import EntryPoint

        eps = [EntryPoint("broken", "medoffice_no_such_module_xyz", "medoffice"),
               EntryPoint("json-plugin", "json", "medoffice")]
        monkeypatch.setattr("medoffice.core.loader.discovery.entry_points", lambda group: eps)
        candidates, failures = discover()
        assert [f.id for f in failures] == ["broken", "json-plugin"]
        assert "ModuleNotFoundError" in failures[0].error
        assert "plugin_info" in failures[1].error
        assert candidates == []


class TestFacade:
    def test_a_raising_hook_becomes_an_error_naming_the_plugin(self):
        def explode(ctx, patient):
            raise RuntimeError("disk on fire")

        loaded = build_plugin_set([plugin("quiet", medoffice_patient_registered=lambda ctx, patient: None),
                                   plugin("loud", medoffice_patient_registered=explode)])
        with pytest.raises(PluginError) as info:
            loaded.hooks.patient_registered(ctx=None, patient=None)
        assert info.value.plugin_id == "loud"
        assert "disk on fire" in str(info.value) and "medoffice_patient_registered" in str(info.value)

    def test_contributions_are_attributed_to_their_plugin(self):
        loaded = build_plugin_set([plugin("a", medoffice_cli_commands=lambda: ["x"]),
                                   plugin("b", medoffice_cli_commands=lambda: ["y", "z"])])
        assert sorted(loaded.hooks.cli_commands()) == [("a", "x"), ("b", "y"), ("b", "z")]

    def test_a_contribution_hook_that_raises_names_its_plugin(self):
        def broken():
            raise KeyError("oops")

        loaded = build_plugin_set([plugin("menu", medoffice_screens=broken)])
        with pytest.raises(PluginError, match="'menu'"):
            loaded.hooks.screens()
