"""Fixtures for the TUI tests: a fresh practice per test, users, patients and a fake plugin."""

from __future__ import annotations

import asyncio
import html
import importlib.util
import re
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from medoffice.core.config import Settings
from medoffice.core.loader.discovery import candidate_from_module
from medoffice.core.records import PatientRecord, UserRecord
from medoffice.core.runtime import Runtime, open_runtime
from medoffice.core.services import patients, users
from medoffice.core.setup import init_practice
from medoffice.testing import _templates

FAKES_MODULE = "medoffice_tui_fakes"


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDOFFICE_FAST_HASHING", "1")


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The fake plugin module, importable by the paths its contributions name."""
    spec = importlib.util.spec_from_file_location(FAKES_MODULE, Path(__file__).with_name("fakes.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, FAKES_MODULE, module)
    spec.loader.exec_module(module)
    return module


def practice_key(candidates: list[Any]) -> tuple | None:
    """What makes two of these practices the same (None: make it for real each time).

    Only plugin modules (the fakes) are copied: an in-memory plugin object may do something
    outside the database while the practice is made (a hook that fails writes the practice's
    failure log), which a copy would not repeat."""
    if not all(isinstance(c.module, types.ModuleType) for c in candidates):
        return None
    base = _templates.template_key("sqlite", candidates, (), None, candidates)
    return None if base is None else (*base, "tests/tui practice")


@pytest.fixture
def make_runtime(tmp_path: Path) -> Iterator[Callable[..., Runtime]]:
    """Build a practice with the given plugin modules (none by default): made once per test
    process for each set of plugin modules and copied after (the kit's templates), as the
    kit's own practices are."""
    opened: list[Runtime] = []

    def make(*plugins: Any, options: dict[str, Any] | None = None) -> Runtime:
        folder = tmp_path / f"practice{len(opened)}"
        folder.mkdir()
        url = f"sqlite:///{folder / 'p.sqlite'}"
        settings = Settings.resolve(url, env={"MEDOFFICE_HOME": str(folder)})
        if options:
            settings = attrs.evolve(settings, options=options)
        candidates = [candidate_from_module(p) for p in plugins]
        key = practice_key(candidates)
        template = _templates.lookup(key)
        if template is not None:
            template.copy_into(url, settings)
        else:
            with _templates.recording(key, url, settings):
                made = open_runtime(settings=settings, candidates=candidates)
                try:
                    init_practice(made, {"name": "Test", "timezone": "America/New_York"},
                                  admin_username="admin", admin_password="password1")
                finally:
                    made.close()
        rt = open_runtime(settings=settings, candidates=candidates)
        opened.append(rt)
        return rt

    yield make
    for rt in opened:
        rt.close()


@pytest.fixture
def runtime(make_runtime: Callable[..., Runtime]) -> Runtime:
    """A practice with no plugins."""
    return make_runtime()


@pytest.fixture
def plugin_runtime(make_runtime: Callable[..., Runtime], fakes: Any) -> Runtime:
    """A practice with the fake plugin enabled and migrated."""
    fakes.CALLS.clear()
    return make_runtime(fakes)


class Kit:
    """Helpers the tests share (importlib import mode cannot import conftest directly)."""

    @staticmethod
    def admin(rt: Runtime) -> UserRecord:
        return users.load_user(rt, "admin")

    @staticmethod
    def add_user(rt: Runtime, username: str, roles: list[str], password: str = "password1") -> UserRecord:
        with rt.operation() as ctx:
            return users.add_user(ctx, username, username.title(), password, roles)

    @staticmethod
    def register(rt: Runtime, **data: str) -> PatientRecord:
        fields = {"first_name": "Ann", "last_name": "Smith", "date_of_birth": "1980-02-03", "sex": "female"}
        fields.update(data)
        with rt.operation() as ctx:
            return patients.register(ctx, fields).patient

    @staticmethod
    def patient_count(rt: Runtime) -> int:
        with rt.operation(write=False) as ctx:
            return patients.count(ctx)

    @staticmethod
    def messages(app: Any) -> list[str]:
        """The notifications the app has shown (Textual keeps them privately)."""
        return [n.message for n in app._notifications]

    @staticmethod
    def screen_lines(app: Any) -> list[str]:
        """The terminal's lines as the user reads them, from the app's own SVG screenshot
        (each run of text is placed at its column; the blanks between are not drawn as text)."""
        cells: dict[float, dict[int, str]] = {}
        for tag, text in re.findall(r"<text([^>]*)>([^<]*)</text>", app.export_screenshot()):
            x, y, length = (re.search(rf'\b{name}="([\d.]+)"', tag) for name in ("x", "y", "textLength"))
            text = html.unescape(text).replace("\xa0", " ")
            if x and y and length and text:  # the window's title has no textLength
                width = float(length[1]) / len(text)
                column = round(float(x[1]) / width)
                row = cells.setdefault(float(y[1]), {})
                row.update({column + i: char for i, char in enumerate(text)})
        return ["".join(row.get(i, " ") for i in range(max(row) + 1)) for _, row in sorted(cells.items())]

    @staticmethod
    async def wait_for(pilot: Any, condition: Callable[[], object], timeout: float = 20.0) -> None:
        """Let the app run until ``condition()`` holds (workers and timers included).

        Sleeps rather than ``pilot.pause()``: a pause waits for every widget of the current
        screen to drain its messages, which a plugin screen that just crashed never does.
        Once the condition holds, one pause lets the (healthy) screen finish mounting.
        """
        steps = int(timeout / 0.02)
        for _ in range(steps):
            if condition():
                await pilot.pause()
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"timed out waiting for {condition}")


@pytest.fixture
def kit() -> type[Kit]:
    return Kit
