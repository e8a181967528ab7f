"""The TUI half of the conformance check: every screen and panel of a plugin mounts at 80x24,
every screen's footer fits that width, its footers and tables are the UI kit's, and nothing of
Textual itself was patched on the way.

Kept apart from :mod:`medoffice.testing.conformance` because it drives the Textual app;
import it from there (``from medoffice.testing.conformance import check_screens``).
"""

from __future__ import annotations

import asyncio
import inspect
import sys
from collections.abc import Callable
from typing import Any


SMALLEST = (80, 24)
"""The smallest terminal a practice may have; every screen is opened at this size."""


async def _footer_overflow(app: Any, timeout: float, screen_id: str) -> int:
    """How many columns of the current screen's footer scroll off (0 if it has none).

    The footer lays its keys out after it mounts, and fits and rebuilds them once more after
    a refresh; on a loaded machine that comes later than the screen's first quiet moment. So
    the width is read once the drawn keys and widths have held still for 0.3 s. A plugin
    screen opened while the app's home was still loading (seen on PostgreSQL) can wait with
    its keys not laid out until something asks for a layout: the check asks."""
    from textual.widgets import Footer

    await _settle(lambda: getattr(app.screen, "medoffice_screen_id", None) == screen_id, timeout)
    footers = app.screen.query(Footer)
    if not footers:
        return 0
    footer = footers.first()

    def reading() -> tuple[int, ...] | None:
        if not footer.children or not footer.size.width:
            return None
        keys = tuple(key.size.width for key in footer.children)
        return None if not all(keys) else (footer.size.width, footer.virtual_size.width, *keys)

    loop = asyncio.get_running_loop()
    deadline, last, steady_since = loop.time() + timeout, None, loop.time()
    while loop.time() < deadline:
        now = reading()
        if now is None:
            app.screen.refresh(layout=True)  # a screen opened under load may wait for a reason to lay out
        if now != last:
            last, steady_since = now, loop.time()
        elif now is not None and loop.time() - steady_since >= 0.3:
            break
        await asyncio.sleep(0.05)
    return max(0, footer.virtual_size.width - footer.size.width)


def textual_patches(packages: tuple[str, ...] = ()) -> list[str]:
    """Textual's classes' attributes and modules' names that now hold a function of medoffice's
    or of one of ``packages`` (a plugin's): a global patch, which changes every screen of every
    plugin. Subclass the UI kit's widgets instead (docs/plugins.md, "The UI kit")."""
    owners = ("medoffice", *packages)
    found = []
    for name, module in list(sys.modules.items()):
        if not name.startswith("textual") or module is None:
            continue
        for attr, value in list(vars(module).items()):
            held = [(f"{name}.{attr}", value)]
            if isinstance(value, type) and value.__module__ == name:
                held += [(f"{name}.{attr}.{a}", v) for a, v in vars(value).items()]
            for where, item in held:
                function = item.fget if isinstance(item, property) else getattr(item, "__func__", item)
                module_of = getattr(function, "__module__", None) or ""
                if inspect.isfunction(function) and module_of.split(".")[0] in owners:
                    found.append(where)
    return found


def _stock_widgets(screen: Any) -> list[str]:
    """Textual's own ``Footer`` and ``DataTable`` on ``screen``, where the kit's belong."""
    from textual.widgets import DataTable, Footer

    return sorted({f"textual's {kind.__name__} (use medoffice.ui's)" for widget in screen.query("*")
                   for kind in (Footer, DataTable) if type(widget) is kind})


def _runtime(practice: Any) -> Any:
    return getattr(practice, "runtime", practice)


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def _settle(condition: Callable[[], object], timeout: float) -> bool:
    """Let the app run until ``condition()`` holds. Polls with ``asyncio.sleep`` rather than
    ``pilot.pause``, which waits for every widget's messages and never returns once a
    plugin widget has died with messages pending."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def _quiet(app: Any, seconds: float = 0.3) -> None:
    """Give workers and the app's error handling a moment to finish."""
    await asyncio.wait({asyncio.ensure_future(app.workers.wait_for_complete())}, timeout=seconds * 10)
    await asyncio.sleep(seconds)


def _a_patient(practice: Any) -> str:
    """The MRN of a patient to open the card of, registering one if the practice has none."""
    from medoffice.core.services import patients

    runtime = _runtime(practice)
    with runtime.operation() as ctx:
        found = next(patients.iter_all(ctx), None)
        if found is not None:
            return found.mrn
        return patients.register(ctx, {"first_name": "Conformance", "last_name": "Check",
                                       "date_of_birth": "1970-01-01", "sex": "unknown"}).patient.mrn


