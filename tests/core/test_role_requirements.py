"""A plugin that needs a domain, whoever provides it: ``requires=("role:scheduling",)``."""

from __future__ import annotations

import types

import pytest

from medoffice.core import PluginInfo
from medoffice.core.loader import build_plugin_set
from medoffice.core.loader.discovery import candidate_from_module
from medoffice.core.loader.manager import StoredChoice
from medoffice.testing._practice import with_requirements


def plugin(pid, *, requires=(), provides=None, default=True):
    module = types.SimpleNamespace(plugin_info=PluginInfo(id=pid, title=pid, api_version=1, requires=requires,
                                                          provides=provides, enabled_by_default=default))
    return candidate_from_module(module)


REMINDERS = plugin("sms-reminders", requires=["role:scheduling"])


def test_a_role_is_met_by_whichever_plugin_provides_it():
    for provider in ("scheduling", "acme-agenda"):
        loaded = build_plugin_set([REMINDERS, plugin(provider, provides="scheduling")])
        assert loaded.status("sms-reminders").active
        assert loaded.active_ids == [provider, "sms-reminders"]  # after its provider, whatever the ids


def test_no_provider_installed_is_said_in_words():
    loaded = build_plugin_set([REMINDERS])
    status = loaded.status("sms-reminders")
    assert status.status == "refused"
    assert status.reason == "requires a scheduling provider (none is installed)"


def test_a_disabled_provider_is_the_way_out_named():
    loaded = build_plugin_set([REMINDERS, plugin("scheduling", provides="scheduling"),
                               plugin("acme-agenda", provides="scheduling", default=False)],
                              choices={"scheduling": StoredChoice(False, True), "sms-reminders": StoredChoice(True, True)})
    reason = loaded.status("sms-reminders").reason
    assert reason.startswith("requires a scheduling provider (none is enabled; enable one with")
    assert "'medoffice plugins enable acme-agenda'" in reason and "'medoffice plugins enable scheduling'" in reason


def test_two_providers_refused_refuse_what_needs_the_role_and_say_why():
    loaded = build_plugin_set([REMINDERS, plugin("a", provides="scheduling"), plugin("b", provides="scheduling")],
                              choices={"a": StoredChoice(True, True), "b": StoredChoice(True, True),
                                       "sms-reminders": StoredChoice(True, True)})
    reason = loaded.status("sms-reminders").reason
    assert "a scheduling provider" in reason and "both provide the scheduling role" in reason


def test_a_provider_may_require_its_own_role():
    loaded = build_plugin_set([plugin("agenda", provides="scheduling", requires=["role:scheduling"])])
    assert loaded.active_ids == ["agenda"]


@pytest.mark.parametrize("bad", ["role:payroll", "role:", "Scheduling", "role:scheduling:x"])
def test_a_requirement_that_is_neither_an_id_nor_a_role_is_refused_when_declared(bad):
    with pytest.raises(ValueError, match="requires"):
        PluginInfo(id="x", title="X", api_version=1, requires=[bad])


def test_the_kit_enables_the_default_provider_of_a_required_role():
    candidates = [REMINDERS, plugin("scheduling", provides="scheduling"),
                  plugin("acme-agenda", provides="scheduling", default=False)]
    assert with_requirements(["sms-reminders"], candidates) == {"sms-reminders", "scheduling"}
    assert with_requirements(["sms-reminders", "acme-agenda"], candidates) == {"sms-reminders", "acme-agenda"}


class NeedsScheduling:
    plugin_info = PluginInfo(id="needs-scheduling", title="Needs scheduling", api_version=1,
                             requires=("role:scheduling",))


class NamesTheProvider:
    plugin_info = PluginInfo(id="names-provider", title="Names the provider", api_version=1,
                             requires=("scheduling",))


class TestInAPractice:
    @pytest.fixture
    def medoffice_extra_plugins(self):
        return [NeedsScheduling(), NamesTheProvider()]

    def test_swapping_the_provider_leaves_the_dependant_waiting_with_the_way_out(self, medoffice_practice):
        practice = medoffice_practice
        assert practice.runtime.plugins.status("needs-scheduling").active
        result = practice.cli("plugins", "disable", "names-provider")
        assert result.exit_code == 0, result.stderr
        result = practice.cli("plugins", "disable", "scheduling")  # a role requirement does not hold it
        assert result.exit_code == 0, result.stderr
        listed = {p["id"]: p for p in practice.cli("plugins", "list", "--json").json()}
        assert listed["needs-scheduling"]["status"] == "refused"
        assert "requires a scheduling provider (none is enabled; enable one with " \
               "'medoffice plugins enable scheduling')" in listed["needs-scheduling"]["reason"]
        assert practice.cli("plugins", "enable", "scheduling").exit_code == 0
        listed = {p["id"]: p for p in practice.cli("plugins", "list", "--json").json()}
        assert listed["needs-scheduling"]["status"] == "enabled"

    def test_enabling_it_without_a_provider_names_the_one_to_enable(self, medoffice_practice):
        practice = medoffice_practice
        for pid in ("names-provider", "needs-scheduling", "scheduling"):
            assert practice.cli("plugins", "disable", pid).exit_code == 0
        result = practice.cli("plugins", "enable", "needs-scheduling")
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == ("error: plugin 'needs-scheduling' requires a scheduling provider and none is "
                                 "enabled; enable one first ('medoffice plugins enable scheduling')\n")
        listed = {p["id"]: p["status"] for p in practice.cli("plugins", "list", "--json").json()}
        assert listed["needs-scheduling"] == "disabled"  # nothing of the refused enable was kept

    def test_conformance_asks_for_the_role_not_the_provider(self, medoffice_practice):
        from medoffice.testing.conformance import plugin_problems

        assert plugin_problems(medoffice_practice, "needs-scheduling") == []
        assert plugin_problems(medoffice_practice, "names-provider") == [
            "requires 'scheduling', today's scheduling provider; require 'role:scheduling' so the practice "
            "may swap providers"]
