"""The dashboard: every enabled plugin's figures for the signed-in user.

The one caller of ``medoffice_dashboard_cards``: ``medoffice dashboard`` and the TUI's
dashboard (the manager's home) both show what :func:`load` returns. Each card's plugin
checks its own permissions (a card a user may not see is not returned); the dashboard
itself needs ``dashboard.read``. A plugin whose hook raises, or returns something that is
not a card, is left out and named in ``problems``: one broken plugin never hides the others'.
"""

from __future__ import annotations

import attrs

from ..context import Context
from ..errors import PluginError
from ..records import DashboardCard

READ = "dashboard.read"


@attrs.frozen
class Dashboard:
    """The cards, each with its plugin's id (``core`` for the core's own), in load order,
    and one line per plugin whose cards could not be shown."""

    cards: tuple[tuple[str, DashboardCard], ...] = ()
    problems: tuple[str, ...] = ()


def load(ctx: Context) -> Dashboard:
    """Ask every enabled plugin for its cards, in a read-only operation."""
    ctx.require(READ)
    errors: list[PluginError] = []
    cards = []
    problems = []
    for plugin_id, card in ctx.hooks.dashboard_cards(ctx, errors=errors):
        if not isinstance(card, DashboardCard):
            problems.append(f"plugin {plugin_id!r}: medoffice_dashboard_cards returned {type(card).__name__}, "
                            "not a DashboardCard")
            continue
        not_text = [f for f in ("title", "value", "detail") if not isinstance(getattr(card, f), str)]
        if not_text:
            problems.append(f"plugin {plugin_id!r}: medoffice_dashboard_cards returned a card whose "
                            f"{' and '.join(not_text)} is not text")
            continue
        cards.append((plugin_id, card))
    problems[:0] = [str(e) for e in errors]
    return Dashboard(tuple(cards), tuple(problems))
