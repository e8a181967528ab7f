"""``medoffice dashboard``: every plugin's figures, as the TUI's dashboard shows them."""

from __future__ import annotations

import click

from ._app import emit, json_option, operation, say, table


@click.command("dashboard")
@json_option
def dashboard_command(as_json: bool) -> None:
    """Every enabled plugin's figures for you (needs dashboard.read).

    A plugin whose figures could not be made is named on stderr and the others are shown.
    """
    from ..services import dashboard

    with operation(write=False) as ctx:
        shown = dashboard.load(ctx)
    data = {"cards": [{"plugin": p, "title": c.title, "value": c.value, "detail": c.detail, "severity": c.severity}
                      for p, c in shown.cards],
            "problems": list(shown.problems)}
    for problem in shown.problems:
        say(problem, err=True)
    emit(data, as_json=as_json, human=lambda d: table(
        [(c["title"], c["value"], c["severity"], c["detail"], c["plugin"]) for c in d["cards"]],
        ("card", "value", "severity", "detail", "plugin")))
