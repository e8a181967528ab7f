"""The ScreenHost the app hands to screens: units of work as the user, errors in one line."""

from __future__ import annotations

import subprocess
import sys

import attrs
import pytest

from medoffice.core.errors import AuthenticationError, PluginError, ValidationError
from medoffice.core.services import patients
from medoffice.core.ui import ScreenHost
from medoffice.tui.app import MedofficeApp
from medoffice.tui.host import AppScreenHost, one_line


async def test_the_host_is_a_screen_host_and_acts_as_the_signed_in_user(runtime, kit):
    """call() runs the service in a unit of work as the user; write=False is read-only."""
    desk = kit.add_user(runtime, "desk", ["front_desk"])
    app = MedofficeApp(runtime, user=desk)
    host = app.host.for_plugin("fake")
    assert isinstance(host, ScreenHost)
    assert host.user == desk
    seen = host.call(lambda ctx, extra: (ctx.user.username, ctx.write, extra), "x", write=False)
    assert seen == ("desk", False, "x")
    record = host.call(patients.register, {"first_name": "Ann", "last_name": "Smith",
                                           "date_of_birth": "1980-02-03", "sex": "f"}).patient
    assert host.call(patients.get, record.mrn, write=False) == record


async def test_the_host_names_a_plugin_screens_key_as_the_practice_set_it(plugin_runtime, kit):
    """The fake board asked for F6; the practice moved it to F11; the host says F11."""
    plugin_runtime.settings = attrs.evolve(plugin_runtime.settings, options={"keys": {"fake.board": "f11"}})
    host = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime)).host.for_plugin("fake")
    assert host.screen_key("fake.board") == "F11"
    assert host.screen_key("fake.later") is None


async def test_a_failing_call_rolls_back_and_re_raises(runtime, kit):
    """Nothing is half-written: the unit of work rolls back when the function raises."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))

    def register_then_fail(ctx):
        patients.register(ctx, {"first_name": "Ann", "last_name": "Smith", "date_of_birth": "1980-02-03",
                                "sex": "f"})
        raise ValidationError("refused", field="x")

    with pytest.raises(ValidationError):
        app.host.call(register_then_fail)
    assert kit.patient_count(runtime) == 0


async def test_calling_without_a_signed_in_user_is_refused(runtime):
    """After sign-out a lingering worker cannot act as anybody."""
    app = MedofficeApp(runtime)
    with pytest.raises(AuthenticationError):
        app.host.call(patients.count, write=False)


async def test_a_domain_error_from_a_plugin_reads_as_it_is_and_a_bug_names_the_plugin(runtime, kit):
    """The desk acts on "no such alert" and has no use for "plugin 'alerts':"; a bug is the
    practice's to report, so it names the plugin. Safe from a worker thread too."""
    app = MedofficeApp(runtime, user=kit.admin(runtime))
    async with app.run_test(size=(80, 24)) as pilot:
        host = app.host.for_plugin("alerts")
        host.notify_error(ValidationError("no such alert"))
        worker = app.run_worker(lambda: host.notify_error(RuntimeError("thread\nboom")), thread=True)
        await worker.wait()
        await pilot.pause()
        assert kit.messages(app) == [
            "no such alert",
            "plugin 'alerts': unexpected RuntimeError: thread boom",
        ]


def test_one_line_does_not_name_a_plugin_twice():
    """A PluginError already names its plugin."""
    assert one_line(PluginError("alerts", "hook raised")) == "plugin 'alerts': hook raised"
    assert one_line(PluginError("alerts", "hook raised"), "alerts") == "plugin 'alerts': hook raised"
    assert one_line(ValueError("x" * 500)).endswith("…")
    assert AppScreenHost.__doc__


def test_a_domain_error_that_took_a_plugin_screen_down_names_the_plugin():
    """Containment: the screen is gone, so the practice must know whose it was."""
    assert one_line(ValidationError("slot taken"), "scheduling") == "slot taken"
    assert one_line(ValidationError("slot taken"), "scheduling", failed=True) == "plugin 'scheduling': slot taken"
    assert one_line(KeyError("x"), "scheduling") == "plugin 'scheduling': unexpected KeyError: 'x'"


def test_importing_the_package_does_not_import_textual():
    """``medoffice --help`` imports medoffice.tui; it must stay cheap."""
    code = "import sys, medoffice.tui; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_run_tui_runs_the_app_on_the_runtime(runtime, monkeypatch):
    """``medoffice tui`` calls run_tui(runtime): it starts MedofficeApp on that runtime."""
    import medoffice.tui
    from medoffice.tui import app as app_module

    ran: list[MedofficeApp] = []
    monkeypatch.setattr(app_module.MedofficeApp, "run", lambda self, *a, **kw: ran.append(self))
    medoffice.tui.run_tui(runtime)
    assert len(ran) == 1 and ran[0].runtime is runtime and ran[0].user is None


def test_run_tui_given_how_to_open_the_practice_opens_it_in_the_app(runtime, monkeypatch):
    """``medoffice tui`` hands run_tui a function: the app starts without the practice and
    opens it itself (in a worker, while the sign-in screen is up)."""
    import medoffice.tui
    from medoffice.tui import app as app_module

    ran: list[MedofficeApp] = []
    monkeypatch.setattr(app_module.MedofficeApp, "run", lambda self, *a, **kw: ran.append(self))
    medoffice.tui.run_tui(lambda: runtime)
    assert len(ran) == 1 and ran[0].runtime is None and not ran[0].practice.loaded


async def test_a_screen_the_plugin_pushes_itself_is_contained_as_the_plugins(plugin_runtime, kit, fakes):
    """host.push_screen (a modal, a flow's next step): its answer reaches the callback, even
    when pushed from a worker thread, and when it fails the error names the plugin and the app
    stays up."""
    from medoffice.tui.screens.plugin_host import PluginErrorScreen

    app = MedofficeApp(plugin_runtime, user=kit.admin(plugin_runtime))
    answers: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        host = app.host.for_plugin("fake")
        worker = app.run_worker(lambda: host.push_screen(fakes.LaterScreen(host), answers.append), thread=True)
        await worker.wait()
        await kit.wait_for(pilot, lambda: isinstance(app.screen, fakes.LaterScreen))
        app.screen.dismiss("chosen")
        await kit.wait_for(pilot, lambda: answers == ["chosen"])
        host.push_screen(fakes.LaterScreen(host))
        await kit.wait_for(pilot, lambda: isinstance(app.screen, fakes.LaterScreen))
        app.simulate_key("x")
        await kit.wait_for(pilot, lambda: isinstance(app.screen, PluginErrorScreen))
        assert app.screen.message == "plugin 'fake': unexpected KeyError: 'handler went wrong'"
        assert app.is_running and app.return_code is None
