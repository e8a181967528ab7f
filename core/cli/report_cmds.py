"""``medoffice reports …``: the reports plugins contribute."""

from __future__ import annotations

import click

from ._app import emit, json_option, operation, parse_assignments, state, table


@click.group()
def reports() -> None:
    """Reports contributed by the installed plugins."""


@reports.command("list")
@json_option
def list_reports(as_json: bool) -> None:
    """The reports you may run."""
    runtime = state().runtime()
    with operation(write=False) as ctx:
        available = [(plugin, spec) for plugin, spec in runtime.plugins.hooks.reports() if ctx.can(spec.permission)]
    data = [{"id": s.id, "title": s.title, "plugin": p, "params": list(s.params), "description": s.description}
            for p, s in available]
    emit(data, as_json=as_json, human=lambda rows: table(
        [(r["id"], r["title"], r["plugin"], " ".join(r["params"])) for r in rows], ("id", "title", "plugin", "params")))


@reports.command("run")
@click.argument("report_id")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE")
@json_option
def run_report(report_id: str, params: tuple[str, ...], as_json: bool) -> None:
    """Run REPORT_ID."""
    from ..services import reports as service

    with operation(write=False) as ctx:
        result = service.run(ctx, report_id, parse_assignments(params, "--param"))
    emit(result, as_json=as_json, human=lambda r: (click.echo(r.title), table(list(r.rows), r.columns),
                                                   click.echo(r.notes) if r.notes else None))
