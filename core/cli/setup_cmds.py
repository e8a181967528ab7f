"""``medoffice init`` and ``medoffice demo``: making a practice."""

from __future__ import annotations

import click

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ._app import emit, json_option, state, table
from .passwords import new_password, password_stdin_first_option, refuse_password_argument


def _sqlite_file(url: str) -> Path | None:
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return None
    return Path(url.removeprefix("sqlite:///").split("?", 1)[0])


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextmanager
def _removed_if_failed(runtime: Any) -> Iterator[None]:
    """A failed init or demo leaves no empty SQLite file behind (it rolled back whole)."""
    path = _sqlite_file(runtime.engine.url.render_as_string(hide_password=False))
    existed = path is not None and path.exists() and path.stat().st_size > 0
    try:
        yield
    except BaseException:
        if path is not None and not existed and not runtime.has_practice:
            runtime.engine.dispose()
            _remove_sqlite(path)
        raise


def _is_demo_or_empty(path: Path) -> bool:
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT is_demo FROM core_practice").fetchone()
    except sqlite3.Error:
        return True  # no practice table: not a practice
    return row is None or bool(row[0])


_disable_option = click.option(
    "--disable", "disabled", metavar="PLUGIN", multiple=True,
    help="Start the practice without this installed plugin (repeatable); chooses between two providers of one role.")


@click.command("init")
@click.option("--name", prompt="Practice name", help="The practice's name.")
@click.option("--timezone", prompt="Time zone (IANA, e.g. America/New_York)", help="Where the practice is.")
@click.option("--npi", default="", help="Group NPI (10 digits).")
@click.option("--tax-id", default="", help="EIN, NN-NNNNNNN.")
@click.option("--phone", default="", help="Main phone number.")
@click.option("--admin-user", default="admin", show_default=True, help="The first administrator's user name.")
@click.option("--admin-name", default="Administrator", show_default=True)
@_disable_option
@password_stdin_first_option
@click.option("--admin-password", hidden=True, expose_value=False, is_eager=True, callback=refuse_password_argument)
@json_option
def init_command(name: str, timezone: str, npi: str, tax_id: str, phone: str, admin_user: str,
                 admin_name: str, disabled: tuple[str, ...], password_stdin: str | bool, as_json: bool) -> None:
    """Create a new practice in an empty database, with its first administrator.

    The administrator's password is asked for twice at a hidden prompt; --password-stdin
    reads it from standard input instead, and scripts may set MEDOFFICE_ADMIN_PASSWORD.
    """
    from ..setup import init_practice

    app = state()
    runtime = app.runtime(need_practice=False)
    with _removed_if_failed(runtime):
        practice, admin = init_practice(
            runtime,
            {"name": name, "timezone": timezone, "npi": npi, "tax_id": tax_id, "phone": phone},
            admin_username=admin_user, admin_name=admin_name,
            admin_password=new_password(f"password for the administrator {admin_user}",
                                        variable="MEDOFFICE_ADMIN_PASSWORD", from_stdin=password_stdin),
            disabled=disabled,
        )
    url = runtime.engine.url.render_as_string(hide_password=True)
    emit({"practice": practice, "admin": admin.username, "database": url}, as_json=as_json,
         human=lambda _d: click.echo(f"Created {practice.name} in {url}; sign in as {admin.username!r}."))


def _holds_the_demo(runtime: Any) -> bool:
    """Whether the practice in ``runtime`` is a demo (asked in SQL: its schema may be old)."""
    from sqlalchemy import text

    with runtime.engine.connect() as connection:
        return bool(connection.execute(text("SELECT is_demo FROM core_practice")).scalar())


def _upgraded(runtime: Any, url: str, candidates: Any) -> Any:
    """The reused demo practice brought up to this medoffice's schema (nothing to do when it
    is current), opened again so that its plugins load on their current tables. A demo's
    data is the demo's: upgrading it needs no one's say-so, unlike a real practice's
    ``medoffice db upgrade``."""
    from ..runtime import open_runtime
    from ..services import plugin_admin

    with runtime.operation(write=False) as ctx:
        current = not any(branch.pending for branch in plugin_admin.status(runtime, ctx))
    if current:
        return runtime
    with runtime.operation() as ctx:
        plugin_admin.upgrade_schema(ctx, runtime.migration_plugins())
    runtime.close()
    return open_runtime(url, candidates=candidates)


@click.command("demo")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same demo.")
@click.option("--patients", "patient_count", type=click.IntRange(0, 100_000), default=300, show_default=True)
@click.option("--reset", is_flag=True, help="Throw away an existing demo database first (SQLite only).")
@click.option("--tui", "open_tui", is_flag=True, help="Open the reception TUI on the demo afterwards.")
@_disable_option
@json_option
def demo_command(seed: int, patient_count: int, reset: bool, open_tui: bool, disabled: tuple[str, ...],
                 as_json: bool) -> None:
    """Make (or reuse) a demo practice and print its users.

    Without --db it lives in its own SQLite file in your data folder, apart from any real
    practice (MEDOFFICE_DB is not read here, so a shell set up for the office's practice
    still makes the demo apart). The users admin, manager, frontdesk and billing all have
    the password 'demo'.
    """
    from ..config import demo_database_url
    from ..demo import DEMO_PASSWORD, DEMO_USERS, make_demo
    from ..errors import ValidationError
    from ..runtime import open_runtime

    app = state()
    url = app.database_url or demo_database_url()
    if reset:
        path = _sqlite_file(url)
        if path is None:
            raise ValidationError("--reset only removes SQLite demo files; drop a PostgreSQL database yourself")
        if path.exists() and not _is_demo_or_empty(path):
            raise ValidationError(f"{path} holds a real practice, not a demo; --reset refuses to delete it")
        _remove_sqlite(path)
    runtime = open_runtime(url, candidates=app.candidates)
    created = False
    if not runtime.has_practice:
        with _removed_if_failed(runtime):
            make_demo(runtime, seed=seed, patient_count=patient_count, disabled=disabled)
        created = True
    elif _holds_the_demo(runtime):
        runtime = _upgraded(runtime, url, app.candidates)  # made by an older medoffice, maybe
    else:
        runtime.close()
        raise ValidationError(f"{url} holds a real practice, not a demo; "
                              "give medoffice demo an empty database or none")
    click.get_current_context().call_on_close(runtime.close)
    app.database_url, app._runtime = url, runtime
    users = [{"user": u, "name": n, "roles": r, "password": DEMO_PASSWORD} for u, n, r in DEMO_USERS]
    data = {"database": url, "created": created, "users": users}

    def human(_d: object) -> None:
        click.echo(("Created" if created else "Using") + f" the demo practice in {url}")
        table([(u["user"], u["name"], ", ".join(u["roles"]), u["password"]) for u in users],
              ("user", "name", "roles", "password"))
        if not open_tui:
            click.echo(f"Open it with: medoffice --db {url} tui")

    emit(data, as_json=as_json, human=human)
    if open_tui:
        from .tui_cmd import run_ui

        run_ui(runtime)
