"""A plugin whose hooks keep raising is not just "enabled": ``plugins list``, run later by
anyone, shows when each of its last hooks failed, which hook, and the error in one line."""

from __future__ import annotations

import datetime as dt
import json
import stat
import types

import pytest

from medoffice.core import PluginInfo, hookimpl
from medoffice.core.loader.failures import KEEP

ANN = ("patients", "add", "--first-name", "Ann", "--last-name", "Lee", "--dob", "1970-01-02", "--sex", "f")


def at(hour: int, minute: int = 0):
    return lambda: dt.datetime(2026, 3, 2, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def medoffice_extra_plugins():
    def registered(ctx, patient):
        raise ValueError("missing\nerror: forged line\x1b[2J")

    return [types.SimpleNamespace(plugin_info=PluginInfo(id="flaky", title="Flaky", api_version=1),
                                  medoffice_patient_registered=hookimpl(registered))]


def listed(practice, as_json=True):
    result = practice.cli("plugins", "list", *(["--json"] if as_json else []), user="admin")
    assert result.exit_code == 0, result.stderr
    return {p["id"]: p for p in json.loads(result.stdout)} if as_json else result.stdout


def test_a_plugin_that_never_failed_lists_no_failures(medoffice_practice):
    assert listed(medoffice_practice)["flaky"]["failures"] == []
    assert "below" not in listed(medoffice_practice, as_json=False)


def test_plugins_list_shows_when_which_hook_and_the_error(medoffice_practice):
    failed = medoffice_practice.cli(*ANN, user="frontdesk", clock=at(14, 30))
    assert failed.exit_code == 1 and "plugin 'flaky': medoffice_patient_registered raised ValueError" in failed.stderr
    medoffice_practice.cli(*ANN, user="frontdesk", clock=at(15, 5))

    flaky = listed(medoffice_practice)["flaky"]
    assert flaky["status"] == "enabled"
    assert flaky["failures"] == [
        {"at": "2026-03-02T15:05:00+00:00", "hook": "medoffice_patient_registered",
         "error": "ValueError: missing\\nerror: forged line\\x1b[2J"},
        {"at": "2026-03-02T14:30:00+00:00", "hook": "medoffice_patient_registered",
         "error": "ValueError: missing\\nerror: forged line\\x1b[2J"}]
    assert listed(medoffice_practice)["patient-alerts"]["failures"] == []

    text = listed(medoffice_practice, as_json=False)  # in the practice's zone, America/New_York
    assert "enabled (2 recent hook failures, below)" in text
    assert text.endswith("flaky: last hook failures, newest first\n"
                         "  2026-03-02 10:05  medoffice_patient_registered: ValueError: missing\\nerror: forged line\\x1b[2J\n"
                         "  2026-03-02 09:30  medoffice_patient_registered: ValueError: missing\\nerror: forged line\\x1b[2J\n")


def test_only_the_last_few_are_kept_and_the_file_is_private(medoffice_practice, medoffice_env):
    for minute in range(KEEP + 3):
        medoffice_practice.cli(*ANN, user="frontdesk", clock=at(14, minute))
    failures = listed(medoffice_practice)["flaky"]["failures"]
    assert [f["at"][11:16] for f in failures] == [f"14:{m:02d}" for m in range(KEEP + 2, 2, -1)]
    (path,) = (medoffice_env / "data" / "plugins").glob("hook-failures-*.jsonl")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_damaged_failure_file_does_not_break_the_list(medoffice_practice, medoffice_env):
    medoffice_practice.cli(*ANN, user="frontdesk", clock=at(14))
    (path,) = (medoffice_env / "data" / "plugins").glob("hook-failures-*.jsonl")
    path.write_text("not json\n{\"plugin\": \"flaky\"}\n" + path.read_text(), encoding="utf-8")
    assert len(listed(medoffice_practice)["flaky"]["failures"]) == 1


def test_an_event_nobody_listens_to_gives_pluggys_answer_and_a_later_listener_is_called():
    """The facade answers an event with no implementation itself (what pluggy would: ``[]``,
    or None for a first-result hook) and asks pluggy as soon as a plugin implements it."""
    import pluggy

    from medoffice.core import hookimpl
    from medoffice.core.loader.facade import Hooks

    spec = pluggy.HookspecMarker("medoffice")

    class Specs:
        @spec
        def medoffice_thing_happened(self, what):
            """An event."""

        @spec(firstresult=True)
        def medoffice_first_answer(self, question):
            """A first-result hook."""

    pm = pluggy.PluginManager("medoffice")
    pm.add_hookspecs(Specs)
    hooks = Hooks(pm)
    assert hooks.call("medoffice_thing_happened", what="x") == []
    assert hooks.call("medoffice_first_answer", question="q") is None

    class Listener:
        @hookimpl
        def medoffice_thing_happened(self, what):
            return f"heard {what}"

        @hookimpl
        def medoffice_first_answer(self, question):
            return f"answer to {question}"

    pm.register(Listener())
    assert hooks.call("medoffice_thing_happened", what="x") == ["heard x"]
    assert hooks.call("medoffice_first_answer", question="q") == "answer to q"