async def check_screens(practice: Any, plugin_id: str, *, timeout: float = 10.0) -> None:
    """Mount every screen and patient-card panel of ``plugin_id`` in the TUI.

    The app runs as the system user (who may see everything) on ``practice`` (the
    ``medoffice_practice`` fixture); each screen is opened the way navigation opens it, and
    one patient's card (a patient is registered if there is none) shows the panels. A
    contribution that fails to import, build, mount or load shows the app's error naming the
    plugin (and is replaced by the app's error screen or panel): each one is a problem.

    A screen that yields Textual's own ``Footer`` or ``DataTable`` instead of the UI kit's
    (:mod:`medoffice.ui`), or any code that patches a Textual class or module (every screen of
    every plugin would change), is a problem too.

    Raises:
        AssertionError: listing every screen and panel that failed.
    """
    from medoffice.core.context import SYSTEM_USER
    from medoffice.tui.screens.patient_card import PatientCardScreen
    from medoffice.tui.screens.plugin_host import PluginErrorPanel, PluginErrorScreen

    runtime = _runtime(practice)
    problems: list[str] = []
    screens = [s for pid, s in runtime.plugins.hooks.screens() if pid == plugin_id]
    panels = [p for pid, p in runtime.plugins.hooks.patient_panels() if pid == plugin_id]
    mrn = _a_patient(practice) if panels else None
    packages = tuple({str(c.screen if hasattr(c, "screen") else c.widget).split(":")[0].split(".")[0]
                      for c in [*screens, *panels]})
    errors: list[str] = []

    def new_errors(since: int) -> list[str]:
        return [e for e in errors[since:] if repr(plugin_id) in e]

    try:
        async with practice.pilot(SYSTEM_USER, size=SMALLEST) as pilot:
            app = pilot.app
            show_error = app.show_error

            def record_error(message: str) -> None:
                errors.append(message)
                show_error(message)

            app.show_error = record_error
            await _settle(lambda: app.home is not None and app.screen is app.home, timeout)
            for screen in screens:  # each opened on top of the last: popping races the app's own swaps
                seen, before = len(errors), app.screen
                app.open_plugin_screen(screen.id)
                if not await _settle(lambda: app.screen is not before
                                     or getattr(app.screen, "medoffice_screen_id", None) == screen.id, timeout):
                    problems.append(f"screen {screen.id!r} did not open")
                    continue
                await _quiet(app)
                if new_errors(seen):  # the app is swapping in its error screen: let it finish
                    await _settle(lambda: isinstance(app.screen, PluginErrorScreen), timeout)
                    await _quiet(app)
                failed = [app.screen.message] if isinstance(app.screen, PluginErrorScreen) else []
                for message in dict.fromkeys(failed + new_errors(seen)):
                    problems.append(f"screen {screen.id!r} failed: {message}")
                if not failed:
                    problems += [f"screen {screen.id!r} shows {stock}" for stock in _stock_widgets(app.screen)]
                if not failed and (needed := await _footer_overflow(app, timeout, screen.id)):
                    problems.append(f"screen {screen.id!r}: its footer needs {needed} more columns than "
                                    f"{SMALLEST[0]}; shorten its key descriptions (docs/tui.md, \"Footer\")")
            if panels:
                seen = len(errors)
                app.push_patient_card(mrn)
                opened = await _settle(lambda: isinstance(app.screen, PatientCardScreen)
                                       and app.screen.patient is not None, timeout)
                if not opened:
                    problems.append(f"the patient card of {mrn} did not open")
                else:
                    await _quiet(app)
                    messages = new_errors(seen)
                    broken = [p for p in app.screen.query(PluginErrorPanel) if p.plugin_id == plugin_id]
                    for panel in broken:
                        said = next((m for m in messages if m in str(panel.render())), None)
                        problems.append(f"panel {panel.border_title!r} failed: "
                                        f"{said or ' '.join(str(panel.render()).split())}")
                    if not broken:
                        titles = ", ".join(repr(p.title) for p in panels)
                        problems += [f"a panel ({titles}) failed: {m}" for m in messages]
    except Exception as exc:
        problems.append(f"the TUI failed: {_describe(exc)}")
    problems += [f"Textual was patched: {where} is not Textual's own; subclass the kit's widgets instead "
                 f"(docs/plugins.md, \"The UI kit\")" for where in textual_patches(packages)]
    if problems:
        lines = "\n".join(f"  - {p}" for p in dict.fromkeys(problems))
        raise AssertionError(f"plugin {plugin_id!r}'s screens do not conform:\n{lines}")
