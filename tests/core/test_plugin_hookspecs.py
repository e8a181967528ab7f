"""A plugin publishes hooks of its own (``PluginInfo.hookspecs``) that other plugins implement.

The story: a ``reminders-hub`` plugin publishes ``medoffice_reminders_hub_deliver`` and an
``sms`` plugin implements it. Whatever the load order, whether the hub is enabled, disabled
or not installed at all, the sms plugin is checked against the spec when it can be and is
never a crash; a published spec may not take a name the core or another plugin owns.
"""

from __future__ import annotations

import json
import sys
import types

import pytest

from medoffice.core import PluginInfo, hookimpl, hookspec
from medoffice.core.loader import build_plugin_set
from medoffice.core.loader.discovery import candidate_from_module
from medoffice.core.loader.manager import StoredChoice

HUB_SPECS = "tests_hub_specs"


def spec_module(name: str, **specs) -> types.ModuleType:
    module = types.ModuleType(name)
    for hook, fn in specs.items():
        fn.__name__ = hook
        setattr(module, hook, hookspec(fn))
    return module


@pytest.fixture(autouse=True)
def published(monkeypatch):
    """The hub's spec module, importable by its dotted name as a real one is."""
    def medoffice_reminders_hub_deliver(ctx, message):
        """Deliver one message."""

    module = spec_module(HUB_SPECS, medoffice_reminders_hub_deliver=medoffice_reminders_hub_deliver)
    monkeypatch.setitem(sys.modules, HUB_SPECS, module)
    return module


def plugin(pid: str, *, hookspecs=(), optional=False, **hooks):
    marker = hookimpl(optionalhook=True) if optional else hookimpl
    module = types.SimpleNamespace(
        plugin_info=PluginInfo(id=pid, title=pid.title(), api_version=1, hookspecs=hookspecs),
        **{name: marker(fn) for name, fn in hooks.items()},
    )
    return candidate_from_module(module)


def hub(pid="z-hub", specs=(HUB_SPECS,)):
    """Sorted after the sender on purpose: the specs must be known before any plugin registers."""
    return plugin(pid, hookspecs=specs)


def sender(*, optional=False, wrong_arguments=False):
    if wrong_arguments:
        def medoffice_reminders_hub_deliver(ctx, text):
            return "sent"
    else:
        def medoffice_reminders_hub_deliver(ctx, message):
            return f"sms: {message}"
    return plugin("a-sms", optional=optional, medoffice_reminders_hub_deliver=medoffice_reminders_hub_deliver)


def status(loaded, pid):
    return loaded.status(pid)


class TestImplementingAPublishedHook:
    def test_hook_published_by_a_plugin_is_called_like_a_core_hook(self):
        loaded = build_plugin_set([sender(), hub()])
        assert loaded.active_ids == ["a-sms", "z-hub"]
        assert loaded.hooks.collect("medoffice_reminders_hub_deliver", ctx=None, message="hi") == [("a-sms", "sms: hi")]
        assert loaded.hooks.call("medoffice_reminders_hub_deliver", ctx=None, message="hi") == ["sms: hi"]

    def test_an_implementation_with_the_wrong_arguments_fails_to_load_and_says_why(self):
        loaded = build_plugin_set([sender(wrong_arguments=True), hub()])
        assert status(loaded, "a-sms").status == "failed"
        assert "do not match their specifications" in status(loaded, "a-sms").reason
        assert "text" in status(loaded, "a-sms").reason
        assert status(loaded, "z-hub").status == "enabled"

    def test_with_the_publisher_disabled_the_implementer_still_loads_and_is_still_checked(self):
        off = {"z-hub": StoredChoice(False, True), "a-sms": StoredChoice(True, True)}
        loaded = build_plugin_set([sender(), hub()], choices=off)
        assert (status(loaded, "z-hub").status, status(loaded, "a-sms").status) == ("disabled", "enabled")
        wrong = build_plugin_set([sender(wrong_arguments=True), hub()], choices=off)
        assert status(wrong, "a-sms").status == "failed"

    def test_with_the_publisher_not_installed_an_optional_implementation_waits_unused(self):
        loaded = build_plugin_set([sender(optional=True)])
        assert status(loaded, "a-sms").status == "enabled"
        assert loaded.hooks.implementers("medoffice_reminders_hub_deliver") == ["a-sms"]

    def test_with_the_publisher_not_installed_an_unmarked_implementation_is_an_unknown_hook(self):
        loaded = build_plugin_set([sender()])
        assert status(loaded, "a-sms").status == "failed"
        assert "unknown hooks: medoffice_reminders_hub_deliver" in status(loaded, "a-sms").reason
        assert "optionalhook=True" in status(loaded, "a-sms").reason

    def test_a_hook_nobody_publishes_nor_implements_collects_nothing(self):
        loaded = build_plugin_set([])
        assert loaded.hooks.collect("medoffice_reminders_hub_deliver", ctx=None, message="hi") == []
        assert loaded.hooks.call("medoffice_reminders_hub_deliver", ctx=None, message="hi") == []
        assert loaded.hooks.implementers("medoffice_reminders_hub_deliver") == []


