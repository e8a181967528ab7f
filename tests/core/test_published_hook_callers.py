"""Every hook a plugin publishes has a caller in the publishing plugin (the rule
test_hook_callers.py applies to the core's hooks): a published hook nothing calls would
have connector plugins implement it for nothing.

The publisher calls its hooks through ``ctx.hooks.collect(NAME, …)`` or
``ctx.hooks.call(NAME, …)``, naming the hook as a string constant; the scan finds the name
in the publisher's package, outside its spec module and its migrations.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from medoffice.core.loader import discover
from medoffice.core.loader.manager import spec_names


def published() -> list[tuple[str, str, Path, Path]]:
    """``(plugin id, hook, package folder, spec module file)`` for every published hook."""
    found = []
    for candidate in discover()[0]:
        package = Path(candidate.module.__file__).resolve().parent
        for dotted in candidate.info.hookspecs:
            module = importlib.import_module(dotted)
            found += [(candidate.info.id, hook, package, Path(module.__file__).resolve())
                      for hook in spec_names(module)]
    return found


PUBLISHED = published()


def test_the_scan_finds_the_built_in_plugins_hooks():
    assert {(pid, hook) for pid, hook, _, _ in PUBLISHED} >= {
        ("scheduling", "medoffice_send_reminders"), ("billing", "medoffice_billing_clearinghouse")}


@pytest.mark.parametrize(("plugin", "hook", "package", "spec_file"), PUBLISHED,
                         ids=[f"{pid}:{hook}" for pid, hook, _, _ in PUBLISHED])
def test_a_published_hook_is_called_by_its_publisher(plugin, hook, package, spec_file):
    callers = []
    for path in package.rglob("*.py"):
        if path.resolve() == spec_file or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(rf"""HOOK\s*=\s*["']{hook}["']|hooks\.(?:collect|call)\(\s*["']{hook}["']""", text):
            callers.append(path.name)
    assert callers, f"plugin {plugin!r} publishes {hook} but nothing in {package} calls it"
