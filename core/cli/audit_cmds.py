"""``medoffice audit …``, ``medoffice backup`` and ``medoffice restore``."""

from __future__ import annotations

import datetime as dt

import click

from ._app import emit, json_option, operation, state, table
from .params import DAY


@click.group()
def audit() -> None:
    """The audit log: show entries, verify the chain."""


@audit.command("verify")
@json_option
def verify(as_json: bool) -> None:
    """Check the whole chain and its checkpoints; exit 1 naming the first altered, inserted,
    reordered or deleted row, or the end cut off."""
    from .. import audit as audit_log
    from ..errors import MedofficeError

    app = state()
    report = audit_log.verify_practice(app.runtime(), app.user())
    with operation() as ctx:
        ctx.audit("audit.verified", "audit", None,
                  summary={"ok": report.ok, "rows": report.rows, "checkpoints": report.checkpoints})
    emit(report, as_json=as_json, human=_intact)
    if not report.ok:
        raise MedofficeError(f"audit log tampered: {report.problem}")


def _intact(report: object) -> None:
    if not report.ok:
        return
    if report.checkpoints:
        points = f"{report.checkpoints} checkpoint{'s' if report.checkpoints != 1 else ''}"
        click.echo(f"audit log intact: {report.rows} rows verified, and {points}")
    else:
        click.echo(f"audit log intact: {report.rows} rows verified (no checkpoint of this database here yet: "
                   "rows cut off the end could not be told)")


def _day_start(value: dt.date | None, tz: object) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.combine(value, dt.time(), tzinfo=tz).astimezone(dt.timezone.utc)


@audit.command("show")
@click.option("--patient", "mrn", help="Entries about this patient (MRN).")
@click.option("--user", "username", help="Entries by this user.")
@click.option("--since", type=DAY, help="From this day, YYYY-MM-DD (practice time).")
@click.option("--until", type=DAY, help="Up to and including this day, YYYY-MM-DD.")
@click.option("--action", help="Action, '*' as wildcard: 'patient.*' ('_' and '%' are plain characters).")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@json_option
def show(mrn: str | None, username: str | None, since: dt.date | None, until: dt.date | None,
         action: str | None, limit: int, as_json: bool) -> None:
    """Audit entries, newest first."""
    from .. import audit as audit_log
    from ..services import patients

    with operation(write=False) as ctx:
        ctx.require("audit.read")
        patient_id = patients.get(ctx, mrn).id if mrn else None
        tz = ctx.timezone
        entries = list(audit_log.iter_entries(
            ctx.session, patient_id=patient_id, username=username.lower() if username else None,
            since=_day_start(since, tz),
            until=_day_start(until + dt.timedelta(days=1) if until else None, tz),
            action=action, limit=limit))
        rows = [(e.seq, ctx.local(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.username, e.action,
                 f"{e.entity}:{e.entity_id}" if e.entity_id else e.entity, _summary(e.summary)) for e in entries]
    emit(entries, as_json=as_json, human=lambda _e: table(rows, ("seq", "time", "user", "action", "entity", "summary")))


def _summary(summary: dict) -> str:
    text = ", ".join(f"{k}={v}" for k, v in summary.items())
    return text if len(text) <= 60 else text[:57] + "..."


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace PATH if it is an existing regular file.")
@json_option
def backup_command(path: str, force: bool, as_json: bool) -> None:
    """Back up the practice (SQLite) to PATH and checkpoint the audit log."""
    from pathlib import Path

    from .. import backup

    app = state()
    result = backup.backup(app.runtime(), app.user(), Path(path), overwrite=force)
    emit(result, as_json=as_json, human=lambda r: click.echo(
        f"backed up {r.bytes} bytes to {r.path}" + (" (it replaced the file that was there)" if r.replaced else "")))


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds a practice.")
def restore_command(path: str, force: bool) -> None:
    """Restore the practice database (SQLite) from the backup at PATH.

    Into an empty database anyone may restore; replacing an existing practice (--force)
    needs an administrator's sign-in.
    """
    from pathlib import Path

    from .. import backup

    app = state()
    runtime = app.runtime(need_practice=False)
    by = None
    if runtime.has_practice:
        with operation(write=False) as ctx:
            ctx.require("db.manage")
            by = ctx.user.username
    target = backup.restore(runtime, Path(path), overwrite=force, by=by)
    click.echo(f"restored {path} into {target}")
