"""Records that describe plugins and what they contribute.

A plugin declares itself with a :class:`PluginInfo` and contributes through hooks that return
the ``*Contribution`` records below. Screens, panels and reports are named by an import path
(``"package.module:Name"``) rather than the object itself, so that listing what a plugin offers
never imports its heavy modules: the TUI imports a screen only when it is first opened.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

DOMAIN_ROLES = ("staff", "scheduling", "billing", "inventory")
"""The domain roles a plugin may provide; at most one enabled plugin provides each."""

_PLUGIN_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_IMPORT_PATH = re.compile(r"^[\w.]+:[\w.]+$")


def _valid_id(instance: Any, attribute: attrs.Attribute, value: str) -> None:
    if not _PLUGIN_ID.match(value):
        raise ValueError(f"{attribute.name} {value!r} must be lower-case words joined by hyphens")


def _valid_import_path(instance: Any, attribute: attrs.Attribute, value: str) -> None:
    if not _IMPORT_PATH.match(value):
        raise ValueError(f"{attribute.name} {value!r} must look like 'package.module:Name'")


ROLE_REQUIREMENT = "role:"
"""How ``requires`` names a role rather than a plugin: ``"role:scheduling"``."""


def required_role(requirement: str) -> str | None:
    """The role a ``requires`` entry names (``"role:scheduling"`` gives ``"scheduling"``), or
    None when it names a plugin by id."""
    return requirement[len(ROLE_REQUIREMENT):] if requirement.startswith(ROLE_REQUIREMENT) else None


def describe_requirement(requirement: str) -> str:
    """A requirement in words: ``"a scheduling provider"`` or ``"'patient-alerts'"``."""
    role = required_role(requirement)
    return f"a {role} provider" if role is not None else repr(requirement)


def _valid_requires(instance: Any, attribute: attrs.Attribute, value: tuple[str, ...]) -> None:
    for requirement in value:
        role = required_role(requirement)
        if role is not None and role not in DOMAIN_ROLES:
            raise ValueError(f"requires {requirement!r} names no domain role ({', '.join(DOMAIN_ROLES)})")
        if role is None and not _PLUGIN_ID.match(requirement):
            raise ValueError(f"requires {requirement!r} is neither a plugin id nor 'role:<role>' "
                             f"({', '.join(ROLE_REQUIREMENT + r for r in DOMAIN_ROLES)})")


def _valid_role(instance: Any, attribute: attrs.Attribute, value: str | None) -> None:
    if value is not None and value not in DOMAIN_ROLES:
        raise ValueError(f"provides {value!r} is not a domain role ({', '.join(DOMAIN_ROLES)})")


@attrs.frozen
class PluginInfo:
    """What a plugin says about itself, as the module attribute ``plugin_info``.

    Attributes:
        id: lower-case, hyphenated; also the entry-point name and, with hyphens as
            underscores, the prefix of the plugin's tables and its Alembic branch label.
        title: a human name for lists and menus.
        api_version: the :data:`~medoffice.core.HOOK_API_VERSION` the plugin was written for.
        requires: what must be enabled and load before this one: plugin ids, or a role
            written ``"role:scheduling"`` ("needs a scheduling provider", whichever plugin
            provides it; prefer this to naming a provider, so the practice may swap it).
        provides: the domain role it implements (``"scheduling"``…), or None.
        enabled_by_default: enable it in a practice that has not chosen, unless another
            enabled plugin already provides the same role.
        description: one sentence for ``medoffice plugins list``.
        hookspecs: dotted names of modules of hook specifications the plugin publishes for
            other plugins to implement (``"medoffice.plugins.billing.hookspecs"``): a
            family of connectors that belongs to its domain. See docs/plugins.md.
    """

    id: str = attrs.field(validator=_valid_id)
    title: str
    api_version: int
    requires: tuple[str, ...] = attrs.field(default=(), converter=tuple, validator=_valid_requires)
    provides: str | None = attrs.field(default=None, validator=_valid_role)
    enabled_by_default: bool = True
    description: str = ""
    hookspecs: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    @property
    def table_prefix(self) -> str:
        """Every table the plugin owns starts with this (``patient_alerts_``)."""
        return self.id.replace("-", "_") + "_"

    @property
    def branch_label(self) -> str:
        """The plugin's Alembic branch label."""
        return self.id.replace("-", "_")


