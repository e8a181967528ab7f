"""The conformance check holds a plugin's published hooks to the core's documentation rule:
a docstring that says what the hook is for and describes each argument under ``Args:``."""

from __future__ import annotations

import sys
import types

import pytest

from medoffice.core import PluginInfo, hookspec
from medoffice.testing import plugin_problems

SPECS = "tests_herald_specs"


def medoffice_herald_news(ctx, item):
    """Something happened that a news plugin may pass on.

    Args:
        ctx: the operation.
        item: what happened.
    """


def medoffice_herald_rumour(ctx, item):
    """A rumour, documented without its arguments."""


def medoffice_herald_whisper(ctx, item, source):
    """A whisper.

    Args:
        ctx: the operation.
        item: what was whispered.
    """


def medoffice_herald_silence(ctx):
    pass


class Herald:
    plugin_info = PluginInfo(id="herald", title="Herald", api_version=1, hookspecs=(SPECS,))


@pytest.fixture
def medoffice_extra_plugins(specs, monkeypatch):
    """Herald, publishing the ``specs`` the test is parametrized with."""
    module = types.ModuleType(SPECS)
    wanted = specs
    for function in (medoffice_herald_news, medoffice_herald_rumour, medoffice_herald_whisper,
                     medoffice_herald_silence):
        if function.__name__ in wanted:
            setattr(module, function.__name__, hookspec(function))
    monkeypatch.setitem(sys.modules, SPECS, module)
    return [Herald()]


@pytest.mark.parametrize("specs", [("medoffice_herald_news",)])
def test_a_documented_published_hook_passes(medoffice_practice):
    assert plugin_problems(medoffice_practice, "herald") == []


@pytest.mark.parametrize("specs", [("medoffice_herald_news", "medoffice_herald_rumour", "medoffice_herald_whisper",
                                    "medoffice_herald_silence")])
def test_each_undocumented_published_hook_is_named(medoffice_practice):
    assert plugin_problems(medoffice_practice, "herald") == [
        "publishes medoffice_herald_rumour, whose docstring has no 'Args:' section for ctx, item",
        "publishes medoffice_herald_silence without a docstring saying when it is called and what it returns",
        "publishes medoffice_herald_whisper, whose docstring does not describe source",
    ]
