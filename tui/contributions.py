"""What the enabled plugins contribute to the TUI, gathered once and filtered per user.

Contribution hooks are cheap (they return import paths), so the app asks for them once at
start-up. A plugin whose hook raises must not hide the core's own screens, so a failure is
kept as a one-line problem to show, never raised. Filtering by permission happens here, in
one place, so navigation, the command palette, the help screen and the patient card agree on
what a user may see.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import reduce
from typing import Any

import attrs

from medoffice.core.errors import MedofficeError, PluginError
from medoffice.core.loader import Hooks
from medoffice.core.records import ActionContribution, PanelContribution, ScreenContribution, UserRecord


MANAGER = "manager"
"""The role whose home is the dashboard."""

DASHBOARD_ID = "core.dashboard"


def may_see(user: UserRecord | None, permission: str | None) -> bool:
    """Whether ``user`` may see something guarded by ``permission`` (None: everyone signed in).

    Uses the core's rule, so the system user's ``"*"`` grants everything.
    """
    if user is None:
        return False
    return permission is None or user.can(permission)


def import_object(path: str) -> Any:
    """Import ``"package.module:Name"`` (``Name`` may be dotted) and return the object.

    Plugins name their screens and widgets by path so that listing them never imports them;
    this is the one place the TUI turns such a path into a class or function.

    Raises:
        ImportError, AttributeError, ValueError: whatever the import raises; callers turn it
            into an error naming the plugin.
    """
    module_name, sep, attribute = path.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"{path!r} is not an import path like 'package.module:Name'")
    module = importlib.import_module(module_name)
    return reduce(getattr, attribute.split("."), module)


def _gather(problems: list[str], fetch: Callable[..., list[tuple[str, Any]]]) -> tuple[tuple[str, Any], ...]:
    """One hook's contributions; a plugin whose hook raises is left out and reported (its
    PluginError names it), the others' contributions stay."""
    errors: list[PluginError] = []
    try:
        found = tuple(fetch(errors))
    except MedofficeError as exc:
        problems.append(str(exc))
        return ()
    problems.extend(str(error) for error in errors)
    return found


def _with_dashboard(screens: tuple[tuple[str, Any], ...]) -> tuple[tuple[str, Any], ...]:
    """The plugins' screens, then the core's dashboard (its own section, listed last)."""
    from .screens.dashboard import SCREEN

    return (*screens, ("core", SCREEN))


def _with_role_panels(hooks: Hooks, panels: tuple[tuple[str, Any], ...]) -> tuple[tuple[str, Any], ...]:
    """The panels, and the core's appointments panel when a scheduling provider is enabled
    but contributes no patient panel of its own: the card shows appointments from whichever
    plugin provides scheduling (docs/architecture.md#roles)."""
    provider = hooks.role_provider("scheduling")
    if provider is None or any(plugin == provider for plugin, _ in panels):
        return panels
    from .screens.role_appointments import PANEL

    return tuple(sorted([*panels, ("core", PANEL)], key=lambda pair: (pair[1].order, pair[1].id)))


@attrs.frozen
class Contributions:
    """The screens, palette actions and patient panels of the enabled plugins.

    Each entry is ``(plugin id, contribution)``, so any failure can name its plugin.

    Attributes:
        screens: every plugin screen, in load order.
        actions: every palette action, in load order.
        panels: every patient-card panel, in display order.
        problems: one line per contribution hook that raised.
    """

    screens: tuple[tuple[str, ScreenContribution], ...] = ()
    actions: tuple[tuple[str, ActionContribution], ...] = ()
    panels: tuple[tuple[str, PanelContribution], ...] = ()
    problems: tuple[str, ...] = ()

    @classmethod
    def gather(cls, hooks: Hooks) -> Contributions:
        """Ask the plugins once; a raising hook becomes a problem, not an exception."""
        problems: list[str] = []
        screens = _with_dashboard(_gather(problems, hooks.screens))
        actions = _gather(problems, hooks.palette_actions)
        panels = _gather(problems, hooks.patient_panels)
        return cls(screens, actions, _with_role_panels(hooks, panels), tuple(problems))

    def screens_for(self, user: UserRecord | None) -> list[tuple[str, ScreenContribution]]:
        """The plugin screens ``user`` may open, grouped by section then in load order."""
        visible = [(p, s) for p, s in self.screens if may_see(user, s.permission)]
        sections = list(dict.fromkeys(s.section for _, s in visible))
        return sorted(visible, key=lambda pair: sections.index(pair[1].section))

    def actions_for(self, user: UserRecord | None) -> list[tuple[str, ActionContribution]]:
        """The palette actions ``user`` may run."""
        return [(p, a) for p, a in self.actions if may_see(user, a.permission)]

    def panels_for(self, user: UserRecord | None) -> list[tuple[str, PanelContribution]]:
        """The patient-card panels ``user`` may see, in display order."""
        return [(p, panel) for p, panel in self.panels if may_see(user, panel.permission)]

    def home_for(self, user: UserRecord | None) -> tuple[str, ScreenContribution] | None:
        """The home screen ``user`` lands on after sign-in: the dashboard for a manager (a
        user whose roles include ``manager``) who may see it; else the first screen marked
        ``home`` (the "today" board) that they may see; else None (the patient search)."""
        visible = self.screens_for(user)
        if user is not None and MANAGER in user.roles:
            dashboard = next(((p, s) for p, s in visible if s.id == DASHBOARD_ID), None)
            if dashboard is not None:
                return dashboard
        return next(((p, s) for p, s in visible if s.home), None)

    def screen(self, screen_id: str) -> tuple[str, ScreenContribution] | None:
        """The plugin screen with id ``screen_id``, whoever may see it."""
        return next(((p, s) for p, s in self.screens if s.id == screen_id), None)
