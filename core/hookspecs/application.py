"""Application hooks: how a plugin adds tables, commands, screens, permissions and reports.

The contribution hooks take no arguments and return records (or lists of them); the core
collects them per plugin, so every contribution is known to come from its plugin. They must be
cheap: they are called at start-up. Return import paths rather than importing screens and
widgets, so that ``medoffice --help`` never imports Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._markers import hookspec

if TYPE_CHECKING:
    from ..context import Context
    from ..records import (
        ActionContribution,
        DashboardCard,
        PanelContribution,
        PermissionSpec,
        ReportSpec,
        SchemaContribution,
        ScreenContribution,
    )


@hookspec
def medoffice_schema() -> SchemaContribution | None:
    """Contribute the plugin's tables and Alembic migrations.

    Called when the database is migrated or checked (``medoffice init``, ``db upgrade``,
    ``db status``, ``plugins enable``), never on an ordinary command.

    Returns:
        A :class:`~medoffice.core.records.SchemaContribution` with the plugin's ``MetaData``
        and the folder of its Alembic revisions. Every table's name must start with the
        plugin's :attr:`~medoffice.core.PluginInfo.table_prefix`; the first revision carries
        the plugin's branch label and ``down_revision = None`` (a root of its own; the core
        is always migrated first, so foreign keys to core tables find them). Import your models inside the
        implementation, so that SQLAlchemy is not imported at start-up.

    Example::

        @hookimpl
        def medoffice_schema():
            from . import models
            return SchemaContribution(models.Base.metadata, Path(__file__).parent / "migrations")
    """


@hookspec
def medoffice_cli_commands() -> list[Any]:
    """Contribute click groups to the ``medoffice`` command.

    Called once when the command line is built, only for enabled plugins.

    Returns:
        A list of ``click.Group`` objects, each added at the top level (``medoffice alerts …``).
        Names must not clash with the core's commands or another plugin's. Commands should
        act through :func:`medoffice.core.cli.operation` so they sign the user in, check
        permissions in the service layer and write in one unit of work.
    """


@hookspec
def medoffice_screens() -> list[ScreenContribution]:
    """Contribute TUI screens.

    Called when the TUI starts. The TUI lists a screen in navigation and the command palette
    only when the signed-in user has its ``permission``, and imports its class when it is
    first opened. A screen that raises while mounting is replaced by an error panel naming
    the plugin; the app stays up.

    Returns:
        A list of :class:`~medoffice.core.records.ScreenContribution`.
    """


@hookspec
def medoffice_palette_actions() -> list[ActionContribution]:
    """Contribute command-palette actions that are not screens ("Print day sheet…").

    Returns:
        A list of :class:`~medoffice.core.records.ActionContribution`; each ``action`` is the
        import path of a function called as ``fn(host)`` with the TUI's
        :class:`~medoffice.core.ui.ScreenHost`.
    """


@hookspec
def medoffice_patient_panels() -> list[PanelContribution]:
    """Contribute panels to the patient card (alerts, balance, upcoming visits).

    The TUI shows the panels, ordered by ``order``, whenever a patient's record is opened and
    the user has each panel's ``permission``.

    Returns:
        A list of :class:`~medoffice.core.records.PanelContribution`.
    """


@hookspec
def medoffice_permissions() -> list[PermissionSpec]:
    """Declare the permissions the plugin checks.

    Called when the plugin is migrated in (``init``, ``db upgrade``, ``plugins enable``): new
    permissions are granted to their ``default_roles`` once. After that the role to permission
    map is the practice's data (``medoffice roles grant|revoke``), not code.

    Returns:
        A list of :class:`~medoffice.core.records.PermissionSpec`. Names are dotted and start
        with a word of the plugin's own (``alerts.write``).
    """


@hookspec
def medoffice_reports() -> list[ReportSpec]:
    """Contribute reports to ``medoffice reports`` and the TUI's reports list.

    Returns:
        A list of :class:`~medoffice.core.records.ReportSpec`. The core checks the report's
        permission, then calls ``run(ctx, params)`` in a read-only operation.
    """


@hookspec
def medoffice_dashboard_cards(ctx: Context) -> list[DashboardCard]:
    """Contribute figures to the dashboard ("2 claims denied").

    Called by :func:`medoffice.core.services.dashboard.load` in a read-only operation, for the
    signed-in user, each time the dashboard is shown (``medoffice dashboard``, the TUI's
    dashboard, a manager's home screen). Check the user's permissions (``ctx.can(...)``) and
    return nothing they may not see. A raising implementation is left out and named; the
    other plugins' cards are shown.

    Args:
        ctx: the operation's context.

    Returns:
        A list of :class:`~medoffice.core.records.DashboardCard`.
    """


@hookspec
def medoffice_populate_demo(ctx: Context, seed: int) -> None:
    """Add the plugin's own demo data to a new demo practice (``medoffice demo``).

    Called once, after the core made the practice, its users, staff and patients, in the same
    unit of work. Use ``seed`` so the demo is the same every time.

    Args:
        ctx: the demo-building operation (acting as the system user).
        seed: the ``--seed`` the demo was made with.
    """