@attrs.frozen
class SchemaContribution:
    """A plugin's tables and migrations.

    Attributes:
        metadata: the plugin's own ``sqlalchemy.MetaData`` (its models' metadata).
        versions_dir: the folder of its Alembic revisions; the first revision carries the
            plugin's branch label and ``depends_on="core"``.
    """

    metadata: Any
    versions_dir: Path = attrs.field(converter=Path)


@attrs.frozen
class PermissionSpec:
    """A permission a plugin checks, and the roles that get it in a new practice."""

    name: str = attrs.field(validator=attrs.validators.matches_re(r"^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$"))
    description: str
    default_roles: tuple[str, ...] = attrs.field(default=("admin",), converter=tuple)


@attrs.frozen
class ScreenContribution:
    """A TUI screen a plugin offers.

    Attributes:
        id: unique across plugins (``"alerts.list"``).
        title: shown in navigation and the command palette.
        screen: import path of a ``textual.screen.Screen`` subclass; it is constructed as
            ``Screen(host)`` where ``host`` is a :class:`~medoffice.core.ui.ScreenHost`.
        section: the navigation section it belongs to (``"patients"``, ``"schedule"``…).
        permission: the user needs it to see the screen at all, or None for everyone.
        key: an optional single key or F-key that opens it from anywhere.
        home: the screen is the practice's "today" home: the first screen after sign-in
            for a user who may see it (the first such screen of the enabled plugins wins;
            everyone else starts on the patient search). Its section keeps the home's stack.

    Each section has its own screen stack in the TUI, so switching from one to another and
    back finds every section as it was left.

    .. versionchanged:: 1 ``home`` (default False: existing contributions are unchanged).
    """

    id: str
    title: str
    screen: str = attrs.field(validator=_valid_import_path)
    section: str = "plugins"
    permission: str | None = None
    key: str | None = None
    home: bool = False


@attrs.frozen
class ActionContribution:
    """A command-palette action: runs ``action`` (import path of ``fn(host) -> None``)."""

    id: str
    title: str
    action: str = attrs.field(validator=_valid_import_path)
    help: str = ""
    permission: str | None = None


@attrs.frozen
class PanelContribution:
    """A panel on the patient card, shown when a patient's record is opened.

    ``widget`` is the import path of a Textual widget class constructed as
    ``Widget(host, patient)`` with a :class:`~medoffice.core.ui.ScreenHost` and a
    :class:`~medoffice.core.records.PatientRecord`.
    """

    id: str
    title: str
    widget: str = attrs.field(validator=_valid_import_path)
    permission: str | None = None
    order: int = 100


@attrs.frozen
class ReportResult:
    """A report's output: a title, column names and rows of display-ready values."""

    title: str
    columns: tuple[str, ...] = attrs.field(converter=tuple)
    rows: tuple[tuple[Any, ...], ...] = attrs.field(converter=lambda rows: tuple(tuple(r) for r in rows))
    notes: str = ""


@attrs.frozen
class ReportSpec:
    """A report a plugin offers to ``medoffice reports`` and the TUI.

    ``run`` is called as ``run(ctx, params)`` inside a read operation, after the core has
    checked ``permission``; ``params`` maps the ``--param`` names to the strings typed.
    """

    id: str
    title: str
    run: Callable[[Any, Mapping[str, str]], ReportResult]
    permission: str
    params: Sequence[str] = ()
    description: str = ""


@attrs.frozen
class DashboardCard:
    """A small figure for the home screen: "3 claims denied", "Gloves below reorder point"."""

    title: str
    value: str
    detail: str = ""
    severity: str = attrs.field(default="info", validator=attrs.validators.in_(("info", "warning", "error")))