class TestPublishing:
    def test_a_spec_module_two_providers_of_a_role_both_publish_counts_once(self):
        loaded = build_plugin_set([sender(), hub("y-hub"), hub("z-hub")])
        assert [status(loaded, p).status for p in ("a-sms", "y-hub", "z-hub")] == ["enabled"] * 3

    @pytest.mark.parametrize(("name", "reason"), [
        ("medoffice_patient_registered", "publishes hook medoffice_patient_registered, which is the core's"),
        ("medoffice_reminders_hub_deliver", "which is already published by 'a-hub'"),
        ("deliver_it", "publishes hook deliver_it, which does not start with 'medoffice_'"),
    ])
    def test_a_name_taken_or_outside_the_project_fails_the_publisher(self, monkeypatch, name, reason):
        def spec(ctx):
            """A clashing spec."""

        monkeypatch.setitem(sys.modules, "tests_clash_specs", spec_module("tests_clash_specs", **{name: spec}))
        loaded = build_plugin_set([hub("a-hub"), hub("b-clash", specs=("tests_clash_specs",))])
        assert status(loaded, "b-clash").status == "failed"
        assert reason in status(loaded, "b-clash").reason
        assert status(loaded, "a-hub").status == "enabled"

    def test_a_spec_module_that_does_not_import_or_declares_nothing_fails_its_publisher(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "tests_empty_specs", types.ModuleType("tests_empty_specs"))
        loaded = build_plugin_set([hub("a-ghost", specs=("tests_no_such_specs_module",)),
                                   hub("b-empty", specs=("tests_empty_specs",)), sender(), hub("z-hub")])
        assert status(loaded, "a-ghost").status == "failed" and "do not import" in status(loaded, "a-ghost").reason
        assert status(loaded, "b-empty").status == "failed"
        assert "declares no hook specification" in status(loaded, "b-empty").reason
        assert status(loaded, "a-sms").status == "enabled"

    def test_plugins_list_says_what_each_plugin_publishes(self, medoffice_practice):
        result = medoffice_practice.cli("plugins", "list", "--json")
        listed = {p["id"]: p for p in json.loads(result.stdout)}
        assert listed["scheduling"]["publishes"] == ["medoffice_send_reminders", "medoffice_waitlist_offer"]
        assert listed["billing"]["publishes"] == ["medoffice_billing_clearinghouse"]
        assert "medoffice_billing_clearinghouse" in listed["billing"]["hooks"]

    def test_a_disabled_publisher_still_says_what_it_publishes(self):
        off = {"z-hub": StoredChoice(False, True)}
        loaded = build_plugin_set([hub()], choices=off)
        assert (status(loaded, "z-hub").status, status(loaded, "z-hub").publishes) == (
            "disabled", ("medoffice_reminders_hub_deliver",))

    def test_the_built_in_plugins_publish_their_connector_families(self):
        from medoffice.core.loader import discover

        candidates, _ = discover()
        loaded = build_plugin_set(candidates)
        assert loaded.hooks.implementers("medoffice_billing_clearinghouse") == ["billing"]
        names = {c.name for c in loaded.pm.get_hookcallers(loaded.pm.get_plugin("billing"))}
        assert "medoffice_billing_clearinghouse" in names
        assert loaded.pm.hook.medoffice_send_reminders.has_spec()
        assert loaded.pm.hook.medoffice_billing_clearinghouse.has_spec()
